using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Grains.Calls;

/// <summary>
/// Re-sealing after a key rotation (docs/security.md): a grain holding a caller's sealed number calls this when it
/// activates; a ciphertext under an older key comes back sealed under the current one (and the grain saves it), so
/// the old key can be retired once every such grain has woken. Without a vault (grain tests) nothing changes.
/// </summary>
public static class NumberReseal
{
    /// <summary>The caller re-sealed under the current key, or null when nothing needs changing.</summary>
    public static CallerRef? Resealed(ICallerNumberVault? vault, CallerRef? caller)
    {
        if (vault is null || caller?.EncryptedNumber is not { Length: > 0 } sealedNumber || !vault.NeedsReseal(sealedNumber))
        {
            return null;
        }

        var resealed = vault.Reseal(caller);
        return resealed.EncryptedNumber == sealedNumber ? null : resealed;
    }
}
