using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;

namespace HotlineCenter.Abstractions.Crises;

/// <summary>What opened a crisis case.</summary>
[GenerateSerializer]
public enum CaseTrigger
{
    /// <summary>The counsellor pressed the crisis button.</summary>
    CrisisButton = 0,
    /// <summary>The assessment reached high or imminent, or danger grade ≥ 3.</summary>
    Assessment = 1,
    /// <summary>The caller chose the IVR's "I am in danger" option.</summary>
    IvrDanger = 2,
}

[GenerateSerializer]
public enum CaseStatus
{
    /// <summary>No case exists under this id.</summary>
    None = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>Did help reach the person?</summary>
[GenerateSerializer]
public enum HelpReached
{
    Unknown = 0,
    Yes = 1,
    No = 2,
}

/// <summary>Who the record says the person is (what a dispatch sheet may carry).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.case-person")]
public sealed record CasePerson(
    [property: Id(0)] string? AgeBand,
    [property: Id(1)] string? Gender,
    [property: Id(2)] string? Region);

/// <summary>Everything a case needs when it opens; the caller's number stays encrypted.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.case-opening")]
public sealed record CaseOpening(
    [property: Id(0)] string CallId,
    [property: Id(1)] string CentreId,
    [property: Id(2)] CaseTrigger Trigger,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] CallerRef? Caller,
    [property: Id(5)] RiskAssessment? Facts,
    [property: Id(6)] CasePerson? Person,
    [property: Id(7)] string OpenedBy);

/// <summary>One line of a case's timeline: who did what, when.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.case-timeline-entry")]
public sealed record CaseTimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string What,
    [property: Id(3)] string? ActionId = null,
    [property: Id(4)] string? Detail = null);

/// <summary>A crisis case as screens see it (masked number only).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.crisis-case-view")]
public sealed record CrisisCaseView
{
    [Id(0)] public required string CaseId { get; init; }
    [Id(1)] public CaseStatus Status { get; init; }
    [Id(2)] public string? CallId { get; init; }
    [Id(3)] public string? CentreId { get; init; }
    [Id(4)] public string? CounselorId { get; init; }
    /// <summary>The caller's keyed hash (links to their history), never the number.</summary>
    [Id(5)] public string? CallerKey { get; init; }
    [Id(6)] public string? MaskedNumber { get; init; }
    [Id(7)] public CaseTrigger Trigger { get; init; }
    /// <summary>The latest assessment.</summary>
    [Id(8)] public RiskAssessment? Facts { get; init; }
    [Id(9)] public CasePerson? Person { get; init; }
    /// <summary>Version of the escalation rule set the case's actions were proposed by.</summary>
    [Id(10)] public int RuleSetVersion { get; init; }
    [Id(11)] public ImmutableArray<CrisisAction> Actions { get; init; } = [];
    [Id(12)] public ImmutableArray<CaseTimelineEntry> Timeline { get; init; } = [];
    [Id(13)] public DateTimeOffset? OpenedAt { get; init; }
    [Id(14)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(15)] public string? ClosedBy { get; init; }
    [Id(16)] public string? Resolution { get; init; }
    [Id(17)] public HelpReached HelpReached { get; init; }
    [Id(18)] public string? HelpNote { get; init; }
    /// <summary>Green-channel hospitals that match the person (region, youth for a minor, available).</summary>
    [Id(19)] public ImmutableArray<string> MatchingHospitalIds { get; init; } = [];
}

/// <summary>How an action is carried out; <see cref="ReceiverId"/> names the hospital or linkage receiver.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.carry-out")]
public sealed record CarryOut(
    [property: Id(0)] ActionChannel Channel,
    [property: Id(1)] string? ReceiverId = null,
    [property: Id(2)] string? Note = null);

/// <summary>
/// One crisis case (key <c>case-&lt;callId&gt;</c>, see <see cref="CrisisKeys"/>), persisted and never trimmed.
/// It awaits the rule set, the directory, the centre and counsellor (names) and its index; it never awaits a call
/// or a record, which await it.
/// </summary>
[Alias("hotline.crisis-case")]
public interface ICrisisCaseGrain : IGrainWithStringKey
{
    /// <summary>Opens the case (idempotent: a second opening only updates facts and counsellor).</summary>
    [Alias("open")]
    Task<CrisisCaseView> OpenAsync(CaseOpening opening);

    /// <summary>The latest assessment: stored, time-stamped, and new rule matches proposed (nothing is withdrawn).</summary>
    [Alias("update-facts")]
    Task<CrisisCaseView> UpdateFactsAsync(RiskAssessment facts, CasePerson? person, string by);

    /// <summary>The case for a supervisor's board.</summary>
    [Alias("get"), ReadOnly]
    Task<CrisisCaseView> GetAsync();

    /// <summary>The case for the counsellor on its call; anyone else gets a rule error.</summary>
    [Alias("get-for-counselor"), ReadOnly]
    Task<CrisisCaseView> GetForCounselorAsync(string counselorId);

    /// <summary>Proposes an action by hand (a supervisor's or counsellor's judgement beyond the rules).</summary>
    [Alias("propose")]
    Task<CrisisCaseView> ProposeActionAsync(ActionKind kind, string by, string? note);

    /// <summary>A supervisor of the centre approves a proposed action.</summary>
    [Alias("approve")]
    Task<CrisisCaseView> ApproveActionAsync(string actionId, string supervisorId);

    /// <summary>Carries out an approved (or approval-free proposed) action: conference, call-out or dispatch sheet. It becomes Requested.</summary>
    [Alias("carry-out")]
    Task<CrisisCaseView> CarryOutAsync(string actionId, CarryOut how, string by);

    /// <summary>Moves an action on (Acknowledged, EnRoute, Completed) as the outside service answers.</summary>
    [Alias("advance")]
    Task<CrisisCaseView> AdvanceActionAsync(string actionId, ActionState to, string by, string? note);

    /// <summary>The action failed (reason required): the next action of its rule's chain is proposed.</summary>
    [Alias("fail")]
    Task<CrisisCaseView> FailActionAsync(string actionId, string by, string reason);

    /// <summary>The action is no longer needed (reason required).</summary>
    [Alias("cancel")]
    Task<CrisisCaseView> CancelActionAsync(string actionId, string by, string reason);

    /// <summary>A green-channel hospital accepted or refused the person; a refusal fails the action.</summary>
    [Alias("hospital-answer")]
    Task<CrisisCaseView> RecordHospitalAnswerAsync(string actionId, bool accepted, string by, string? note);

    /// <summary>Closes the case with a resolution and whether help reached the person; refused while an action is open.</summary>
    [Alias("close")]
    Task<CrisisCaseView> CloseAsync(string by, string resolution, HelpReached helpReached, string? helpNote);

    /// <summary>
    /// Sends the dispatch sheet for an action already under way (e.g. the dispatcher was conferenced in): the sheet
    /// is produced either way (domain.md §5). Refused when the action is not requested, acknowledged or en route,
    /// or when a sheet for it is pending or delivered.
    /// </summary>
    [Alias("send-sheet")]
    Task<CrisisCaseView> SendSheetAsync(string actionId, string? receiverId, string by);

    /// <summary>
    /// The call's follow-up (回访) was scheduled on the counsellor's list (one-way from the record): the case's open
    /// follow-up actions are handed to it and complete, so the case can close while the follow-up goes on.
    /// </summary>
    [Alias("follow-up-scheduled"), OneWay]
    Task FollowUpScheduledAsync(string counselorId, DateTimeOffset dueAt);

    /// <summary>The counsellor who answered an IVR crisis call (one-way from the call).</summary>
    [Alias("counselor-assigned"), OneWay]
    Task CounselorAssignedAsync(string counselorId);

    /// <summary>The linkage sender's outcome for a sheet (one-way from the sender).</summary>
    [Alias("delivery-report"), OneWay]
    Task ReportDeliveryAsync(string actionId, LinkageOutcome outcome);

    /// <summary>
    /// The retention purge: a case closed at or before <paramref name="cutoff"/> is deleted (and leaves the crisis index);
    /// an open case stays whatever its age.
    /// </summary>
    [Alias("purge")]
    Task<Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff);
}

/// <summary>A case on a centre's crisis board.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.crisis-index-entry")]
public sealed record CrisisIndexEntry(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string CallId,
    [property: Id(2)] DateTimeOffset OpenedAt,
    [property: Id(3)] DateTimeOffset? ClosedAt);

[GenerateSerializer, Immutable]
[Alias("hotline.crisis-index-view")]
public sealed record CrisisIndexView(
    [property: Id(0)] string CentreId,
    [property: Id(1)] ImmutableArray<CrisisIndexEntry> Open,
    [property: Id(2)] ImmutableArray<CrisisIndexEntry> RecentlyClosed);

/// <summary>A centre's open and recently closed case ids (key: centre id), for the crisis board; cases are deleted only by the retention purge.</summary>
[Alias("hotline.crisis-index")]
public interface ICrisisIndexGrain : IGrainWithStringKey
{
    /// <summary>Lists a newly opened case (idempotent).</summary>
    [Alias("opened")]
    Task OpenedAsync(CrisisIndexEntry entry);

    /// <summary>Moves a case to the recently closed list.</summary>
    [Alias("closed")]
    Task ClosedAsync(string caseId, DateTimeOffset closedAt);

    /// <summary>Open cases (oldest first) and those closed in the last 7 days (newest first).</summary>
    [Alias("get"), ReadOnly]
    Task<CrisisIndexView> GetAsync();

    /// <summary>The case was purged (retention): it leaves the index if it is still listed.</summary>
    [Alias("forget")]
    Task ForgetAsync(string caseId);
}

/// <summary>Keys of the crisis grains.</summary>
public static class CrisisKeys
{
    /// <summary>One case per call: its id is derived from the call id, so opening twice opens one case.</summary>
    public static string CaseId(string callId)
    {
        Common.Keys.RequireCallId(callId);
        return $"case-{callId}";
    }

    /// <summary>The call id of a case id, or null when it is not one.</summary>
    public static string? CallIdOf(string caseId) =>
        caseId.StartsWith("case-", StringComparison.Ordinal) && Common.Keys.IsValidCallId(caseId[5..]) ? caseId[5..] : null;
}
