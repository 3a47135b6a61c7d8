using System.Security.Cryptography;
using System.Text;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Telephony.Tests;

/// <summary>Every vector of twilio-contract.md §1 (auth token 12345), plus the ways a forgery must fail.</summary>
public sealed class TwilioSignatureValidatorTests
{
    private const string Token = "12345";
    private const string PathAndQuery = "/myapp.php?foo=1&bar=2";
    private const string FirstUrl = "https://mycompany.com" + PathAndQuery;
    private const string FirstSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private const string JsonBody = "{\"property\": \"value\", \"boolean\": true}";
    private const string JsonHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    private const string JsonSignature = "a9nBmqA0ju/hNViExpshrM61xv4=";
    private static readonly TwilioSignatureValidator Validator = new(Token);

    private static readonly KeyValuePair<string, string>[] Params =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675309"),
        new("Digits", "1234"),
        new("From", "+14158675309"),
        new("To", "+18005551212"),
    ];

    [Theory]
    [InlineData("https://mycompany.com", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("https://mycompany.com:1234", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("http://mycompany.com:80", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("http://mycompany.com:1234", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    [InlineData("https://MyCompany.com", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    [InlineData("http://MyCompany.com", "XY7AlKOKL6im4yWyX84gldUrtis=")]
    [InlineData("http://username:password@MyCompany.com", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")]
    public void Each_url_variant_signs_to_the_published_vector(string baseUrl, string expected)
    {
        Assert.Equal(expected, TwilioSignatureValidator.ComputeSignature(Token, baseUrl + PathAndQuery, Params));
        Assert.True(Validator.IsValid(baseUrl + PathAndQuery, Params, expected));
    }

    [Fact]
    public void Signed_string_is_url_then_sorted_names_and_values()
    {
        const string signed = "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";

        Assert.Equal(FirstSignature, TwilioSignatureValidator.ComputeSignature(Token, signed, []));
        Assert.True(Validator.IsValid(FirstUrl, Params.Reverse(), FirstSignature));
    }

    [Fact]
    public void Url_with_a_port_accepts_the_signature_made_without_it() =>
        Assert.True(Validator.IsValid("https://mycompany.com:1234" + PathAndQuery, Params, FirstSignature));

    [Fact]
    public void Url_without_a_port_accepts_the_signature_made_with_the_default_port()
    {
        Assert.True(Validator.IsValid(FirstUrl, Params, "kvajT1Ptam85bY51eRf/AJRuM3w="));
        Assert.True(Validator.IsValid("http://mycompany.com" + PathAndQuery, Params, "0ZXoZLH/DfblKGATFgpif+LLRf4="));
    }

    [Fact]
    public void Port_variant_keeps_userinfo_and_host_case()
    {
        Assert.True(Validator.IsValid("http://username:password@MyCompany.com:8080" + PathAndQuery, Params, "PJ08CxXr7KLPjEQCTc8LkUSMwSM="));
        Assert.True(Validator.IsValid("https://MyCompany.com:8443" + PathAndQuery, Params, "g9IN/x4Cft2g517EjYvEvM/W7LU="));
    }

    [Fact]
    public void Host_case_is_signed_so_it_is_not_normalised()
    {
        Assert.False(Validator.IsValid(FirstUrl, Params, "g9IN/x4Cft2g517EjYvEvM/W7LU="));
        Assert.False(Validator.IsValid("https://MyCompany.com" + PathAndQuery, Params, FirstSignature));
    }

    [Fact]
    public void Only_the_other_port_variant_is_tried() =>
        // :1234 signed, :443 requested: neither the URL nor its variant (no port) is what was signed.
        Assert.False(Validator.IsValid("https://mycompany.com:443" + PathAndQuery, Params, "CYn1h0gLBdNxDGkKJg6hYohgeD8="));

    [Fact]
    public void Json_body_hashes_to_the_published_value()
    {
        Assert.Equal(JsonHash, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonBody))));
    }

    [Fact]
    public void Json_url_alone_is_signed_and_the_body_is_checked_by_its_hash()
    {
        var url = $"{FirstUrl}&bodySHA256={JsonHash}";

        Assert.Equal(JsonSignature, TwilioSignatureValidator.ComputeSignature(Token, url, []));
        Assert.True(Validator.IsValidJson(url, JsonBody, JsonSignature));
    }

    [Fact]
    public void Json_accepts_the_other_port_variant() =>
        Assert.True(Validator.IsValidJson($"https://mycompany.com:443{PathAndQuery}&bodySHA256={JsonHash}", JsonBody, JsonSignature));

    [Fact]
    public void Tampered_json_body_is_refused_even_with_a_correct_looking_signature()
    {
        const string tampered = "{\"property\": \"value\", \"boolean\": false}";
        var tamperedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tampered)));

        // The body changed but the signed URL did not: the hash no longer matches.
        Assert.False(Validator.IsValidJson($"{FirstUrl}&bodySHA256={JsonHash}", tampered, JsonSignature));

        // The forger fixed the hash in the URL, which changes the signed URL: the old signature no longer fits.
        Assert.False(Validator.IsValidJson($"{FirstUrl}&bodySHA256={tamperedHash}", tampered, JsonSignature));
    }

    [Fact]
    public void Json_without_a_body_hash_or_signature_is_refused()
    {
        Assert.False(Validator.IsValidJson(FirstUrl, JsonBody, TwilioSignatureValidator.ComputeSignature(Token, FirstUrl, [])));
        Assert.False(Validator.IsValidJson($"{FirstUrl}&bodySHA256={JsonHash}", JsonBody, null));
        Assert.False(Validator.IsValidJson($"{FirstUrl}&bodySHA256={JsonHash}", JsonBody, ""));
    }

    [Fact]
    public void Repeated_keys_sign_each_distinct_value_once_in_order()
    {
        KeyValuePair<string, string>[] repeated =
        [
            new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234"), new("Digits", "1234"),
        ];
        KeyValuePair<string, string>[] once =
        [
            new("Digits", "1234"), new("Digits", "5678"), new("Sid", "CA123"), new("SidAccount", "AC123"),
        ];

        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignatureValidator.ComputeSignature(Token, FirstUrl, repeated));
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignatureValidator.ComputeSignature(Token, FirstUrl, once));
        Assert.True(Validator.IsValid(FirstUrl, repeated, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_signature_is_refused(string? signature)
    {
        Assert.False(Validator.IsValid(FirstUrl, Params, signature));
    }

    [Theory]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B9=")]
    [InlineData("kvajT1Ptam85bY51eRf/AJRuM3w")]
    [InlineData("not base64 at all")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8=RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    public void Wrong_signature_is_refused(string signature)
    {
        Assert.False(Validator.IsValid(FirstUrl, Params, signature));
    }

    [Fact]
    public void Tampered_parameter_value_is_refused()
    {
        var tampered = Params.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1") : p);

        Assert.False(Validator.IsValid(FirstUrl, tampered, FirstSignature));
    }

    [Fact]
    public void Added_or_removed_parameter_is_refused()
    {
        Assert.False(Validator.IsValid(FirstUrl, Params.Append(new("CallStatus", "completed")), FirstSignature));
        Assert.False(Validator.IsValid(FirstUrl, Params.Where(p => p.Key != "To"), FirstSignature));
    }

    [Fact]
    public void Tampered_query_string_is_refused() =>
        Assert.False(Validator.IsValid("https://mycompany.com/myapp.php?foo=2&bar=2", Params, FirstSignature));

    [Fact]
    public void Another_accounts_token_is_refused() =>
        Assert.False(new TwilioSignatureValidator("54321").IsValid(FirstUrl, Params, FirstSignature));

    [Fact]
    public void Empty_token_refuses_everything_even_its_own_signatures()
    {
        var forged = TwilioSignatureValidator.ComputeSignature(string.Empty, FirstUrl, Params);

        Assert.False(new TwilioSignatureValidator(string.Empty).IsValid(FirstUrl, Params, forged));
    }
}
