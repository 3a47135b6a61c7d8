using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Rosters;

namespace HotlineCenter.Web.Consoles;

/// <summary>The façade supervisor screens use: staffing, moving and taking over calls, the caseload and handover.</summary>
public sealed class SupervisorService(IGrainFactory grains, ITelephonyPort telephony, HotlineTime time, ILogger<SupervisorService> logger,
    Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider? signedIn = null)
{
    /// <summary>
    /// The circuit's user must be allowed this call: its centre is theirs (or they span centres), and call content
    /// (listen in, take over) needs the supervisor role. Without a circuit (no user known) nothing is allowed.
    /// </summary>
    private async Task RequireAllowedAsync(CallSnapshot call, bool content)
    {
        var user = signedIn is null ? null : (await signedIn.GetAuthenticationStateAsync()).User;
        if (user?.Identity?.IsAuthenticated != true || !HotlineCenter.Web.Accounts.StaffAccess.MayActIn(user, call.CentreId))
        {
            throw HotlineCenter.Web.Accounts.StaffAccess.OtherCentreRefusal("call");
        }

        if (content && !HotlineCenter.Web.Accounts.StaffAccess.MaySupervise(user))
        {
            throw HotlineCenter.Web.Accounts.StaffAccess.NotASupervisorRefusal();
        }
    }

    public Task<CentreConfig?> GetCentreConfigAsync(string centreId) => Centre(centreId).GetConfigAsync();

    /// <summary>Acknowledges one of the centre's server-side alerts (the first acknowledgement stands; a crisis alert stops widening).</summary>
    public Task<CentreAlert> AcknowledgeAsync(string centreId, string alertId, string by) => Alerts(centreId).AcknowledgeAsync(alertId, by);

    public Task<CallSnapshot> GetCallAsync(string callId) => grains.GetGrain<ICallGrain>(callId).GetAsync();

    /// <summary>The supervisor changes a counsellor's presence (e.g. back to available after a break they forgot to end).</summary>
    public Task<CounselorSnapshot> SetPresenceForAsync(string counselorId, PresenceState state, string supervisorId) =>
        Counselor(counselorId).ChangePresenceAsync(state, $"supervisor:{supervisorId}");

    /// <summary>The supervisor answers an offer for the counsellor at their side (or a simulated one).</summary>
    public Task<CounselorSnapshot> AcceptForAsync(string counselorId, string callId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} accepts call {CallId} for counsellor {CounselorId}", supervisorId, callId, counselorId);
        return Counselor(counselorId).AcceptOfferAsync(callId);
    }

    public Task<CounselorSnapshot> DeclineForAsync(string counselorId, string callId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} declines call {CallId} for counsellor {CounselorId}", supervisorId, callId, counselorId);
        return Counselor(counselorId).DeclineOfferAsync(callId);
    }

    public Task<CallSnapshot> EndForAsync(string counselorId, string callId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} ends call {CallId} of counsellor {CounselorId}", supervisorId, callId, counselorId);
        return grains.GetGrain<ICallGrain>(callId).EndByCounselorAsync(counselorId);
    }

    public Task<CounselorSnapshot> FinishWrapUpForAsync(string counselorId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} finishes wrap-up of counsellor {CounselorId}", supervisorId, counselorId);
        return Counselor(counselorId).CompleteWrapUpAsync();
    }

    /// <summary>Blocks the caller of one of the centre's calls (by the call, never by a typed number).</summary>
    public async Task<BlockedCaller> BlockCallerAsync(string centreId, string callId, string supervisorId, string reason, int days)
    {
        var call = grains.GetGrain<ICallGrain>(callId);
        if ((await call.GetAsync()).CentreId != centreId)
        {
            throw new HotlineRuleException("call.other-centre", $"Call {callId} is not a call of centre {centreId}.");
        }

        return await call.BlockCallerAsync(supervisorId, reason, days);
    }

    /// <summary>The centre's callers blocked now, newest first.</summary>
    public Task<ImmutableArray<BlockedCaller>> GetBlockedCallersAsync(string centreId) => grains.GetGrain<IBlockListGrain>(centreId).GetAsync();

    /// <summary>Lifts the block set from one of the centre's calls.</summary>
    public Task<ImmutableArray<BlockedCaller>> UnblockCallerAsync(string centreId, string callId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} lifts the block set from call {CallId}", supervisorId, callId);
        return grains.GetGrain<IBlockListGrain>(centreId).UnblockAsync(callId, supervisorId);
    }

    /// <summary>The supervisor ends a counsellor's decompression after a crisis call early (the counsellor cannot).</summary>
    public Task<CounselorSnapshot> EndDecompressionAsync(string counselorId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} ends the decompression of counsellor {CounselorId}", supervisorId, counselorId);
        return Counselor(counselorId).EndDecompressionAsync(supervisorId, "wallboard");
    }

    /// <summary>A counsellor's debriefs for their supervisor, newest first.</summary>
    public Task<ImmutableArray<Debrief>> GetDebriefsAsync(string counselorId, string supervisorId)
    {
        logger.LogInformation("Supervisor {SupervisorId} reads the debriefs of counsellor {CounselorId}", supervisorId, counselorId);
        return Counselor(counselorId).GetDebriefsAsync();
    }

    /// <summary>A supervisor's action on a connected call, through the telephony provider (a refusal is a <see cref="TelephonyRefusedException"/>).</summary>
    public async Task SuperviseAsync(string callId, SupervisionAction action, string supervisorId)
    {
        var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
        await RequireAllowedAsync(call, content: true);
        if (call.Status != CallStatus.Connected)
        {
            throw new HotlineRuleException("call.not-connected", $"Call is {call.Status}; supervision needs a connected call.");
        }

        await telephony.SuperviseAsync(callId, new SupervisionRequest(action, supervisorId, call.CounselorLegId, null), CancellationToken.None);
    }

    public async Task<(RosterView Roster, StaffingStatus Staffing)> GetStaffingAsync(string centreId, IEnumerable<CounselorSnapshot> counselors)
    {
        var roster = await Roster(centreId).GetAsync();
        return (roster, StaffingRules.Evaluate(roster, counselors, time.Now));
    }

    public Task<ImmutableArray<SupervisorEntry>> GetSupervisorsAsync(string centreId) =>
        Centre(centreId).GetSupervisorsAsync();

    /// <summary>Display names of the centre's counsellors and supervisors, for screens that list their work.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetStaffNamesAsync(string centreId)
    {
        var centre = Centre(centreId);
        var ids = await centre.GetRosterAsync();
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        var names = snapshots.ToDictionary(c => c.CounselorId, c => c.Profile?.DisplayName ?? c.CounselorId);
        foreach (var s in await centre.GetSupervisorsAsync())
        {
            names.TryAdd(s.SupervisorId, s.DisplayName);
        }

        return names;
    }

    /// <summary>The centre's counsellors by display name, for reassigning their work.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetCounselorNamesAsync(string centreId)
    {
        var ids = await Centre(centreId).GetRosterAsync();
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        return snapshots.ToDictionary(c => c.CounselorId, c => c.Profile?.DisplayName ?? c.CounselorId);
    }

    /// <summary>Hands an escalated or overdue follow-up to another counsellor of the centre (the follow-up grain checks who).</summary>
    public Task ReassignFollowUpAsync(string callId, string supervisorId, string toCounselorId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Caseload.IFollowUpGrain>(callId).ReassignAsync(supervisorId, toCounselorId);

    /// <summary>Closes a follow-up that will not be made, with the reason (kept on it).</summary>
    public Task CloseFollowUpAsync(string callId, string supervisorId, string reason) =>
        grains.GetGrain<HotlineCenter.Abstractions.Caseload.IFollowUpGrain>(callId).CloseAsync(supervisorId, reason);

    public Task<DayStats> GetTodayAsync(string centreId) => grains.GetGrain<IStatsGrain>(StatsCounter.Key(centreId, time.Now)).GetAsync();

    public Task<RosterView> GetRosterAsync(string centreId) => Roster(centreId).GetAsync();

    public Task<RosterView> SetRosterAsync(string centreId, ImmutableArray<ShiftDefinition> shifts, string by) => Roster(centreId).SetShiftsAsync(shifts, by);

    public Task<RosterView> SetOnDutyAsync(string centreId, string supervisorId, bool onDuty) => Roster(centreId).SetOnDutyAsync(supervisorId, onDuty);

    public async Task<CallSnapshot> MoveCallAsync(string callId, string targetQueueKey, string supervisorId)
    {
        await RequireAllowedAsync(await grains.GetGrain<ICallGrain>(callId).GetAsync(), content: false);
        return await grains.GetGrain<ICallGrain>(callId).MoveToQueueAsync(targetQueueKey, supervisorId);
    }

    /// <summary>A supervisor sends a waiting call to a free counsellor of their choice (it rings them at once).</summary>
    public async Task OfferToCounselorAsync(string callId, string counselorId, string supervisorId)
    {
        var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
        await RequireAllowedAsync(call, content: false);
        if (call.Status is not (CallStatus.Queued or CallStatus.CallbackPending) || call.QueueKey is null)
        {
            throw new HotlineRuleException("call.not-waiting", $"Call is {call.Status}; only a waiting call can be sent to a counsellor.");
        }

        await grains.GetGrain<HotlineCenter.Abstractions.Queues.IQueueGrain>(call.QueueKey).OfferToAsync(callId, counselorId);
        logger.LogInformation("Call {CallId} sent to counsellor {CounselorId} by supervisor {SupervisorId}", callId, counselorId, supervisorId);
    }

    /// <summary>
    /// The supervisor, already listening in (monitor or whisper), speaks to the caller and the counsellor leaves:
    /// barge first, so the caller is never left alone, then the call records the take-over and frees the counsellor.
    /// </summary>
    public async Task<CallSnapshot> TakeOverAsync(string callId, string supervisorId)
    {
        var call = grains.GetGrain<ICallGrain>(callId);
        var snapshot = await call.GetAsync();
        await RequireAllowedAsync(snapshot, content: true);
        if (snapshot.Status != CallStatus.Connected)
        {
            throw new HotlineRuleException("call.not-connected", $"Call is {snapshot.Status}; only a connected call can be taken over.");
        }

        try
        {
            await telephony.SuperviseAsync(callId, new SupervisionRequest(SupervisionAction.Barge, supervisorId, snapshot.CounselorLegId, null), CancellationToken.None);
        }
        catch (TelephonyRefusedException ex) when (ex.IsConflict)
        {
            // Barge changes the supervisor's own leg, which exists only once they listen in.
            throw new HotlineRuleException("supervision.listen-first", $"Listen in (monitor) first, then take over ({ex.Provider} {ex.ProviderCode ?? "-"} / HTTP {ex.Status}).");
        }

        return await call.TakeOverAsync(supervisorId);
    }

    public Task<CaseloadView> GetCaseloadAsync(string centreId) => Caseload(centreId).GetAsync();

    /// <summary>The centre's follow-ups grouped by what they need now (due, overdue, escalated, upcoming, done).</summary>
    public Task<FollowUpBoard> GetFollowUpBoardAsync(string centreId) => Caseload(centreId).GetFollowUpBoardAsync();

    public Task<CaseloadView> AddHandoverNoteAsync(string centreId, string by, string text) => Caseload(centreId).AddHandoverNoteAsync(by, text);

    private ICounselorGrain Counselor(string counselorId) => grains.GetGrain<ICounselorGrain>(counselorId);

    private ICentreGrain Centre(string centreId) => grains.GetGrain<ICentreGrain>(centreId);

    private ICentreAlertsGrain Alerts(string centreId) => grains.GetGrain<ICentreAlertsGrain>(centreId);

    private IRosterGrain Roster(string centreId) => grains.GetGrain<IRosterGrain>(centreId);

    private ICaseloadGrain Caseload(string centreId) => grains.GetGrain<ICaseloadGrain>(centreId);
}
