using System.Security.Cryptography;
using System.Text;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> (twilio-contract.md §1): HMAC-SHA1 with the auth token over the full
/// URL Twilio requested followed by the sorted form parameters; the other port variant is also accepted.
/// The URL is handled as a string, never through <see cref="Uri"/>, which would lower-case the host and
/// drop default ports — both change the signed bytes.
/// </summary>
public sealed class TwilioSignatureValidator(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    public bool IsValid(string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var payload = Canonical(formParameters);
        foreach (var candidate in UrlVariants(url))
        {
            if (Matches(Sign(_key, candidate + payload), signature))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>JSON bodies: the URL carries <c>bodySHA256</c>; the URL alone is signed.</summary>
    public bool IsValidJson(string url, string rawBody, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || QueryValue(url, "bodySHA256") is not { } claimed)
        {
            return false;
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rawBody)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(claimed), Encoding.ASCII.GetBytes(actual)))
        {
            return false;
        }

        return UrlVariants(url).Any(candidate => Matches(Sign(_key, candidate), signature));
    }

    /// <summary>The signature Twilio would send for this request (the simulator signs with it).</summary>
    public static string ComputeSignature(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters) =>
        Sign(Encoding.UTF8.GetBytes(authToken), url + Canonical(formParameters));

    private static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var group in parameters.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                builder.Append(group.Key).Append(value);
            }
        }

        return builder.ToString();
    }

    private static string Sign(byte[] key, string data) => Convert.ToBase64String(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data)));

    private static bool Matches(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    /// <summary>The URL as given, then with its port removed, or with the scheme's default port added.</summary>
    private static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            yield break;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1;
        var colon = authority.IndexOf(':', hostStart);
        string variant;
        if (colon >= 0)
        {
            variant = authority[..colon];
        }
        else
        {
            var port = scheme switch { "https" => ":443", "http" => ":80", _ => null };
            if (port is null)
            {
                yield break;
            }

            variant = authority + port;
        }

        yield return url[..authorityStart] + variant + url[authorityEnd..];
    }

    private static string? QueryValue(string url, string name)
    {
        var query = url.IndexOf('?');
        if (query < 0)
        {
            return null;
        }

        foreach (var pair in url[(query + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == name)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }
}
