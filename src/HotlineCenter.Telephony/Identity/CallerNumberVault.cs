using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Telephony.Identity;

/// <summary><see cref="ICallerNumberVault"/> over <see cref="CallerIdentityProtector"/>: re-sealing after a rotation and the break-glass reveal.</summary>
public sealed class CallerNumberVault(CallerIdentityProtector identity) : ICallerNumberVault
{
    public string CurrentKeyId => identity.CurrentKeyId;

    public bool NeedsReseal(string? encryptedNumber) =>
        CallerIdentityProtector.KeyIdOf(encryptedNumber) is { } keyId && keyId != identity.CurrentKeyId;

    public CallerRef Reseal(CallerRef caller) => identity.Reseal(caller);

    public string? Reveal(string? encryptedNumber) =>
        encryptedNumber is { Length: > 0 } ? identity.RevealForDialling(new CallerRef(string.Empty, string.Empty, encryptedNumber)) : null;
}
