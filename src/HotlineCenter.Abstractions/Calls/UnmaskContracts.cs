using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Abstractions.Calls;

/// <summary>What an unmask serves: the call's crisis case, one of its actions, or (a call without a case) its follow-up.</summary>
public enum UnmaskPurposeKind
{
    CrisisCase = 0,
    CrisisAction = 1,
    FollowUp = 2,
}

/// <summary>One thing the full number of a call may be revealed for; <see cref="Label"/> is an id or action kind, never text typed by staff.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.unmask-purpose")]
public sealed record UnmaskPurpose(
    [property: Id(0)] UnmaskPurposeKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Label);

/// <summary>A break-glass request: who asks (their roles and centre from the sign-in claims), why, and for which case, action or follow-up.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.unmask-request")]
public sealed record UnmaskRequest(
    [property: Id(0)] string StaffId,
    [property: Id(1)] string? StaffCentreId,
    [property: Id(2)] ImmutableArray<StaffRole> Roles,
    [property: Id(3)] string? Reason,
    [property: Id(4)] UnmaskPurposeKind PurposeKind,
    [property: Id(5)] string? PurposeId);

/// <summary>A time-limited permission for one staff member to see one call's full number (the reason is kept on the grant grain, not here).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.unmask-grant")]
public sealed record UnmaskGrant(
    [property: Id(0)] string GrantId,
    [property: Id(1)] string CallId,
    [property: Id(2)] string CentreId,
    [property: Id(3)] string StaffId,
    [property: Id(4)] UnmaskPurposeKind PurposeKind,
    [property: Id(5)] string PurposeId,
    [property: Id(6)] DateTimeOffset GrantedAt,
    [property: Id(7)] DateTimeOffset ExpiresAt);

/// <summary>What a reveal hands to the web: the grant and the number still sealed (decrypted only by <see cref="Telephony.ICallerNumberVault"/>).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.unmask-sealed")]
public sealed record UnmaskSealed(
    [property: Id(0)] UnmaskGrant Grant,
    [property: Id(1)] string EncryptedNumber);

/// <summary>
/// Break-glass grants of one call (key: the call id). It checks each request (role, centre, reason, purpose), keeps
/// every grant with its reason and expiry (persisted, never the number) and hands the sealed number only to the
/// staff member of a grant still valid on the domain clock. Only the web awaits it; it awaits the call, the call's
/// crisis case, its follow-up and the centre (reads).
/// </summary>
[Alias("hotline.unmask-grant-grain")]
public interface IUnmaskGrantGrain : IGrainWithStringKey
{
    /// <summary>The call's case and its actions, or its follow-up when it has no case: what a grant may name.</summary>
    [Alias("purposes")]
    Task<ImmutableArray<UnmaskPurpose>> GetPurposesAsync();

    /// <summary>Grants the request or refuses it (<c>unmask.*</c>, <c>centre.not-yours</c>); a refusal stores nothing.</summary>
    [Alias("grant")]
    Task<UnmaskGrant> GrantAsync(UnmaskRequest request);

    /// <summary>The sealed number for the grant's own staff member while it is valid; refused once it expired.</summary>
    [Alias("reveal")]
    Task<UnmaskSealed> RevealAsync(string grantId, string staffId);

    /// <summary>The staff member's grant on this call still valid now, if any.</summary>
    [Alias("active")]
    Task<UnmaskGrant?> GetActiveAsync(string staffId);

    /// <summary>Every grant of the call, oldest first.</summary>
    [Alias("grants")]
    Task<ImmutableArray<UnmaskGrant>> GetGrantsAsync();
}
