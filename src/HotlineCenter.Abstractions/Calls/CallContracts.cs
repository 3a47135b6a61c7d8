using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Calls;

/// <summary>Where a call is in its life.</summary>
[GenerateSerializer]
public enum CallStatus
{
    New = 0,
    InIvr = 1,
    Queued = 2,
    Offered = 3,
    Connected = 4,
    Ended = 5,
    Abandoned = 6,
    /// <summary>The caller asked to be called back and hung up; the call keeps its place in the queue.</summary>
    CallbackPending = 7,
}

/// <summary>Kinds of entries on a call's timeline.</summary>
[GenerateSerializer]
public enum TimelineKind
{
    Arrived = 0,
    IvrChoice = 1,
    Queued = 2,
    Offered = 3,
    OfferTimedOut = 4,
    OfferDeclined = 5,
    Connected = 6,
    Held = 7,
    Resumed = 8,
    Transferred = 9,
    Overflowed = 10,
    Ended = 11,
    Abandoned = 12,
    OverflowUnavailable = 13,
    /// <summary>A provider event recorded for the record that changes nothing here (e.g. a leg's no-answer).</summary>
    ProviderEvent = 14,
    CallbackRequested = 15,
    CallbackDialled = 16,
    /// <summary>The counsellor's leg dropped mid-call; the caller went back to the front of the queue.</summary>
    Requeued = 17,
    Recording = 18,
    /// <summary>The counsellor's device did not answer (busy, failed, no answer) before the ring timeout.</summary>
    RingFailed = 19,
    /// <summary>The counsellor declared a crisis on the call (the crisis workflow starts).</summary>
    CrisisDeclared = 20,
    /// <summary>A supervisor moved the waiting call to another queue.</summary>
    Moved = 21,
    /// <summary>A supervisor took the call over from the counsellor.</summary>
    TakenOver = 22,
    /// <summary>The record's risk assessment was stored or changed (detail: derived and effective level).</summary>
    RiskAssessed = 23,
    /// <summary>A crisis case opened for the call (detail: what opened it).</summary>
    CrisisCaseOpened = 24,
    /// <summary>The caller picked up a keep-place callback: only now does it count as answered.</summary>
    CallbackAnswered = 25,
    /// <summary>A keep-place callback dial was not answered (busy, no answer, failed); detail: the retry time.</summary>
    CallbackNotAnswered = 26,
    /// <summary>Every dial of a keep-place callback went unanswered: the caller was not reached.</summary>
    CallbackFailed = 27,
    /// <summary>The caller is blocked and chose no danger option: they heard the blocked message and the call ended.</summary>
    CallerBlocked = 40,
    /// <summary>A supervisor blocked this call's caller (detail: until when).</summary>
    CallerBlockSet = 41,
    /// <summary>After the counsellor left, the caller was asked the satisfaction question (detail: the rating, once given).</summary>
    SatisfactionSurvey = 28,
    /// <summary>A call to a provincial number was routed to a centre by the caller's region (detail: centre and why).</summary>
    RoutedByRegion = 70,
}

/// <summary>How the caller is identified without storing their number in clear.</summary>
/// <param name="CallerHash">Keyed hash of the E.164 number: links repeat calls, reveals nothing.</param>
/// <param name="MaskedNumber">What screens may show, e.g. <c>138****1234</c>.</param>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-ref")]
/// <param name="EncryptedNumber">The number, encrypted (AES-GCM), kept only so a callback can be dialled.</param>
/// <param name="NumberRegion">
/// Where the number is registered, from the offline geocoder (e.g. 陕西省西安市), read by the telephony adapter while it
/// still has the number; the call counts its caller local or out-of-area with it on arrival and does not keep it.
/// </param>
public sealed record CallerRef(
    [property: Id(0)] string CallerHash,
    [property: Id(1)] string MaskedNumber,
    [property: Id(2)] string? EncryptedNumber = null,
    [property: Id(3)] string? NumberRegion = null);

/// <summary>A call reaching a centre.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.call-arrival")]
public sealed record CallArrival(
    [property: Id(0)] string CentreId,
    [property: Id(1)] string Provider,
    [property: Id(2)] CallerRef Caller,
    [property: Id(3)] string EventKey);

/// <summary>The caller's menu choice (DTMF digits, or empty for no input).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.ivr-choice")]
public sealed record IvrChoice([property: Id(0)] string Digits, [property: Id(1)] string EventKey);

/// <summary>Provider-neutral kinds of events the telephony side reports about a call.</summary>
[GenerateSerializer]
public enum ProviderEventKind
{
    /// <summary>The caller's leg ended (hung up, network drop).</summary>
    CallerHungUp = 0,
    /// <summary>The counsellor's leg answered (phone or browser).</summary>
    CounselorAnswered = 1,
    /// <summary>The counsellor's leg was not answered in time.</summary>
    CounselorNoAnswer = 2,
    /// <summary>The counsellor's leg ended.</summary>
    CounselorHungUp = 3,
    Held = 4,
    Resumed = 5,
    /// <summary>
    /// The counsellor could not be rung at all: the provider refused the request or could not be reached.
    /// Not the counsellor's miss: they stay Available and the call is re-routed at once.
    /// </summary>
    CounselorRingFailed = 6,
    /// <summary>The caller picked up a keep-place callback.</summary>
    CallbackAnswered = 7,
    /// <summary>A keep-place callback dial ended unanswered (busy, no answer, failed, cancelled).</summary>
    CallbackNotAnswered = 8,
}

/// <summary>One provider event; <see cref="EventKey"/> makes re-delivery harmless.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.provider-event")]
public sealed record ProviderEvent(
    [property: Id(0)] ProviderEventKind Kind,
    [property: Id(1)] string EventKey,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] string? LegId = null);

/// <summary>One time-stamped line in a call's timeline.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.timeline-entry")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] TimelineKind Kind,
    [property: Id(2)] string? QueueKey,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] string? Detail);

/// <summary>What the telephony side should do next with the caller.</summary>
[GenerateSerializer]
public enum InstructionKind
{
    /// <summary>Play greeting and recording notice, then ask the menu.</summary>
    PlayMenu = 0,
    /// <summary>Hold the caller in their conference while the queue routes.</summary>
    WaitInQueue = 1,
    /// <summary>Nothing more to do (the call is over or unknown).</summary>
    HangUp = 2,
    /// <summary>Ask the menu again after an invalid choice.</summary>
    RepeatMenu = 3,
    /// <summary>Tell the caller their place is kept and they will be called back, then hang up.</summary>
    CallbackConfirmed = 4,
    /// <summary>A blocked caller chose no danger option: say the centre's blocked message, then hang up.</summary>
    Blocked = 20,
}

/// <summary>A provider-neutral instruction; the adapter renders it (TwiML, SIP, simulator).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.call-instruction")]
public sealed record CallInstruction(
    [property: Id(0)] InstructionKind Kind,
    [property: Id(1)] string CentreId,
    [property: Id(2)] string? QueueKey,
    [property: Id(3)] string? ConferenceName);

/// <summary>Everything screens and tests can see of a call.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.call-snapshot")]
public sealed record CallSnapshot(
    [property: Id(0)] string CallId,
    [property: Id(1)] string? CentreId,
    [property: Id(2)] CallStatus Status,
    [property: Id(3)] string? MaskedNumber,
    [property: Id(4)] string? QueueKey,
    [property: Id(5)] bool IsCrisis,
    [property: Id(6)] int BasePriority,
    [property: Id(7)] string? CounselorId,
    [property: Id(8)] DateTimeOffset? ArrivedAt,
    [property: Id(9)] DateTimeOffset? QueuedAt,
    [property: Id(10)] DateTimeOffset? ConnectedAt,
    [property: Id(11)] DateTimeOffset? EndedAt,
    [property: Id(12)] double? WaitSeconds,
    [property: Id(13)] ImmutableArray<TimelineEntry> Timeline,
    [property: Id(14)] ImmutableArray<RecordingInfo> Recordings = default,
    [property: Id(15)] string? CounselorLegId = null,
    // The provider's id of the call's conference (Twilio's CF… ConferenceSid), once known: participants are changed through it.
    [property: Id(16)] string? ConferenceSid = null,
    [property: Id(17)] int? SatisfactionRating = null,
    [property: Id(18)] ImmutableArray<string> Counselors = default)
{
    /// <summary>Every counsellor the call was connected to, in turn (a caller re-queued after a dropped leg has two).</summary>
    public ImmutableArray<string> CounselorsInTurn => Counselors.IsDefault ? (CounselorId is { } c && ConnectedAt is not null ? [c] : []) : Counselors;
}

/// <summary>A recording of the call kept by the provider (audio is reached only through the app).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.recording-info")]
public sealed record RecordingInfo(
    [property: Id(0)] string RecordingSid,
    [property: Id(1)] string Status,
    [property: Id(2)] int? DurationSeconds,
    [property: Id(3)] DateTimeOffset At);
