using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Calls;

/// <summary>One break-glass grant as kept: the grant and the reason given for it (never the number).</summary>
[GenerateSerializer]
[Alias("hotline.unmask-grant-record")]
public sealed class UnmaskGrantRecord
{
    [Id(0)] public required UnmaskGrant Grant { get; init; }
    [Id(1)] public required string Reason { get; init; }
}

[GenerateSerializer]
[Alias("hotline.unmask-grant-state")]
public sealed class UnmaskGrantState
{
    [Id(0)] public List<UnmaskGrantRecord> Grants { get; set; } = [];
}

/// <summary>
/// The break-glass grants of one call (<see cref="IUnmaskGrantGrain"/>): decisions by <see cref="UnmaskRules"/>, expiry on
/// the domain clock, every grant persisted with its reason. Awaits only reads (call, crisis case, follow-up, centre);
/// nothing but the web awaits it, so no cycle is possible.
/// </summary>
public sealed class UnmaskGrantGrain(
    [PersistentState("unmask-grants", StorageNames.Hotline)] IPersistentState<UnmaskGrantState> state,
    HotlineTime time,
    ILogger<UnmaskGrantGrain> logger) : Grain, IUnmaskGrantGrain
{
    private const int GrantsKept = 200;

    private string CallId => this.GetPrimaryKeyString();

    public async Task<ImmutableArray<UnmaskPurpose>> GetPurposesAsync()
    {
        var (_, purposes) = await ReadCallAsync();
        return purposes;
    }

    public async Task<UnmaskGrant> GrantAsync(UnmaskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Keys.RequireId(request.StaffId, "staff");
        var (call, purposes) = await ReadCallAsync();
        var caller = await GrainFactory.GetGrain<ICallGrain>(CallId).GetCallerRefForUnmaskAsync();
        if (UnmaskRules.Refusal(request, call.CentreId, purposes, caller?.EncryptedNumber is { Length: > 0 }) is { } code)
        {
            logger.LogInformation("Unmask of call {CallId} refused to {StaffId}: {Code}", CallId, request.StaffId, code);
            throw new HotlineRuleException(code, UnmaskRules.Describe(code));
        }

        var config = await GrainFactory.GetGrain<ICentreGrain>(call.CentreId!).GetConfigAsync();
        var now = time.Now;
        var grant = new UnmaskGrant(
            "g" + Guid.NewGuid().ToString("N")[..15], CallId, call.CentreId!, request.StaffId, request.PurposeKind, request.PurposeId!,
            now, now + UnmaskRules.Lifetime(config));
        state.State.Grants.Add(new UnmaskGrantRecord { Grant = grant, Reason = request.Reason!.Trim() });
        if (state.State.Grants.Count > GrantsKept)
        {
            state.State.Grants.RemoveRange(0, state.State.Grants.Count - GrantsKept);
        }

        await state.WriteStateAsync();
        logger.LogInformation("Unmask grant {GrantId} on call {CallId} to {StaffId} until {ExpiresAt}", grant.GrantId, CallId, request.StaffId, grant.ExpiresAt);
        return grant;
    }

    public async Task<UnmaskSealed> RevealAsync(string grantId, string staffId)
    {
        var grant = state.State.Grants.Select(g => g.Grant).LastOrDefault(g => g.GrantId == grantId && g.StaffId == staffId)
            ?? throw new HotlineRuleException(UnmaskRules.UnknownGrant, UnmaskRules.Describe(UnmaskRules.UnknownGrant));
        if (!UnmaskRules.IsValid(grant, staffId, time.Now))
        {
            throw new HotlineRuleException(UnmaskRules.Expired, UnmaskRules.Describe(UnmaskRules.Expired));
        }

        var caller = await GrainFactory.GetGrain<ICallGrain>(CallId).GetCallerRefForUnmaskAsync();
        return caller?.EncryptedNumber is { Length: > 0 } sealedNumber
            ? new UnmaskSealed(grant, sealedNumber)
            : throw new HotlineRuleException(UnmaskRules.NoNumber, UnmaskRules.Describe(UnmaskRules.NoNumber));
    }

    public Task<UnmaskGrant?> GetActiveAsync(string staffId) =>
        Task.FromResult(state.State.Grants.Select(g => g.Grant).LastOrDefault(g => UnmaskRules.IsValid(g, staffId, time.Now)));

    public Task<ImmutableArray<UnmaskGrant>> GetGrantsAsync() => Task.FromResult<ImmutableArray<UnmaskGrant>>([.. state.State.Grants.Select(g => g.Grant)]);

    private async Task<(CallSnapshot Call, ImmutableArray<UnmaskPurpose> Purposes)> ReadCallAsync()
    {
        Keys.RequireCallId(CallId);
        var call = await GrainFactory.GetGrain<ICallGrain>(CallId).GetAsync();
        if (string.IsNullOrEmpty(call.CentreId))
        {
            throw new HotlineRuleException(UnmaskRules.UnknownCall, UnmaskRules.Describe(UnmaskRules.UnknownCall));
        }

        CrisisCaseView? crisisCase = null;
        try
        {
            crisisCase = await GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(CallId)).GetAsync();
        }
        catch (HotlineRuleException)
        {
            // The call has no crisis case.
        }

        FollowUpDetail? followUp = null;
        if (crisisCase is not { Status: not CaseStatus.None })
        {
            try
            {
                followUp = await GrainFactory.GetGrain<IFollowUpGrain>(CallId).GetAsync();
            }
            catch (HotlineRuleException)
            {
                // No follow-up for this call.
            }
        }

        return (call, UnmaskRules.PurposesOf(crisisCase, followUp));
    }
}
