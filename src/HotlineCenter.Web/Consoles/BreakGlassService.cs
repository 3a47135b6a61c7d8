using System.Collections.Immutable;
using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace HotlineCenter.Web.Consoles;

/// <summary>A caller's full number as the supervisor's console may show it: to whom the grant is, and until when.</summary>
public sealed record RevealedNumber(string CallId, string GrantId, string Number, DateTimeOffset ExpiresAt);

/// <summary>
/// Break-glass unmasking for the wallboard and the crisis board (docs/security.md): the circuit's signed-in user asks
/// <see cref="IUnmaskGrantGrain"/> for a time-limited grant with a reason and the case, action or follow-up it serves;
/// the grain decides, this façade decrypts through <see cref="ICallerNumberVault"/> only for a valid grant and hands the
/// number to that circuit alone. Every grant, reveal and refusal is an <see cref="AuditKind.Unmask"/> entry on the
/// call (detail <c>grant=&lt;id&gt;</c> and the refusal's code; never the reason or the number). The number is never
/// logged, published or stored.
/// </summary>
public sealed class BreakGlassService(
    IGrainFactory grains,
    ICallerNumberVault vault,
    IAuditTrail audit,
    ILogger<BreakGlassService> logger,
    AuthenticationStateProvider? signedIn = null)
{
    /// <summary>What a grant on this call may name (the call's case and actions, or its follow-up); refused across centres.</summary>
    public async Task<ImmutableArray<UnmaskPurpose>> GetPurposesAsync(string callId)
    {
        var user = await UserAsync();
        var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
        if (!user.MayActIn(call.CentreId))
        {
            throw StaffAccess.OtherCentreRefusal("call");
        }

        return await Grants(callId).GetPurposesAsync();
    }

    /// <summary>Asks for a grant and reveals the number under it; a refusal is audited with its code and rethrown.</summary>
    public async Task<RevealedNumber> RequestAsync(string callId, string? reason, UnmaskPurposeKind kind, string? purposeId)
    {
        var user = await UserAsync();
        var staffId = user.StaffId() ?? string.Empty;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => Enum.TryParse<StaffRole>(c.Value, out var r) ? r : (StaffRole?)null).OfType<StaffRole>().Distinct();
        UnmaskGrant grant;
        try
        {
            grant = await Grants(callId).GrantAsync(new UnmaskRequest(staffId, user.CentreId(), [.. roles], reason, kind, purposeId));
        }
        catch (HotlineRuleException ex)
        {
            await audit.RecordAsync(AuditKind.Unmask, callId, AuditOutcome.Refused, $"request {ex.Code}");
            throw;
        }

        await audit.RecordAsync(AuditKind.Unmask, callId, AuditOutcome.Succeeded, $"grant={grant.GrantId} purpose={PurposeCode(grant.PurposeKind)}:{Ascii(grant.PurposeId)} until={grant.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        return await RevealAsync(callId, grant.GrantId);
    }

    /// <summary>The number under a grant of the signed-in user still valid now (a reveal, audited); refused once it expired.</summary>
    public async Task<RevealedNumber> RevealAsync(string callId, string grantId)
    {
        var user = await UserAsync();
        var staffId = user.StaffId() ?? string.Empty;
        return await audit.TrackAsync(AuditKind.Unmask, callId, async () =>
        {
            var sealedNumber = await Grants(callId).RevealAsync(grantId, staffId);
            var number = vault.Reveal(sealedNumber.EncryptedNumber)
                ?? throw new HotlineRuleException("unmask.no-number", "This call has no number that can be shown (withheld, or no longer kept).");
            logger.LogInformation("Number of call {CallId} revealed to {StaffId} under grant {GrantId}", callId, staffId, grantId);
            return new RevealedNumber(callId, grantId, number, sealedNumber.Grant.ExpiresAt);
        }, $"reveal grant={Ascii(grantId)}");
    }

    /// <summary>The signed-in user's grant on this call still valid now, if any (nothing is revealed).</summary>
    public async Task<UnmaskGrant?> GetActiveGrantAsync(string callId) =>
        await Grants(callId).GetActiveAsync((await UserAsync()).StaffId() ?? string.Empty);

    private async Task<ClaimsPrincipal> UserAsync()
    {
        var user = signedIn is null ? null : (await signedIn.GetAuthenticationStateAsync()).User;
        return user?.Identity?.IsAuthenticated == true
            ? user
            : throw new HotlineRuleException("unmask.role", "Only a signed-in supervisor may see a caller's full number.");
    }

    private IUnmaskGrantGrain Grants(string callId)
    {
        Keys.RequireCallId(callId);
        return grains.GetGrain<IUnmaskGrantGrain>(callId);
    }

    private static string PurposeCode(UnmaskPurposeKind kind) => kind switch
    {
        UnmaskPurposeKind.CrisisCase => "case",
        UnmaskPurposeKind.CrisisAction => "action",
        _ => "follow-up",
    };

    private static string Ascii(string? id) => id is not null && id.Length <= 80 && id.All(c => c is > ' ' and <= '~') ? id : "invalid";
}
