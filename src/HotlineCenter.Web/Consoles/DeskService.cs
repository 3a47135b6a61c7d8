using System.Collections.Immutable;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Web.Consoles;

/// <summary>
/// The façade the counsellor desk uses (components never call GetGrain): presence, offers, the call in hand,
/// the caller's context, the contact record and the counsellor's own shift.
/// </summary>
public sealed class DeskService(IGrainFactory grains, ITelephonyPort telephony, HotlineTime time, HotlineCenter.Web.Audit.IAuditTrail audit)
{
    public Task<CounselorSnapshot> SetPresenceAsync(string counselorId, PresenceState state) =>
        Counselor(counselorId).ChangePresenceAsync(state, "console");

    public Task<CounselorSnapshot> AcceptAsync(string counselorId, string callId) => Counselor(counselorId).AcceptOfferAsync(callId);

    public Task<CounselorSnapshot> DeclineAsync(string counselorId, string callId) => Counselor(counselorId).DeclineOfferAsync(callId);

    public Task<CallSnapshot> EndCallAsync(string counselorId, string callId) => Call(callId).EndByCounselorAsync(counselorId);

    public Task<CounselorSnapshot> SetHandRaisedAsync(string counselorId, bool raised) => Counselor(counselorId).SetHandRaisedAsync(raised);

    public Task<CounselorSnapshot> CompleteWrapUpAsync(string counselorId) => Counselor(counselorId).CompleteWrapUpAsync();

    public Task<CounselorSnapshot> SaveDebriefAsync(string counselorId, string callId, string note) => Counselor(counselorId).SaveDebriefAsync(callId, note);

    public Task<CallSnapshot> GetCallAsync(string callId) => Call(callId).GetAsync();

    public Task<CentreConfig?> GetCentreConfigAsync(string centreId) => grains.GetGrain<ICentreGrain>(centreId).GetConfigAsync();

    /// <summary>The counsellor's own part of the call's record (a call two counsellors took in turn has a part each).</summary>
    public Task<ContactRecordView> GetRecordAsync(string callId, string counselorId) => audit.TrackAsync(AuditKind.RecordRead, callId, () => Record(callId).GetPartAsync(counselorId));

    /// <summary>
    /// What the record shows from the call, never typed: when this counsellor's part of the conversation began and how
    /// long it lasted, how long the caller waited for them, the queue, the counsellor, and whether the centre knows the
    /// caller (to pre-fill first or repeat caller).
    /// </summary>
    public async Task<RecordCallFacts> GetRecordFactsAsync(string callId, string counselorId)
    {
        var call = await Call(callId).GetAsync();
        var config = call.CentreId is { } centreId ? await GetCentreConfigAsync(centreId) : null;
        var queueName = call.QueueKey is { } key && config is not null
            ? config.Queues.FirstOrDefault(q => Keys.Queue(config.CentreId, q.QueueId) == key)?.DisplayName ?? key
            : call.QueueKey;
        var counselorName = (await Counselor(counselorId).GetAsync()).Profile?.DisplayName ?? counselorId;
        bool? repeat = null;
        try
        {
            var context = await GetCallerContextAsync(counselorId, callId);
            repeat = context == CallerContext.Unknown ? null : context.IsRepeat;
        }
        catch (HotlineRuleException)
        {
            // A withheld number or a call the counsellor is no longer on: nothing to pre-fill.
        }

        return RecordCallFacts.For(call, counselorId, queueName, counselorName, repeat);
    }

    public Task<ContactRecordView> SaveDraftAsync(string callId, ContactRecord record, string counselorId) => Record(callId).SaveDraftAsync(record, counselorId);

    public Task<ContactRecordView> SubmitRecordAsync(string callId, ContactRecord record, string counselorId) => Record(callId).SubmitAsync(record, counselorId);

    /// <summary>
    /// Appends an amendment to the counsellor's submitted part (a submitted record is never edited): the corrected record,
    /// by whom and why; audited with the part, never the values.
    /// </summary>
    public Task<ContactRecordView> AmendRecordAsync(string callId, string counselorId, ContactRecord corrected, string author, string reason) =>
        audit.TrackAsync(AuditKind.RecordAmended, callId, () => Record(callId).AmendAsync(counselorId, corrected, author, reason), $"part={counselorId}");

    /// <summary>The caller's context for the staff member on the call (the call refuses anyone else).</summary>
    public async Task<CallerContext> GetCallerContextAsync(string staffId, string callId)
    {
        var key = await audit.TrackAsync(AuditKind.CallerContextRead, callId, () => Call(callId).GetCallerKeyForAsync(staffId));
        var context = key is null ? CallerContext.Unknown : await grains.GetGrain<ICallerGrain>(key).GetContextAsync(callId);
        await (context.SafetyPlan is null ? Task.CompletedTask : audit.RecordAsync(AuditKind.SafetyPlanRead, callId));
        return context;
    }

    public async Task<CallerContext> SetSafetyPlanAsync(string staffId, string callId, string text) =>
        await audit.TrackAsync(AuditKind.CallerChanged, callId, async () => await (await CallerOfAsync(staffId, callId)).SetSafetyPlanAsync(text, staffId), "safety-plan");

    public async Task<CallerContext> SetCallerFlagAsync(string staffId, string callId, CallerFlagKind kind, string note, int? days) =>
        await audit.TrackAsync(AuditKind.CallerChanged, callId, async () => await (await CallerOfAsync(staffId, callId)).SetFlagAsync(kind, note, staffId, days is { } d ? time.Now.AddDays(d) : null), $"flag={kind}");

    public async Task<CallerContext> ClearCallerFlagAsync(string staffId, string callId, CallerFlagKind kind) =>
        await audit.TrackAsync(AuditKind.CallerChanged, callId, async () => await (await CallerOfAsync(staffId, callId)).ClearFlagAsync(kind, staffId), $"flag-cleared={kind}");

    public Task<CallSnapshot> DeclareCrisisAsync(string counselorId, string callId) => Call(callId).DeclareCrisisAsync(counselorId);

    /// <summary>
    /// What a counsellor may do to their own connected call: hold, mute, add a party from the centre's directory.
    /// A provider refusal surfaces as <see cref="TelephonyRefusedException"/>.
    /// </summary>
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

        await telephony.SuperviseAsync(callId, new SupervisionRequest(action, counselorId, call.CounselorLegId, number), CancellationToken.None);
    }

    /// <summary>A counsellor's shift: calls they took today (China time) and the follow-ups assigned to them.</summary>
    public async Task<MyShift> GetMyShiftAsync(string counselorId, string centreId)
    {
        var handled = await Counselor(counselorId).GetHandledCallsAsync(ChinaTime.StartOfDay(time.Now));
        var calls = await Task.WhenAll(handled.Select(async h =>
        {
            var call = await Call(h.CallId).GetAsync();
            var record = await Record(h.CallId).GetPartAsync(counselorId);
            return new MyShiftCall(h.CallId, h.AcceptedAt, call.EndedAt, call.MaskedNumber, call.IsCrisis, record.Status, record.Record.Risk);
        }));
        var mine = await Caseload(centreId).GetCounselorFollowUpsAsync(counselorId);
        return new MyShift([.. calls], [.. mine.Overdue, .. mine.DueNow, .. mine.Escalated, .. mine.Upcoming], mine.DoneRecently);
    }

    /// <summary>
    /// The counsellor's parts of records not submitted for calls they took in the last week, beyond the call in hand:
    /// they stay on the desk across wrap-up expiry, sign-out and restarts until they are submitted. A call that went on
    /// to another counsellor (their leg dropped, the caller was re-queued) is listed for each of them, for their part.
    /// </summary>
    public async Task<ImmutableArray<MyShiftCall>> GetRecordsToFinishAsync(string counselorId, string? currentCallId)
    {
        var handled = await Counselor(counselorId).GetHandledCallsAsync(time.Now.AddDays(-7));
        var calls = await Task.WhenAll(handled.Where(h => h.CallId != currentCallId).Select(async h =>
        {
            var record = await Record(h.CallId).GetPartAsync(counselorId);
            if (record.Status == RecordStatus.Submitted)
            {
                return null;
            }

            var call = await Call(h.CallId).GetAsync();
            return new MyShiftCall(h.CallId, h.AcceptedAt, call.EndedAt, call.MaskedNumber, call.IsCrisis, record.Status, record.Record.Risk);
        }));
        return [.. calls.OfType<MyShiftCall>().OrderBy(c => c.AcceptedAt)];
    }

    /// <summary>Dials the caller of a follow-up and the counsellor into one conference; the follow-up grain refuses anyone else's.</summary>
    public Task<FollowUpDetail> DialFollowUpAsync(string counselorId, string callId) => audit.TrackAsync(AuditKind.FollowUpChanged, callId, () => grains.GetGrain<IFollowUpGrain>(callId).DialAsync(counselorId), "dial");

    /// <summary>How the follow-up call went; the grain refuses anyone but its counsellor and escalates repeated failures.</summary>
    public Task<FollowUpDetail> RecordFollowUpAttemptAsync(string counselorId, string callId, FollowUpOutcome outcome) =>
        audit.TrackAsync(AuditKind.FollowUpChanged, callId, () => grains.GetGrain<IFollowUpGrain>(callId).RecordOutcomeAsync(counselorId, outcome, null), $"attempt={outcome}");

    private async Task<ICallerGrain> CallerOfAsync(string staffId, string callId) =>
        grains.GetGrain<ICallerGrain>(await Call(callId).GetCallerKeyForAsync(staffId)
            ?? throw new HotlineRuleException("caller.unknown", "This call has no caller identity (withheld number)."));

    private ICallGrain Call(string id) => grains.GetGrain<ICallGrain>(id);

    private ICounselorGrain Counselor(string id) => grains.GetGrain<ICounselorGrain>(id);

    private IContactRecordGrain Record(string callId) => grains.GetGrain<IContactRecordGrain>(callId);

    private ICaseloadGrain Caseload(string centreId) => grains.GetGrain<ICaseloadGrain>(centreId);
}

/// <summary>The call's side of a counsellor's part of the record (read from the call, shown read-only on the form).</summary>
public sealed record RecordCallFacts(
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, double? WaitSeconds, string? QueueName, string CounselorName, string? MaskedNumber, bool? KnownRepeatCaller)
{
    /// <summary>
    /// This counsellor's turn on the call: from their connection to the re-queue, take-over or end that followed it (a
    /// caller re-queued after a dropped leg has a turn per counsellor); the wait is since the caller last joined a queue.
    /// </summary>
    public static RecordCallFacts For(CallSnapshot call, string counselorId, string? queueName, string counselorName, bool? knownRepeatCaller)
    {
        var timeline = call.Timeline.IsDefault ? [] : call.Timeline;
        var start = timeline.LastOrDefault(t => t.Kind is TimelineKind.Connected or TimelineKind.CallbackDialled && t.CounselorId == counselorId);
        DateTimeOffset? end = null;
        double? wait = call.WaitSeconds;
        if (start is not null)
        {
            var index = timeline.IndexOf(start);
            end = timeline.Skip(index + 1).FirstOrDefault(t => t.Kind is TimelineKind.Ended or TimelineKind.Requeued or TimelineKind.TakenOver)?.At
                ?? (call.Status is CallStatus.Ended or CallStatus.Abandoned ? call.EndedAt : null);
            if (timeline.Take(index).LastOrDefault(t => t.Kind == TimelineKind.Requeued) is { } requeued)
            {
                wait = Math.Max(0, (start.At - requeued.At).TotalSeconds);
            }
        }

        return new RecordCallFacts(start?.At ?? call.ConnectedAt, end, wait, queueName, counselorName, call.MaskedNumber, knownRepeatCaller);
    }
}

/// <summary>One call on a counsellor's shift list.</summary>
public sealed record MyShiftCall(string CallId, DateTimeOffset AcceptedAt, DateTimeOffset? EndedAt, string? MaskedNumber, bool IsCrisis, RecordStatus RecordStatus, RiskLevel Risk);

/// <param name="FollowUps">Open follow-ups, overdue first, then due, escalated and upcoming.</param>
/// <param name="FollowUpsDone">Reached or closed in the last two days, newest first.</param>
public sealed record MyShift(ImmutableArray<MyShiftCall> Calls, ImmutableArray<FollowUpItem> FollowUps, ImmutableArray<FollowUpItem> FollowUpsDone = default);

/// <summary>A flag a counsellor sets on the caller of their call.</summary>
public sealed record CallerFlagRequest(CallerFlagKind Kind, string Note, int? Days);

/// <summary>A follow-up call attempt the counsellor reports.</summary>
public sealed record FollowUpAttempt(string CallId, FollowUpOutcome Outcome);
