using System.Collections.Immutable;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Twilio;
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

    public async Task<string> PlaceSimulatedCallAsync(string centreId, string digits, string? fromNumber = null) =>
        (await caller.PlaceCallAsync(centreId, digits, fromNumber)).CallId;

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

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> GetRecordAsync(string callId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).GetAsync();

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> SaveDraftAsync(string callId, HotlineCenter.Abstractions.Records.ContactRecord record, string counselorId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).SaveDraftAsync(record, counselorId);

    public Task<HotlineCenter.Abstractions.Records.ContactRecordView> SubmitRecordAsync(string callId, HotlineCenter.Abstractions.Records.ContactRecord record, string counselorId) =>
        grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).SubmitAsync(record, counselorId);

    /// <summary>The caller's context for the staff member on the call (the call refuses anyone else).</summary>
    public async Task<CallerContext> GetCallerContextAsync(string staffId, string callId)
    {
        var key = await Call(callId).GetCallerKeyForAsync(staffId);
        return key is null ? CallerContext.Unknown : await grains.GetGrain<ICallerGrain>(key).GetContextAsync(callId);
    }

    public async Task<CallerContext> SetSafetyPlanAsync(string staffId, string callId, string text) =>
        await (await CallerOfAsync(staffId, callId)).SetSafetyPlanAsync(text, staffId);

    public async Task<CallerContext> SetCallerFlagAsync(string staffId, string callId, CallerFlagKind kind, string note, int? days) =>
        await (await CallerOfAsync(staffId, callId)).SetFlagAsync(kind, note, staffId, days is { } d ? DateTimeOffset.UtcNow.AddDays(d) : null);

    public async Task<CallerContext> ClearCallerFlagAsync(string staffId, string callId, CallerFlagKind kind) =>
        await (await CallerOfAsync(staffId, callId)).ClearFlagAsync(kind, staffId);

    public Task<CallSnapshot> DeclareCrisisAsync(string counselorId, string callId) => Call(callId).DeclareCrisisAsync(counselorId);

    /// <summary>What a counsellor may do to their own connected call: hold, mute, add a party from the centre's directory.</summary>
    public async Task CallControlAsync(string counselorId, string callId, SupervisionAction action, string? directoryEntryId = null)
    {
        if (action is not (SupervisionAction.Hold or SupervisionAction.Unhold or SupervisionAction.Mute or SupervisionAction.Unmute or SupervisionAction.AddParty))
        {
            throw new HotlineRuleException("call.control-not-allowed", $"{action} is not a counsellor's call control.");
        }

        var call = await GetCallAsync(callId);
        if (call.Status != CallStatus.Connected || call.CounselorId != counselorId)
        {
            throw new HotlineRuleException("call.not-connected", "The call is not connected to you.");
        }

        string? number = null;
        if (action == SupervisionAction.AddParty)
        {
            var config = await GetCentreConfigAsync(call.CentreId!);
            number = config?.Directory.FirstOrDefault(d => d.EntryId == directoryEntryId)?.Number
                ?? throw new HotlineRuleException("directory.unknown", "Add a party from the centre's directory.");
        }

        await ProviderAsync(() => telephony.SuperviseAsync(callId, new SupervisionRequest(action, counselorId, call.CounselorLegId, number), CancellationToken.None));
    }

    /// <summary>A counsellor's shift: calls they took today (China time) and the follow-ups assigned to them.</summary>
    public async Task<MyShift> GetMyShiftAsync(string counselorId, string centreId)
    {
        var china = TimeSpan.FromHours(8);
        var now = DateTimeOffset.UtcNow.ToOffset(china);
        var midnight = new DateTimeOffset(now.Date, china);
        var handled = await Counselor(counselorId).GetHandledCallsAsync(midnight);
        var calls = await Task.WhenAll(handled.Select(async h =>
        {
            var call = await Call(h.CallId).GetAsync();
            var record = await GetRecordAsync(h.CallId);
            return new MyShiftCall(h.CallId, h.AcceptedAt, call.EndedAt, call.MaskedNumber, call.IsCrisis, record.Status, record.Record.Risk);
        }));
        var caseload = await grains.GetGrain<ICaseloadGrain>(centreId).GetAsync();
        return new MyShift([.. calls], [.. caseload.OpenFollowUps.Where(f => f.CounselorId == counselorId)]);
    }

    public async Task<CaseloadView> RecordFollowUpAttemptAsync(string counselorId, string centreId, string callId, bool reached)
    {
        var caseload = grains.GetGrain<ICaseloadGrain>(centreId);
        if (!(await caseload.GetAsync()).OpenFollowUps.Any(f => f.CallId == callId && f.CounselorId == counselorId))
        {
            throw new HotlineRuleException("follow-up.not-yours", "That follow-up is not assigned to you.");
        }

        return await caseload.RecordFollowUpAttemptAsync(callId, counselorId, reached);
    }

    private async Task<ICallerGrain> CallerOfAsync(string staffId, string callId) =>
        grains.GetGrain<ICallerGrain>(await Call(callId).GetCallerKeyForAsync(staffId)
            ?? throw new HotlineRuleException("caller.unknown", "This call has no caller identity (withheld number)."));

    /// <summary>Provider refusals become rule errors naming Twilio's code only (its message can quote a number).</summary>
    private static async Task ProviderAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (TwilioApiException ex)
        {
            throw new HotlineRuleException("telephony.refused", $"Twilio {ex.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} / HTTP {ex.HttpStatus}");
        }
    }

    private ICallGrain Call(string id) => grains.GetGrain<ICallGrain>(id);

    private ICounselorGrain Counselor(string id) => grains.GetGrain<ICounselorGrain>(id);
}

/// <summary>One call on a counsellor's shift list.</summary>
public sealed record MyShiftCall(string CallId, DateTimeOffset AcceptedAt, DateTimeOffset? EndedAt, string? MaskedNumber, bool IsCrisis, RecordStatus RecordStatus, RiskLevel Risk);

public sealed record MyShift(ImmutableArray<MyShiftCall> Calls, ImmutableArray<FollowUpItem> FollowUps);

/// <summary>A flag a counsellor sets on the caller of their call.</summary>
public sealed record CallerFlagRequest(CallerFlagKind Kind, string Note, int? Days);

/// <summary>A follow-up call attempt the counsellor reports.</summary>
public sealed record FollowUpAttempt(string CallId, bool Reached);
