using System.Security.Claims;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Web.Accounts;

namespace HotlineCenter.Web.Audit;

/// <summary>
/// The web layer's way into the audit trail. An entry is built from the signed-in user of the current circuit or
/// request (user name, roles and centre from <see cref="StaffClaims"/>; the centre picks the chain) and the client's
/// address, and appended to that centre's <see cref="IAuditLogGrain"/> before the method returns.
/// <para>
/// Auditing never stands in the way of the work it records: a failed append is logged (kind, target, user, chain)
/// and nothing is raised to the caller. Targets are ids (record = call id, case id, call id, caller key, user
/// name, centre id), never a number or a name; details are short ASCII codes. Anything else is replaced by
/// <c>invalid</c> rather than stored.
/// </para>
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an entry for the signed-in user of this circuit or request.</summary>
    Task RecordAsync(AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null);

    /// <summary>Appends an entry for <paramref name="user"/> (a principal that is not the ambient one, e.g. a session being ended).</summary>
    Task RecordForAsync(ClaimsPrincipal user, AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null);

    /// <summary>
    /// Runs a change and appends it with how it ended — <see cref="AuditOutcome.Succeeded"/>, <see cref="AuditOutcome.Refused"/>
    /// (a rule refused it) or <see cref="AuditOutcome.Failed"/> (anything else, e.g. the provider) — then returns its
    /// result or rethrows its exception unchanged.
    /// </summary>
    Task<T> TrackAsync<T>(AuditKind kind, string? target, Func<Task<T>> change, string? detail = null);

    /// <inheritdoc cref="TrackAsync{T}(AuditKind, string?, Func{Task{T}}, string?)"/>
    Task TrackAsync(AuditKind kind, string? target, Func<Task> change, string? detail = null);

    /// <summary>
    /// A sign-in attempt, awaited by the sign-in endpoint: <see cref="AuditKind.SignIn"/> for the principal signed in,
    /// otherwise <see cref="AuditKind.SignInFailed"/> (Refused; detail <c>bad-password</c>, <c>locked</c> or
    /// <c>unknown-account</c>) under the account's centre, or the host chain with actor <c>-</c> when no account has
    /// that name (the typed name is not kept: it may be a password typed in the wrong field).
    /// </summary>
    Task SignInAsync(string? username, SignInOutcome outcome, ClaimsPrincipal? principal);
}
