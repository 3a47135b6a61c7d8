using HotlineCenter.Abstractions.Calls;

namespace HotlineCenter.Abstractions.Telephony;

/// <summary>
/// The seam to the telephony adapter's number encryption (<c>CallerIdentityProtector</c>) for what lies outside
/// dialling: re-sealing a stored ciphertext under the current key after a rotation (grains, on activation), and the
/// break-glass reveal (the web's <c>BreakGlassService</c>, only after a valid grant). A clear number returned here
/// must never be logged, published or persisted.
/// </summary>
public interface ICallerNumberVault
{
    /// <summary>The key id new ciphertexts are sealed with.</summary>
    string CurrentKeyId { get; }

    /// <summary>True when the ciphertext is sealed under another key than the current one (and so wants re-sealing).</summary>
    bool NeedsReseal(string? encryptedNumber);

    /// <summary>The caller with the number sealed again under the current key; the same caller when it is current or cannot be read.</summary>
    CallerRef Reseal(CallerRef caller);

    /// <summary>The clear number of a ciphertext, or null when it cannot be read.</summary>
    string? Reveal(string? encryptedNumber);
}
