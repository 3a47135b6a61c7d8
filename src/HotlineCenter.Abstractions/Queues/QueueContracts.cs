using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Queues;

/// <summary>
/// How one queue routes. Product defaults from domain.md §3: ring 20 s, overflow 60 s (crisis sooner).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.queue-config")]
public sealed record QueueConfig
{
    [Id(0)] public required string QueueId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
    /// <summary>Priority points a waiting call gains per second waited (aging).</summary>
    [Id(2)] public double AgingPointsPerSecond { get; init; } = 0.1;
    /// <summary>Skill every call in this queue needs, or null for none.</summary>
    [Id(3)] public string? RequiredSkill { get; init; }
    /// <summary>Skill level required at first.</summary>
    [Id(4)] public int MinSkillLevel { get; init; } = 1;
    /// <summary>Skill level accepted once a call has waited <see cref="SkillWideningAfterSeconds"/>.</summary>
    [Id(5)] public int WidenedMinSkillLevel { get; init; } = 1;
    [Id(6)] public int SkillWideningAfterSeconds { get; init; } = 30;
    /// <summary>After this wait a call's preferred language/dialect is no longer required.</summary>
    [Id(7)] public int LanguageWideningAfterSeconds { get; init; } = 45;
    [Id(8)] public int RingTimeoutSeconds { get; init; } = 20;
    [Id(9)] public int WrapUpSeconds { get; init; } = 120;
    [Id(10)] public int OverflowAfterSeconds { get; init; } = 60;
    [Id(11)] public int CrisisOverflowAfterSeconds { get; init; } = 30;
    /// <summary>Queue key (<c>centre/queue</c>, possibly another centre's) that takes calls nobody here could.</summary>
    [Id(12)] public string? OverflowTargetQueueKey { get; init; }
    /// <summary>A non-crisis call waiting this long raises a long-wait alert.</summary>
    [Id(13)] public int LongWaitAlertSeconds { get; init; } = 60;
    /// <summary>
    /// A non-crisis call goes back to a counsellor who missed or declined it (when nobody else free may take it)
    /// after this long; a crisis call goes back at once.
    /// </summary>
    [Id(14)] public int RetryAfterMissSeconds { get; init; } = 30;
    /// <summary>The centre's <c>HighRiskCallsPerShift</c>, stamped on each of its queues when the centre is configured.</summary>
    [Id(40)] public int HighRiskCallsPerShift { get; init; }
    /// <summary>
    /// The centre's <c>BackupNumber</c>, stamped on each of its queues: a call past the overflow threshold in a queue
    /// without an overflow target is transferred there instead of waiting on.
    /// </summary>
    [Id(70)] public string? BackupNumber { get; init; }
}

/// <summary>A call handed to a queue.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.queued-call")]
public sealed record QueuedCall(
    [property: Id(0)] string CallId,
    [property: Id(1)] bool IsCrisis,
    [property: Id(2)] int BasePriority,
    [property: Id(3)] DateTimeOffset FirstQueuedAt,
    [property: Id(4)] string? RequiredSkill,
    [property: Id(5)] string? Language,
    [property: Id(6)] bool AtFront = false,
    [property: Id(7)] bool IsCallback = false);

/// <summary>Why a call leaves a queue.</summary>
[GenerateSerializer]
public enum QueueExit
{
    Abandoned = 0,
    Overflowed = 1,
    Answered = 2,
    /// <summary>A supervisor moved the call to another queue.</summary>
    Moved = 3,
    /// <summary>The call waited past the overflow threshold and was transferred to the centre's backup number.</summary>
    TransferredToBackup = 70,
}

/// <summary>A waiting call as screens see it.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.waiting-call-view")]
public sealed record WaitingCallView(
    [property: Id(0)] string CallId,
    [property: Id(1)] int Position,
    [property: Id(2)] bool IsCrisis,
    [property: Id(3)] double EffectivePriority,
    [property: Id(4)] DateTimeOffset FirstQueuedAt,
    [property: Id(5)] string? OfferedTo,
    [property: Id(6)] bool OverflowPending,
    [property: Id(7)] bool IsCallback = false,
    [property: Id(8)] bool AtFront = false,
    [property: Id(9)] int? EstimatedWaitSeconds = null);

/// <summary>The live picture of one queue.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.queue-snapshot")]
public sealed record QueueSnapshot(
    [property: Id(0)] string QueueKey,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] ImmutableArray<WaitingCallView> Waiting,
    [property: Id(3)] int AvailableCounselors,
    [property: Id(4)] int AbandonedToday,
    [property: Id(5)] int AnsweredToday,
    [property: Id(6)] int OverflowedToday,
    [property: Id(7)] DateTimeOffset At);

/// <summary>
/// The waiting call a queue would offer one counsellor first, as that queue ranks it: what a counsellor who serves
/// several queues compares to choose the most urgent call among all of them.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.queue-candidate")]
public sealed record QueueCandidate(
    [property: Id(0)] string QueueKey,
    [property: Id(1)] string CallId,
    [property: Id(2)] bool IsCrisis,
    [property: Id(3)] double EffectivePriority,
    [property: Id(4)] DateTimeOffset FirstQueuedAt,
    [property: Id(5)] bool AtFront = false);

/// <summary>What a counsellor is reserved for: one call, from one queue, on these terms.</summary>
/// <param name="BySupervisor">A supervisor chose this counsellor for the call: it wins over the counsellor's own choice of queue.</param>
[GenerateSerializer, Immutable]
[Alias("hotline.offer-terms")]
public sealed record OfferTerms(
    [property: Id(0)] string CallId,
    [property: Id(1)] string QueueKey,
    [property: Id(2)] int WrapUpSeconds,
    [property: Id(3)] int RingTimeoutSeconds,
    [property: Id(4)] bool BySupervisor = false);
