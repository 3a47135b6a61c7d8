using System.Collections.Concurrent;
using System.Security.Claims;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Audit;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>Keeps what a component's service audited, in order, instead of appending it to a chain.</summary>
public sealed class RecordingAuditTrail : IAuditTrail
{
    public ConcurrentQueue<(AuditKind Kind, string? Target, AuditOutcome Outcome, string? Detail)> Entries { get; } = new();

    public Task RecordAsync(AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null)
    {
        Entries.Enqueue((kind, target, outcome, detail));
        return Task.CompletedTask;
    }

    public Task RecordForAsync(ClaimsPrincipal user, AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null) =>
        RecordAsync(kind, target, outcome, detail);

    public async Task<T> TrackAsync<T>(AuditKind kind, string? target, Func<Task<T>> change, string? detail = null)
    {
        try
        {
            var result = await change();
            await RecordAsync(kind, target, AuditOutcome.Succeeded, detail);
            return result;
        }
        catch
        {
            await RecordAsync(kind, target, AuditOutcome.Refused, detail);
            throw;
        }
    }

    public Task TrackAsync(AuditKind kind, string? target, Func<Task> change, string? detail = null) =>
        TrackAsync(kind, target, async () =>
        {
            await change();
            return true;
        }, detail);

    public Task SignInAsync(string? username, SignInOutcome outcome, ClaimsPrincipal? principal) =>
        RecordAsync(principal is null ? AuditKind.SignInFailed : AuditKind.SignIn, username, principal is null ? AuditOutcome.Refused : AuditOutcome.Succeeded);
}
