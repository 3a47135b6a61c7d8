using System.Security.Cryptography;
using System.Text;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> (twilio-contract.md §1): HMAC-SHA1 with the auth token over the full
/// URL Twilio requested followed by the sorted form parameters; the other port variant is also accepted.
/// The URL is handled as a string, never through <see cref="Uri"/>, which would lower-case the host, drop
/// default ports and re-escape the path — each of which changes the signed bytes.
/// </summary>
public sealed class TwilioSignatureValidator(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken ?? throw new ArgumentNullException(nameof(authToken)));

    public bool IsValid(string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);

        // An empty token is a public key: anyone could sign with it, so a misconfigured host must refuse all.
        if (string.IsNullOrEmpty(signature) || _key.Length == 0)
        {
            return false;
        }

        var payload = Canonical(formParameters);
        return UrlVariants(url).Any(candidate => Matches(Sign(_key, candidate + payload), signature));
    }

    /// <summary>JSON bodies: the URL carries <c>bodySHA256</c> and is signed alone; the body is checked by that hash.</summary>
    public bool IsValidJson(string url, string rawBody, string? signature)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(rawBody);
        if (string.IsNullOrEmpty(signature) || _key.Length == 0 || QueryValue(url, "bodySHA256") is not { } claimed)
        {
            return false;
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rawBody)));
        var bodyMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(claimed), Encoding.UTF8.GetBytes(actual));

        // Both checks always run so the time taken does not reveal which of them failed.
        var signatureMatches = UrlVariants(url).Any(candidate => Matches(Sign(_key, candidate), signature));
        return bodyMatches & signatureMatches;
    }

    /// <summary>The signature Twilio would send for this request (the simulator signs with it).</summary>
    public static string ComputeSignature(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);
        return Sign(Encoding.UTF8.GetBytes(authToken), url + Canonical(formParameters));
    }

    /// <summary>Names in ordinal order, each followed by its distinct values in ordinal order (Twilio's SDKs do the same).</summary>
    private static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var group in parameters.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value ?? string.Empty).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                builder.Append(group.Key).Append(value);
            }
        }

        return builder.ToString();
    }

    private static string Sign(byte[] key, string data) => Convert.ToBase64String(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(data)));

    private static bool Matches(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    /// <summary>
    /// The URL as given, then its other port variant: the port removed if present, else the scheme's default
    /// port added. Only the authority's port is touched; userinfo, host case and the rest stay byte for byte.
    /// </summary>
    private static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        if (OtherPortVariant(url) is { } variant)
        {
            yield return variant;
        }
    }

    private static string? OtherPortVariant(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];

        // userinfo may itself hold a colon (user:pass@), and an IPv6 literal is full of them: the port colon
        // is the first one after both.
        var hostStart = authority.LastIndexOf('@') + 1;
        var searchFrom = hostStart;
        if (hostStart < authority.Length && authority[hostStart] == '[')
        {
            var close = authority.IndexOf(']', hostStart);
            if (close < 0)
            {
                return null;
            }

            searchFrom = close + 1;
        }

        var colon = authority.IndexOf(':', searchFrom);
        string variant;
        if (colon >= 0)
        {
            variant = authority[..colon];
        }
        else
        {
            var defaultPort = url[..schemeEnd].ToLowerInvariant() switch
            {
                "https" => ":443",
                "http" => ":80",
                _ => null,
            };
            if (defaultPort is null)
            {
                return null;
            }

            variant = authority + defaultPort;
        }

        return url[..authorityStart] + variant + url[authorityEnd..];
    }

    private static string? QueryValue(string url, string name)
    {
        var query = url.IndexOf('?');
        if (query < 0)
        {
            return null;
        }

        var fragment = url.IndexOf('#', query);
        var queryString = fragment < 0 ? url[(query + 1)..] : url[(query + 1)..fragment];
        foreach (var pair in queryString.Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && string.Equals(pair[..eq], name, StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }
}
