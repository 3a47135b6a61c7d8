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
/// without the key), a masked form for screens, and the number encrypted with AES-GCM so that a callback
/// can be dialled. Two keys are derived from the one configured secret (HKDF), so the hash key never
/// doubles as an encryption key. Clear numbers exist only inside the telephony adapter.
/// </summary>
public sealed class CallerIdentityProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _hashKey;
    private readonly byte[] _encryptionKey;

    public CallerIdentityProtector(IOptions<CallerIdentityOptions> options)
    {
        var secret = Encoding.UTF8.GetBytes(options.Value.CallerHashKey);
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "hotline caller hash v1"u8.ToArray());
        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "hotline caller number v1"u8.ToArray());
    }

    public CallerRef Protect(string number)
    {
        var normalized = Normalize(number);
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(normalized)));
        return new CallerRef(hash, Mask(normalized), Encrypt(normalized), NumberRegions.Of(normalized));
    }

    /// <summary>The clear number of a caller, for dialling a callback; null when it cannot be decrypted.</summary>
    public string? RevealForDialling(CallerRef caller)
    {
        if (caller.EncryptedNumber is not { } sealedNumber)
        {
            return null;
        }

        try
        {
            var blob = Convert.FromBase64String(sealedNumber);
            if (blob.Length <= NonceSize + TagSize)
            {
                return null;
            }

            var plain = new byte[blob.Length - NonceSize - TagSize];
            using var aes = new AesGcm(_encryptionKey, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }

    private string Encrypt(string number)
    {
        var plain = Encoding.UTF8.GetBytes(number);
        var blob = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(blob.AsSpan(0, NonceSize), plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize));
        return Convert.ToBase64String(blob);
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
