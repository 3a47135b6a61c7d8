using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Telephony.Simulated;

namespace HotlineCenter.Web.Demo;

/// <summary>The façade screens use for counsellor and simulated-call actions; components never call GetGrain.</summary>
public sealed class DeskService(IGrainFactory grains, SimulatedCaller caller, HotlineCenter.Abstractions.Telephony.ITelephonyPort telephony)
{
    public Task<CounselorSnapshot> SetPresenceAsync(string counselorId, PresenceState state) =>
        Counselor(counselorId).ChangePresenceAsync(state, "console");

    public Task<CounselorSnapshot> AcceptAsync(string counselorId, string callId) => Counselor(counselorId).AcceptOfferAsync(callId);

    public Task<CounselorSnapshot> DeclineAsync(string counselorId, string callId) => Counselor(counselorId).DeclineOfferAsync(callId);

    public Task<CallSnapshot> EndCallAsync(string counselorId, string callId) => grains.GetGrain<ICallGrain>(callId).EndByCounselorAsync(counselorId);

    public Task<CounselorSnapshot> SetHandRaisedAsync(string counselorId, bool raised) => Counselor(counselorId).SetHandRaisedAsync(raised);

    public Task<CounselorSnapshot> CompleteWrapUpAsync(string counselorId) => Counselor(counselorId).CompleteWrapUpAsync();

    public async Task<string> PlaceSimulatedCallAsync(string centreId, string digits) => (await caller.PlaceCallAsync(centreId, digits)).CallId;

    public Task<CallSnapshot> SimulatedCallerHangUpAsync(string callId) => caller.HangUpAsync(callId);

    public Task<CallSnapshot> GetCallAsync(string callId) => grains.GetGrain<ICallGrain>(callId).GetAsync();

    public Task<HotlineCenter.Abstractions.Centres.CentreConfig?> GetCentreConfigAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(centreId).GetConfigAsync();

    public Task<System.Collections.Immutable.ImmutableArray<HotlineCenter.Abstractions.Alerts.AlertAcknowledgement>> GetAcknowledgedAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Alerts.IAlertLogGrain>(centreId).GetAcknowledgedAsync();

    public Task<HotlineCenter.Abstractions.Alerts.AlertAcknowledgement> AcknowledgeAsync(string centreId, string alertId, string by) =>
        grains.GetGrain<HotlineCenter.Abstractions.Alerts.IAlertLogGrain>(centreId).AcknowledgeAsync(alertId, by);

    /// <summary>A supervisor's action on a connected call, through the telephony provider.</summary>
    public async Task SuperviseAsync(string callId, HotlineCenter.Abstractions.Telephony.SupervisionAction action, string supervisorId)
    {
        var call = await GetCallAsync(callId);
        if (call.Status != CallStatus.Connected)
        {
            throw new HotlineCenter.Abstractions.Common.HotlineRuleException("call.not-connected", $"Call is {call.Status}; supervision needs a connected call.");
        }

        await telephony.SuperviseAsync(callId, new HotlineCenter.Abstractions.Telephony.SupervisionRequest(action, supervisorId, call.CounselorLegId, null), CancellationToken.None);
    }

    public Task<HotlineCenter.Abstractions.Reports.DayStats> GetTodayAsync(string centreId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Reports.IStatsGrain>(HotlineCenter.Grains.Reports.StatsCounter.Key(centreId, DateTimeOffset.UtcNow)).GetAsync();

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> GetRecordAsync(string callId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).GetAsync();

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> SaveDraftAsync(string callId, HotlineCenter.Abstractions.Records.ContactRecord record, string counselorId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).SaveDraftAsync(record, counselorId);

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> SubmitRecordAsync(string callId, HotlineCenter.Abstractions.Records.ContactRecord record, string counselorId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).SubmitAsync(record, counselorId);

    private ICounselorGrain Counselor(string id) => grains.GetGrain<ICounselorGrain>(id);
}
