using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Alerts;

/// <summary>What needs a supervisor's eyes now.</summary>
[GenerateSerializer]
public enum AlertKind
{
    /// <summary>A crisis call is waiting for a counsellor.</summary>
    CrisisWaiting = 0,
    /// <summary>A crisis call is in progress (the supervisor should be ready to join or escalate).</summary>
    CrisisInProgress = 1,
    /// <summary>A call has waited longer than the centre's threshold.</summary>
    LongWait = 2,
    /// <summary>A counsellor missed an offer and is marked not responding.</summary>
    OfferTimedOut = 3,
    /// <summary>A call is past its overflow threshold.</summary>
    Overflow = 4,
    /// <summary>A counsellor asked for the supervisor (raise hand).</summary>
    HandRaised = 5,
    /// <summary>A crisis case opened (raised by the case grain).</summary>
    CrisisCaseOpened = 6,
    /// <summary>A crisis action is past its deadline.</summary>
    ActionOverdue = 7,
    /// <summary>A crisis action failed and no further action follows by rule: the supervisor decides.</summary>
    ActionFailed = 8,
    /// <summary>The telephony provider refused or could not be reached to ring a counsellor for a waiting call.</summary>
    RingFailed = 9,
    /// <summary>A follow-up is due: its counsellor (CounselorId) should call the caller back now.</summary>
    FollowUpDue = 10,
    /// <summary>A follow-up is past its grace and still open: the supervisor sees to it.</summary>
    FollowUpOverdue = 11,
    /// <summary>A follow-up failed repeatedly (or reached a wrong number): the supervisor reassigns or closes it.</summary>
    FollowUpEscalated = 12,
    /// <summary>A follow-up is due and its counsellor is off shift: the supervisor reassigns it.</summary>
    FollowUpUnassigned = 13,
    /// <summary>A keep-place callback was not answered after every retry: the caller was not reached.</summary>
    CallbackFailed = 14,
    /// <summary>A call's contact record is still not submitted long after the call ended (CounselorId, CallId).</summary>
    RecordNotSubmitted = 15,
    /// <summary>
    /// A request to the telephony provider failed for good after its retries (stop ringing, a callback or follow-up dial,
    /// a hang-up, an on-call call): CallId and CounselorId say which call and whose leg, where there is one.
    /// </summary>
    TelephonyFailed = 16,
}

/// <summary>Where a server-side alert is.</summary>
[GenerateSerializer]
public enum AlertStatus
{
    /// <summary>The situation is still there.</summary>
    Active = 0,
    /// <summary>The situation ended (call answered, hand lowered); a crisis alert still waits for its acknowledgement.</summary>
    Resolved = 1,
}

/// <summary>A grain reports a situation to the centre's alerts (the id is stable for the situation, so raising twice is one alert).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.alert-raise")]
public sealed record AlertRaise(
    [property: Id(0)] string AlertId,
    [property: Id(1)] AlertKind Kind,
    [property: Id(2)] bool Critical,
    [property: Id(3)] string? CallId = null,
    [property: Id(4)] string? CounselorId = null,
    [property: Id(5)] string? CaseId = null,
    [property: Id(6)] string? ActionId = null);

/// <summary>
/// An alert as the server keeps it: raised, maybe resolved, acknowledged by whom and when, and how far an
/// unacknowledged crisis alert has widened (0 duty screens, 1 every signed-in supervisor, 2 on-call number rung).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.centre-alert")]
public sealed record CentreAlert
{
    [Id(0)] public required string AlertId { get; init; }
    [Id(1)] public AlertKind Kind { get; init; }
    [Id(2)] public bool Critical { get; init; }
    [Id(3)] public string? CallId { get; init; }
    [Id(4)] public string? CounselorId { get; init; }
    [Id(5)] public string? CaseId { get; init; }
    [Id(6)] public string? ActionId { get; init; }
    [Id(7)] public DateTimeOffset RaisedAt { get; init; }
    [Id(8)] public AlertStatus Status { get; init; }
    [Id(9)] public DateTimeOffset? ResolvedAt { get; init; }
    [Id(10)] public string? AcknowledgedBy { get; init; }
    [Id(11)] public DateTimeOffset? AcknowledgedAt { get; init; }
    /// <summary>0: duty screens; 1: every signed-in supervisor of the centre; 2: the on-call number was notified too.</summary>
    [Id(12)] public int Widened { get; init; }
    [Id(13)] public DateTimeOffset? WidenedAt { get; init; }
    [Id(14)] public DateTimeOffset? OnCallNotifiedAt { get; init; }
    /// <summary>Set when the on-call notification could not be placed (the code, never provider text).</summary>
    [Id(15)] public string? OnCallFailure { get; init; }

    /// <summary>Crisis alerts widen while unacknowledged, and stay on screens until acknowledged.</summary>
    public bool IsCrisis => Kind is AlertKind.CrisisWaiting or AlertKind.CrisisInProgress or AlertKind.CrisisCaseOpened or AlertKind.ActionOverdue or AlertKind.ActionFailed;
}

/// <summary>How a centre's unacknowledged crisis alerts escalate (crisis.md §5).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.alert-settings")]
public sealed record AlertSettings
{
    /// <summary>Unacknowledged for this long → every signed-in supervisor's screen rings.</summary>
    [Id(0)] public int WidenAfterSeconds { get; init; } = 60;
    /// <summary>Unacknowledged for this long → the on-call number is called.</summary>
    [Id(1)] public int OnCallAfterSeconds { get; init; } = 180;
    /// <summary>E.164 number of the centre's on-call supervisor; null for none (the alert records that).</summary>
    [Id(2)] public string? OnCallNumber { get; init; }
}

/// <summary>
/// A centre's alerts on the server (key: centre id): raised one-way by the grains where things happen, persisted,
/// acknowledged, widened on the domain clock while unacknowledged, and published to the live feed.
/// </summary>
[Alias("hotline.centre-alerts")]
public interface ICentreAlertsGrain : IGrainWithStringKey
{
    /// <summary>Raises (or re-raises) an alert; idempotent per alert id while it is current.</summary>
    [Alias("raise"), OneWay]
    Task RaiseAsync(AlertRaise alert);

    /// <summary>The situation ended; a crisis alert stays until acknowledged.</summary>
    [Alias("resolve"), OneWay]
    Task ResolveAsync(string alertId);

    /// <summary>Acknowledges an alert (the first acknowledgement stands); unknown ids are a rule error.</summary>
    [Alias("acknowledge")]
    Task<CentreAlert> AcknowledgeAsync(string alertId, string by);

    /// <summary>Current alerts: active ones and crisis alerts not yet acknowledged, critical first.</summary>
    [Alias("current"), ReadOnly]
    Task<ImmutableArray<CentreAlert>> GetCurrentAsync();

    /// <summary>Every kept alert (current and recently finished), newest first.</summary>
    [Alias("history"), ReadOnly]
    Task<ImmutableArray<CentreAlert>> GetHistoryAsync();

    /// <summary>Validates and stores the centre's widening times and on-call number.</summary>
    [Alias("configure")]
    Task ConfigureAsync(AlertSettings settings);

    /// <summary>The centre's alert settings (defaults until configured).</summary>
    [Alias("settings"), ReadOnly]
    Task<AlertSettings> GetSettingsAsync();
}
