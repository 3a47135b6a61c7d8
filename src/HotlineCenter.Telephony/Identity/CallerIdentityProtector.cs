using System.Security.Cryptography;
using System.Text;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace HotlineCenter.Telephony.Identity;

/// <summary>
/// Section <c>Hotline</c>: the two secrets that protect callers' numbers, each configured on its own (docs/security.md).
/// </summary>
public sealed class CallerIdentityOptions
{
    /// <summary>
    /// Secret for the keyed hash (HMAC-SHA256) that links repeat callers (at least 32 characters). Never logged and
    /// never rotated silently: a new hash key makes every caller a stranger (the host refuses to start with a changed one).
    /// </summary>
    public string CallerHashKey { get; set; } = string.Empty;

    /// <summary>
    /// Encryption keys for the numbers kept for callbacks (AES-256-GCM), by key id (1–16 characters a-z, 0-9, '-'):
    /// the current one and any previous ones still needed to read older ciphertexts. Each secret at least 32 characters.
    /// </summary>
    public Dictionary<string, string> NumberKeys { get; set; } = [];

    /// <summary>The id in <see cref="NumberKeys"/> new ciphertexts are sealed with.</summary>
    public string? CurrentNumberKeyId { get; set; }

    /// <summary>What is wrong with these settings, each naming its setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CallerHashKey.Length < 32)
        {
            problems.Add("Hotline:CallerHashKey must be set to a secret of at least 32 characters");
        }

        if (NumberKeys.Count == 0)
        {
            problems.Add("Hotline:NumberKeys must hold at least one encryption key (Hotline:NumberKeys:<id> = a secret of at least 32 characters)");
        }

        foreach (var (id, secret) in NumberKeys)
        {
            if (!CallerIdentityProtector.IsValidKeyId(id.ToLowerInvariant()))
            {
                problems.Add($"Hotline:NumberKeys: key id '{id}' must be 1–16 characters a-z, 0-9 or '-'");
            }

            if ((secret ?? string.Empty).Length < 32)
            {
                problems.Add($"Hotline:NumberKeys:{id} must be a secret of at least 32 characters");
            }
            else if (secret == CallerHashKey)
            {
                problems.Add($"Hotline:NumberKeys:{id} must differ from Hotline:CallerHashKey: one secret must not serve both the hash and the encryption");
            }
        }

        if (NumberKeys.Count > 0 && (CurrentNumberKeyId is null || !NumberKeys.Keys.Any(k => string.Equals(k, CurrentNumberKeyId, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"Hotline:CurrentNumberKeyId must name one of Hotline:NumberKeys ({string.Join(", ", NumberKeys.Keys)})");
        }

        return problems;
    }
}

/// <summary>Refuses to start with incomplete keys, naming each problem and its setting.</summary>
public sealed class CallerIdentityOptionsValidator : IValidateOptions<CallerIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, CallerIdentityOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

/// <summary>
/// Turns a caller's number into what the core may keep: a keyed hash (links repeat calls, reveals nothing
/// without the key), a masked form for screens (never more than four digits), and the number encrypted with
/// AES-GCM under the current number key, its key id in front (<c>k2:base64</c>), so that a callback can be
/// dialled and keys can be rotated. The hash key and the encryption keys are separate secrets. Ciphertexts from
/// before key ids (plain base64) were sealed with a key derived from the hash secret; they stay readable.
/// Withheld numbers get no hash at all (<see cref="Keys.AnonymousCaller"/>): they share no caller profile.
/// Clear numbers exist only inside the telephony adapter.
/// </summary>
public sealed class CallerIdentityProtector
{
    /// <summary>What screens show for a caller who withheld their number.</summary>
    public const string WithheldMask = "匿名来电";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly byte[] _hashKey;
    private readonly byte[] _legacyNumberKey;
    private readonly Dictionary<string, byte[]> _numberKeys;
    private readonly string _currentKeyId;

    public CallerIdentityProtector(IOptions<CallerIdentityOptions> options)
    {
        var o = options.Value;
        if (o.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join("; ", problems) + ".");
        }

        var secret = Encoding.UTF8.GetBytes(o.CallerHashKey);
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "hotline caller hash v1"u8.ToArray());
        _legacyNumberKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "hotline caller number v1"u8.ToArray());
        _numberKeys = o.NumberKeys.ToDictionary(
            k => k.Key.ToLowerInvariant(),
            k => HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(k.Value), 32, info: Encoding.UTF8.GetBytes("hotline caller number v2:" + k.Key.ToLowerInvariant())),
            StringComparer.Ordinal);
        _currentKeyId = o.CurrentNumberKeyId!.ToLowerInvariant();
    }

    /// <summary>The id of the key new ciphertexts are sealed with.</summary>
    public string CurrentKeyId => _currentKeyId;

    /// <summary>
    /// A fingerprint of the hash key (not the key): stored once per deployment, so a changed hash key is noticed
    /// at start-up instead of silently making every caller a stranger.
    /// </summary>
    public string HashKeyFingerprint => Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, "hotline caller hash key fingerprint"u8))[..16];

    /// <summary>The caller as the provider reported them; a withheld or placeholder number gets no caller profile.</summary>
    public CallerRef ProtectCaller(string? from) =>
        WithheldNumbers.IsWithheld(from) ? Withheld : Protect(from!);

    /// <summary>A caller without a usable number: no hash (no caller profile), nothing to dial.</summary>
    public static CallerRef Withheld { get; } = new(Keys.AnonymousCaller, WithheldMask, null);

    public CallerRef Protect(string number)
    {
        if (WithheldNumbers.IsWithheld(number))
        {
            return Withheld;
        }

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
            var colon = sealedNumber.IndexOf(':');
            byte[] key;
            byte[] aad;
            if (colon < 0)
            {
                key = _legacyNumberKey;
                aad = [];
            }
            else if (_numberKeys.TryGetValue(sealedNumber[..colon], out var found))
            {
                key = found;
                aad = Aad(sealedNumber[..colon]);
            }
            else
            {
                return null;
            }

            var blob = Convert.FromBase64String(sealedNumber[(colon + 1)..]);
            if (blob.Length <= NonceSize + TagSize)
            {
                return null;
            }

            var plain = new byte[blob.Length - NonceSize - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain, aad);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The key id a ciphertext was sealed with; <c>legacy</c> for one from before key ids, null for none.</summary>
    public static string? KeyIdOf(string? encryptedNumber) =>
        encryptedNumber is null ? null : encryptedNumber.IndexOf(':') is var colon and > 0 ? encryptedNumber[..colon] : "legacy";

    /// <summary>The same caller with the number sealed again under the current key (for a re-encryption pass); unchanged when it cannot be read.</summary>
    public CallerRef Reseal(CallerRef caller) =>
        RevealForDialling(caller) is { } number ? caller with { EncryptedNumber = Encrypt(number) } : caller;

    public static bool IsValidKeyId(string? id) =>
        id is { Length: >= 1 and <= 16 } && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private string Encrypt(string number)
    {
        var plain = Encoding.UTF8.GetBytes(number);
        var blob = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_numberKeys[_currentKeyId], TagSize);
        aes.Encrypt(blob.AsSpan(0, NonceSize), plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Aad(_currentKeyId));
        return _currentKeyId + ":" + Convert.ToBase64String(blob);
    }

    // The key id is authenticated with the ciphertext: moving a ciphertext under another id makes it unreadable.
    private static byte[] Aad(string keyId) => Encoding.UTF8.GetBytes("hotline-number:" + keyId);

    /// <summary>
    /// What a screen may show of a number: at most four digits, fewer for shorter numbers, by the number's type
    /// (libphonenumber, China when the number has no country code). Mobiles and other numbers of 11+ digits keep
    /// their last four; Chinese landlines and numbers of 7–10 digits their last two; short numbers (≤ 6 digits,
    /// e.g. 12356) none. A number from abroad is prefixed with its region code in letters (<c>GB ********5678</c>),
    /// never with digits.
    /// </summary>
    public static string Mask(string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
        {
            return WithheldMask;
        }

        var national = digits;
        string? region = null;
        var type = PhoneNumberType.UNKNOWN;
        try
        {
            var parsed = Phones.Parse(Normalize(number), "CN");
            national = Phones.GetNationalSignificantNumber(parsed);
            region = Phones.GetRegionCodeForNumber(parsed);
            type = Phones.GetNumberType(parsed);
        }
        catch (NumberParseException)
        {
            // Not a number libphonenumber understands: masked by its length alone.
        }

        if (national.Length == 0)
        {
            national = digits;
        }

        var shown = RevealedDigits(national.Length, type, region);
        var masked = new string('*', national.Length - shown) + national[(national.Length - shown)..];
        return region is null or "CN" or "ZZ" || region.Any(c => !char.IsAsciiLetterUpper(c)) ? masked : region + " " + masked;
    }

    /// <summary>How many trailing digits a masked number shows (the table in docs/security.md).</summary>
    public static int RevealedDigits(int nationalLength, PhoneNumberType type, string? region) =>
        nationalLength <= 6 ? 0
        : type == PhoneNumberType.FIXED_LINE && region == "CN" ? 2
        : nationalLength <= 10 ? 2
        : 4;

    private static string Normalize(string number) =>
        new(number.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray());
}

/// <summary>
/// Numbers that identify nobody: empty, withheld (<c>anonymous</c>, <c>Restricted</c>, <c>Unavailable</c>, …), or
/// the keypad spellings carriers and Twilio have sent in their place (<c>+266696687</c> = ANONYMOUS,
/// <c>+7378742833</c> = RESTRICTED, <c>+8656696</c> = UNKNOWN, <c>+86282452253</c> = UNAVAILABLE, <c>+2562533</c> =
/// BLOCKED, <c>+7748283</c> = PRIVATE). The two "+86…" spellings look like Chinese numbers and must never be linked.
/// </summary>
public static class WithheldNumbers
{
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "266696687", "7378742833", "8656696", "86282452253", "2562533", "7748283",
    };

    public static bool IsWithheld(string? from)
    {
        if (string.IsNullOrWhiteSpace(from))
        {
            return true;
        }

        var compact = new string(from.Where(c => !char.IsWhiteSpace(c) && c is not ('-' or '(' or ')' or '.')).ToArray());
        var digits = compact.StartsWith('+') ? compact[1..] : compact;
        if (digits.Length is < 3 or > 15 || !digits.All(char.IsAsciiDigit))
        {
            // Letters (anonymous, Restricted, client:…, sip:…) or something that is no phone number.
            return true;
        }

        return Placeholders.Contains(digits) || digits.All(c => c == digits[0]);
    }
}
