using System.Security.Cryptography;
using System.Text;
using HotlineCenter.Abstractions.Calls;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Identity;

public sealed class CallerIdentityOptions
{
    /// <summary>Secret for the keyed hash that links repeat callers (at least 32 characters). Never logged.</summary>
    public string CallerHashKey { get; set; } = string.Empty;
}

/// <summary>
/// Turns a caller's number into what the core may keep: a keyed hash (links repeat calls, reveals nothing
/// without the key) and a masked form for screens. The clear number never leaves the telephony adapter.
/// </summary>
public sealed class CallerIdentityProtector(IOptions<CallerIdentityOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.CallerHashKey);

    public CallerRef Protect(string number)
    {
        var normalized = Normalize(number);
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalized)));
        return new CallerRef(hash, Mask(normalized));
    }

    /// <summary>Keeps the first three and last four digits of a number: <c>+86138****1234</c>.</summary>
    public static string Mask(string number)
    {
        var n = Normalize(number);
        if (n.Length <= 7)
        {
            return new string('*', n.Length);
        }

        var keepStart = n.StartsWith('+') ? Math.Min(6, n.Length - 4) : 3;
        return string.Concat(n.AsSpan(0, keepStart), new string('*', n.Length - keepStart - 4), n.AsSpan(n.Length - 4));
    }

    private static string Normalize(string number) =>
        new(number.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());
}
