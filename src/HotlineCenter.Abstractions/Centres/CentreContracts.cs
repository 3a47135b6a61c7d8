using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Abstractions.Centres;

/// <summary>One IVR menu option: a key press that routes to a queue.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.ivr-option")]
public sealed record IvrOption(
    [property: Id(0)] string Digits,
    [property: Id(1)] string Label,
    [property: Id(2)] string QueueId,
    [property: Id(3)] bool IsCrisis,
    [property: Id(4)] int BasePriority,
    [property: Id(5)] string? RequiredSkill,
    [property: Id(6)] string? Language);

/// <summary>A centre's routing configuration.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.centre-config")]
public sealed record CentreConfig
{
    [Id(0)] public required string CentreId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
    [Id(2)] public required ImmutableArray<QueueConfig> Queues { get; init; }
    [Id(3)] public required ImmutableArray<IvrOption> IvrOptions { get; init; }
    /// <summary>Where a caller goes who presses nothing or keeps pressing invalid keys.</summary>
    [Id(4)] public required string DefaultQueueId { get; init; }
    /// <summary>Base priority of calls routed by default (no or invalid input).</summary>
    [Id(5)] public int DefaultPriority { get; init; } = 10;
    /// <summary>Invalid menu attempts before the caller is routed to the default queue.</summary>
    [Id(6)] public int MaxMenuAttempts { get; init; } = 2;
}

/// <summary>A call as the live screens list it (no timeline, masked number only).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.call-summary")]
public sealed record CallSummary(
    [property: Id(0)] string CallId,
    [property: Id(1)] CallStatus Status,
    [property: Id(2)] string? QueueKey,
    [property: Id(3)] bool IsCrisis,
    [property: Id(4)] string? CounselorId,
    [property: Id(5)] string? MaskedNumber,
    [property: Id(6)] DateTimeOffset? QueuedAt,
    [property: Id(7)] DateTimeOffset? ConnectedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt);

/// <summary>The live picture of a centre that screens render.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.centre-live")]
public sealed record CentreLiveSnapshot(
    [property: Id(0)] string CentreId,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableArray<QueueSnapshot> Queues,
    [property: Id(3)] ImmutableArray<CounselorSnapshot> Counselors,
    [property: Id(4)] ImmutableArray<CallSummary> ActiveCalls,
    [property: Id(5)] DateTimeOffset At);

/// <summary>A shift supervisor (值班督导) of a centre.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.supervisor-entry")]
public sealed record SupervisorEntry([property: Id(0)] string SupervisorId, [property: Id(1)] string DisplayName);
