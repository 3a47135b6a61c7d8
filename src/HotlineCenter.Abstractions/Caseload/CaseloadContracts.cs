using System.Collections.Immutable;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Abstractions.Caseload;

[GenerateSerializer]
public enum FollowUpStatus
{
    Open = 0,
    Done = 1,
    /// <summary>Repeated attempts failed: the duty supervisor decides what happens next.</summary>
    Escalated = 2,
    /// <summary>A supervisor closed it with a reason (e.g. caller reached another service, number unusable).</summary>
    Closed = 3,
}

/// <summary>A follow-up call (回访) owed to a caller after a contact, assigned to the counsellor who took it.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.follow-up")]
public sealed record FollowUpItem(
    [property: Id(0)] string CallId,
    [property: Id(1)] string CounselorId,
    [property: Id(2)] string? MaskedNumber,
    [property: Id(3)] RiskLevel Risk,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset DueAt,
    [property: Id(6)] FollowUpStatus Status,
    [property: Id(7)] int FailedAttempts,
    [property: Id(8)] DateTimeOffset? LastAttemptAt,
    [property: Id(9)] DateTimeOffset? ClosedAt,
    [property: Id(10)] DateTimeOffset? OverdueAt = null,
    // Grows with every change of the follow-up grain, so the centre's index keeps the newest copy.
    [property: Id(11)] long Version = 0,
    [property: Id(12)] FollowUpOutcome? LastOutcome = null,
    [property: Id(13)] string? ClosedBy = null,
    [property: Id(14)] string? CloseReason = null,
    // An encrypted number is kept, so the desk may dial (the number itself never leaves the server).
    [property: Id(15)] bool CanDial = false,
    [property: Id(16)] DateTimeOffset? LastDialledAt = null,
    // Dials from the desk so far, and what the provider reported of the latest one (null until it reports).
    [property: Id(17)] int Dials = 0,
    [property: Id(18)] FollowUpDialOutcome? LastDialOutcome = null)
{
    /// <summary>Still owed to the caller: open, or escalated and waiting for the supervisor.</summary>
    public bool IsOpen => Status is FollowUpStatus.Open or FollowUpStatus.Escalated;
}

[GenerateSerializer]
public enum CrisisSource
{
    /// <summary>The counsellor pressed the crisis button on the call.</summary>
    Declared = 0,
    /// <summary>The submitted record assessed high or imminent risk.</summary>
    RiskAssessed = 1,
}

/// <summary>A crisis case as the shift sees it until a supervisor closes it (escalation actions are tracked by the crisis workflow).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.crisis-item")]
public sealed record CrisisItem(
    [property: Id(0)] string CallId,
    [property: Id(1)] string CounselorId,
    [property: Id(2)] string? MaskedNumber,
    [property: Id(3)] RiskLevel Risk,
    [property: Id(4)] CrisisSource Source,
    [property: Id(5)] DateTimeOffset OpenedAt,
    [property: Id(6)] DateTimeOffset? ClosedAt = null,
    [property: Id(7)] string? ClosedBy = null,
    [property: Id(8)] string? Resolution = null);

/// <summary>A note from one shift to the next (交接班).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.handover-note")]
public sealed record HandoverNote(
    [property: Id(0)] string NoteId,
    [property: Id(1)] string Author,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Text);

[GenerateSerializer, Immutable]
[Alias("hotline.caseload-view")]
public sealed record CaseloadView(
    [property: Id(0)] string CentreId,
    [property: Id(1)] ImmutableArray<CrisisItem> OpenCrises,
    [property: Id(2)] ImmutableArray<FollowUpItem> OpenFollowUps,
    [property: Id(3)] ImmutableArray<HandoverNote> RecentNotes,
    [property: Id(4)] ImmutableArray<CrisisItem> RecentlyClosedCrises);

/// <summary>A centre's open work that outlives calls and shifts: crisis cases, follow-ups, handover notes.</summary>
[Alias("hotline.caseload")]
public interface ICaseloadGrain : IGrainWithStringKey
{
    /// <summary>Opens a case for the call, or raises the risk of the open one (idempotent per call).</summary>
    [Alias("open-crisis")]
    Task<CaseloadView> OpenCrisisAsync(CrisisItem crisis);

    [Alias("close-crisis")]
    Task<CaseloadView> CloseCrisisAsync(string callId, string by, string resolution);

    /// <summary>Schedules the follow-up of a call (idempotent per call; an earlier due time wins).</summary>
    [Alias("schedule-follow-up")]
    Task<CaseloadView> ScheduleFollowUpAsync(FollowUpItem followUp);

    /// <summary>Records an attempt: reached closes it; the third failure escalates it to the supervisor.</summary>
    [Alias("follow-up-attempt")]
    Task<CaseloadView> RecordFollowUpAttemptAsync(string callId, string by, bool reached);

    [Alias("add-note")]
    Task<CaseloadView> AddHandoverNoteAsync(string author, string text);

    [Alias("get"), ReadOnly]
    Task<CaseloadView> GetAsync();

    /// <summary>Schedules a follow-up through its own grain (durable reminder, caller reference kept there) and indexes it.</summary>
    [Alias("plan-follow-up")]
    Task<FollowUpItem> PlanFollowUpAsync(FollowUpSchedule schedule);

    /// <summary>A follow-up grain reports its new state (one-way; the newest version wins).</summary>
    [Alias("follow-up-changed"), OneWay]
    Task FollowUpChangedAsync(FollowUpItem item);

    /// <summary>The centre's follow-ups grouped for the wallboard and the handover.</summary>
    [Alias("follow-up-board"), ReadOnly]
    Task<FollowUpBoard> GetFollowUpBoardAsync();

    /// <summary>One counsellor's follow-ups, grouped the same way, for the desk.</summary>
    [Alias("counselor-follow-ups"), ReadOnly]
    Task<FollowUpBoard> GetCounselorFollowUpsAsync(string counselorId);

    /// <summary>The retention purge removed this call's follow-up and case: any entry still listed for it leaves the caseload.</summary>
    [Alias("forget-call")]
    Task ForgetCallAsync(string callId);
}
