using System.Security.Cryptography;
using System.Text;

namespace HotlineCenter.Grains.Audit;

/// <summary>
/// Signs and checks audit checkpoints and segment seals with HMAC-SHA256. A key's id is a fingerprint of the key
/// (never the key), recorded with each signature, so after a rotation the retired key still verifies what it signed.
/// </summary>
public sealed class AuditSigner
{
    private readonly byte[] _current;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AuditSigner(AuditOptions options)
        : this(options.CheckpointKey, options.RetiredCheckpointKeys)
    {
    }

    public AuditSigner(string key, IEnumerable<string>? retired = null)
    {
        _current = Encoding.UTF8.GetBytes(key);
        KeyId = IdOf(key);
        _keys[KeyId] = _current;
        foreach (var old in retired ?? [])
        {
            _keys.TryAdd(IdOf(old), Encoding.UTF8.GetBytes(old));
        }
    }

    /// <summary>The id of the key new signatures are made with.</summary>
    public string KeyId { get; }

    /// <summary>The id recorded for a key: the first 12 hex digits of a SHA-256 over a label and the key.</summary>
    public static string IdOf(string key) =>
        "k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hotline-audit-key-id\n" + key)))[..12];

    /// <summary>The signature (lower-case hex) of <paramref name="data"/> with the current key.</summary>
    public string Sign(byte[] data) => Convert.ToHexStringLower(HMACSHA256.HashData(_current, data));

    /// <summary>True when <paramref name="signature"/> is the signature of <paramref name="data"/> with the key <paramref name="keyId"/>.</summary>
    public bool Verify(string keyId, byte[] data, string signature)
    {
        if (!_keys.TryGetValue(keyId, out var key) || signature.Length != 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, data), given);
    }
}
