using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Telephony.Tests;

/// <summary>Every vector of twilio-contract.md §1 (auth token 12345).</summary>
public sealed class TwilioSignatureValidatorTests
{
    private const string Token = "12345";
    private const string PathAndQuery = "/myapp.php?foo=1&bar=2";
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
        // The contract's signed string for the first URL, signed directly.
        const string signed = "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";

        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignatureValidator.ComputeSignature(Token, signed, []));
        Assert.True(Validator.IsValid("https://mycompany.com" + PathAndQuery, Params.Reverse(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Fact]
    public void Url_with_a_port_accepts_the_signature_made_without_it() =>
        Assert.True(Validator.IsValid("https://mycompany.com:1234" + PathAndQuery, Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Fact]
    public void Url_without_a_port_accepts_the_signature_made_with_the_default_port() =>
        Assert.True(Validator.IsValid("https://mycompany.com" + PathAndQuery, Params, "kvajT1Ptam85bY51eRf/AJRuM3w="));

    [Fact]
    public void Json_body_is_checked_by_its_hash_and_the_url_alone_is_signed()
    {
        const string body = "{\"property\": \"value\", \"boolean\": true}";
        const string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        var url = $"https://mycompany.com{PathAndQuery}&bodySHA256={hash}";

        Assert.Equal("a9nBmqA0ju/hNViExpshrM61xv4=", TwilioSignatureValidator.ComputeSignature(Token, url, []));
        Assert.True(Validator.IsValidJson(url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
        Assert.False(Validator.IsValidJson(url, body.Replace("true", "false"), "a9nBmqA0ju/hNViExpshrM61xv4="));
        Assert.False(Validator.IsValidJson("https://mycompany.com" + PathAndQuery, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
    }

    [Fact]
    public void Repeated_keys_sign_each_distinct_value_once_in_order()
    {
        KeyValuePair<string, string>[] repeated =
        [
            new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234"), new("Digits", "1234"),
        ];

        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignatureValidator.ComputeSignature(Token, "https://mycompany.com" + PathAndQuery, repeated));
        Assert.True(Validator.IsValid("https://mycompany.com" + PathAndQuery, repeated, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B9=")]
    [InlineData("not base64 at all")]
    public void Missing_or_wrong_signature_is_refused(string? signature) =>
        Assert.False(Validator.IsValid("https://mycompany.com" + PathAndQuery, Params, signature));

    [Fact]
    public void Tampered_parameter_is_refused()
    {
        var tampered = Params.Select(p => p.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "1") : p);

        Assert.False(Validator.IsValid("https://mycompany.com" + PathAndQuery, tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Fact]
    public void Another_accounts_token_is_refused() =>
        Assert.False(new TwilioSignatureValidator("54321").IsValid("https://mycompany.com" + PathAndQuery, Params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}
