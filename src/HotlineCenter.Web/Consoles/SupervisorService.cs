using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Rosters;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Web.Consoles;

/// <summary>The façade supervisor screens use: staffing, moving and taking over calls, the caseload and handover.</summary>
public sealed class SupervisorService(IGrainFactory grains, ITelephonyPort telephony, ILogger<SupervisorService> logger)
{
    public async Task<(RosterView Roster, StaffingStatus Staffing)> GetStaffingAsync(string centreId, IEnumerable<CounselorSnapshot> counselors)
    {
        var roster = await Roster(centreId).GetAsync();
        return (roster, StaffingRules.Evaluate(roster, counselors, DateTimeOffset.UtcNow));
    }

    public Task<ImmutableArray<HotlineCenter.Abstractions.Centres.SupervisorEntry>> GetSupervisorsAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(centreId).GetSupervisorsAsync();

    /// <summary>Display names of the centre's counsellors and supervisors, for screens that list their work.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetStaffNamesAsync(string centreId)
    {
        var centre = grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(centreId);
        var ids = await centre.GetRosterAsync();
        var snapshots = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        var names = snapshots.ToDictionary(c => c.CounselorId, c => c.Profile?.DisplayName ?? c.CounselorId);
        foreach (var s in await centre.GetSupervisorsAsync())
        {
            names.TryAdd(s.SupervisorId, s.DisplayName);
        }

        return names;
    }

    public Task<HotlineCenter.Abstractions.Reports.DayStats> GetTodayAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Reports.IStatsGrain>(HotlineCenter.Grains.Reports.StatsCounter.Key(centreId, DateTimeOffset.UtcNow)).GetAsync();

    public Task<RosterView> GetRosterAsync(string centreId) => Roster(centreId).GetAsync();

    public Task<RosterView> SetRosterAsync(string centreId, ImmutableArray<ShiftDefinition> shifts, string by) => Roster(centreId).SetShiftsAsync(shifts, by);

    public Task<RosterView> SetOnDutyAsync(string centreId, string supervisorId, bool onDuty) => Roster(centreId).SetOnDutyAsync(supervisorId, onDuty);

    public Task<CallSnapshot> MoveCallAsync(string callId, string targetQueueKey, string supervisorId) =>
        grains.GetGrain<ICallGrain>(callId).MoveToQueueAsync(targetQueueKey, supervisorId);

    /// <summary>A supervisor sends a waiting call to a free counsellor of their choice (it rings them at once).</summary>
    public async Task OfferToCounselorAsync(string callId, string counselorId, string supervisorId)
    {
        var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
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
        if (snapshot.Status != CallStatus.Connected)
        {
            throw new HotlineRuleException("call.not-connected", $"Call is {snapshot.Status}; only a connected call can be taken over.");
        }

        try
        {
            await telephony.SuperviseAsync(callId, new SupervisionRequest(SupervisionAction.Barge, supervisorId, snapshot.CounselorLegId, null), CancellationToken.None);
        }
        catch (TwilioApiException ex)
        {
            throw new HotlineRuleException("telephony.refused", $"Listen in (monitor) first, then take over. Twilio {ex.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} / HTTP {ex.HttpStatus}");
        }

        return await call.TakeOverAsync(supervisorId);
    }

    public Task<CaseloadView> GetCaseloadAsync(string centreId) => Caseload(centreId).GetAsync();

    public Task<CaseloadView> CloseCrisisAsync(string centreId, string callId, string by, string resolution) =>
        Caseload(centreId).CloseCrisisAsync(callId, by, resolution);

    public Task<CaseloadView> AddHandoverNoteAsync(string centreId, string by, string text) => Caseload(centreId).AddHandoverNoteAsync(by, text);

    private IRosterGrain Roster(string centreId) => grains.GetGrain<IRosterGrain>(centreId);

    private ICaseloadGrain Caseload(string centreId) => grains.GetGrain<ICaseloadGrain>(centreId);
}
