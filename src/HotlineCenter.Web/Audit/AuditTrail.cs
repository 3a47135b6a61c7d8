using System.Net;
using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Audit;
using HotlineCenter.Web.Accounts;
using Microsoft.AspNetCore.Components.Authorization;

namespace HotlineCenter.Web.Audit;

/// <summary>
/// <see cref="IAuditTrail"/> for one circuit or request (scoped). In a circuit the user comes from its
/// authentication state and the address from <see cref="AuditOrigin"/>; in a request, from the HTTP context.
/// </summary>
public sealed class AuditTrail(
    IGrainFactory grains,
    AuditOrigin origin,
    IHttpContextAccessor http,
    IServiceProvider services,
    ILogger<AuditTrail> logger) : IAuditTrail
{
    private const string Invalid = "invalid";

    public async Task RecordAsync(AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null) =>
        await RecordForAsync(await CurrentUserAsync(), kind, target, outcome, detail);

    public Task RecordForAsync(ClaimsPrincipal user, AuditKind kind, string? target, AuditOutcome outcome = AuditOutcome.Succeeded, string? detail = null) =>
        AppendAsync(user.CentreId() ?? AuditChains.Host, EventFor(user, kind, target, outcome, detail));

    public async Task<T> TrackAsync<T>(AuditKind kind, string? target, Func<Task<T>> change, string? detail = null)
    {
        T result;
        try
        {
            result = await change();
        }
        catch (Exception ex)
        {
            await RecordAsync(kind, target, OutcomeOf(ex), Combine(detail, ex is HotlineRuleException rule ? rule.Code : ex is TelephonyRefusedException refused ? $"provider-{refused.ProviderCode ?? "-"}" : null));
            throw;
        }

        await RecordAsync(kind, target, AuditOutcome.Succeeded, detail);
        return result;
    }

    public Task TrackAsync(AuditKind kind, string? target, Func<Task> change, string? detail = null) =>
        TrackAsync(kind, target, async () =>
        {
            await change();
            return true;
        }, detail);

    public async Task SignInAsync(string? username, SignInOutcome outcome, ClaimsPrincipal? principal)
    {
        if (principal is not null)
        {
            await RecordForAsync(principal, AuditKind.SignIn, principal.StaffId());
            return;
        }

        var name = username?.Trim().ToLowerInvariant();
        UserAccountView? account = null;
        try
        {
            account = Keys.IsValidId(name) ? await grains.GetGrain<IUserAccountGrain>(name!).GetAsync() : null;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Audit: the account of a failed sign-in could not be read");
        }

        var detail = account is null ? "unknown-account" : outcome == SignInOutcome.LockedOut ? "locked" : account.Disabled ? "disabled" : "bad-password";
        var @event = account is null
            ? new AuditEvent(AuditChains.UnknownActor, [], AuditKind.SignInFailed, null, Address(), AuditOutcome.Refused, detail)
            : new AuditEvent(account.Username, account.Roles, AuditKind.SignInFailed, account.Username, Address(), AuditOutcome.Refused, detail);
        await AppendAsync(account?.CentreId ?? AuditChains.Host, @event);
    }

    private async Task AppendAsync(string chainId, AuditEvent @event)
    {
        try
        {
            await grains.GetGrain<IAuditLogGrain>(Keys.IsValidId(chainId) ? chainId : AuditChains.Host).AppendAsync(@event);
        }
        catch (Exception ex)
        {
            // The act itself goes on (a read, a safety action); the missing entry is an operations alarm, with identifiers only.
            logger.LogError(ex, "Audit entry not stored: {Kind} on {Target} by {Username} ({Outcome}) in chain {ChainId}", @event.Kind, @event.Target, @event.Actor, @event.Outcome, chainId);
        }
    }

    private AuditEvent EventFor(ClaimsPrincipal user, AuditKind kind, string? target, AuditOutcome outcome, string? detail)
    {
        var actor = user.StaffId() is { } id && Keys.IsValidId(id) ? id : AuditChains.UnknownActor;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => Enum.TryParse<StaffRole>(c.Value, out var role) ? role : (StaffRole?)null).OfType<StaffRole>().Distinct();
        return new AuditEvent(
            actor, [.. roles], kind,
            target is null ? null : AuditEventRules.IsTarget(target) ? target : Invalid,
            Address(), outcome,
            detail is null ? null : AuditEventRules.IsDetail(detail) ? detail : Invalid);
    }

    private async Task<ClaimsPrincipal> CurrentUserAsync()
    {
        if (origin.IsCircuit)
        {
            try
            {
                return (await services.GetRequiredService<AuthenticationStateProvider>().GetAuthenticationStateAsync()).User;
            }
            catch (InvalidOperationException)
            {
                // Not rendering a component after all (a request in the same scope): the request's user.
            }
        }

        return http.HttpContext?.User ?? new ClaimsPrincipal();
    }

    private string? Address()
    {
        var address = origin.IsCircuit ? origin.Address : http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        var text = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
        return AuditEventRules.IsAddress(text) ? text : null;
    }

    private static AuditOutcome OutcomeOf(Exception ex) => ex switch
    {
        HotlineRuleException or UnauthorizedAccessException => AuditOutcome.Refused,
        _ => AuditOutcome.Failed,
    };

    private static string? Combine(string? detail, string? code) =>
        code is null ? detail : detail is null ? code : $"{detail} {code}";
}
