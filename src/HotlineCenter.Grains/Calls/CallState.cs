using HotlineCenter.Abstractions.Calls;

namespace HotlineCenter.Grains.Calls;

[GenerateSerializer]
[Alias("hotline.call-state")]
public sealed class CallState
{
    [Id(0)] public string? CentreId { get; set; }
    [Id(1)] public string? Provider { get; set; }
    [Id(2)] public CallerRef? Caller { get; set; }
    [Id(3)] public CallStatus Status { get; set; } = CallStatus.New;
    [Id(4)] public string? QueueKey { get; set; }
    [Id(5)] public bool IsCrisis { get; set; }
    [Id(6)] public int BasePriority { get; set; }
    [Id(7)] public string? RequiredSkill { get; set; }
    [Id(8)] public string? Language { get; set; }
    [Id(9)] public int MenuAttempts { get; set; }
    [Id(10)] public string? CounselorId { get; set; }
    [Id(11)] public DateTimeOffset? ArrivedAt { get; set; }
    [Id(12)] public DateTimeOffset? QueuedAt { get; set; }
    [Id(13)] public DateTimeOffset? ConnectedAt { get; set; }
    [Id(14)] public DateTimeOffset? EndedAt { get; set; }
    [Id(15)] public double? WaitSeconds { get; set; }
    [Id(16)] public List<TimelineEntry> Timeline { get; set; } = [];
    /// <summary>Provider event keys already applied, so a re-delivered webhook changes nothing.</summary>
    [Id(17)] public HashSet<string> AppliedKeys { get; set; } = [];
    [Id(18)] public List<RecordingInfo> Recordings { get; set; } = [];
    [Id(19)] public string? CounselorLegId { get; set; }
    [Id(20)] public string? TakenOverBy { get; set; }
    /// <summary>Keep-place callback dials placed so far.</summary>
    [Id(21)] public int CallbackDials { get; set; }
    /// <summary>When an unanswered keep-place callback goes back into its queue for the next dial.</summary>
    [Id(22)] public DateTimeOffset? CallbackRetryAt { get; set; }
    [Id(23)] public bool CallbackAnswered { get; set; }
    /// <summary>The provider's id of the call's current conference (Twilio's CF… ConferenceSid), once learnt.</summary>
    [Id(24)] public string? ConferenceSid { get; set; }
    /// <summary>The waiting caller was offered a keep-place callback (once per call, on any node).</summary>
    [Id(25)] public bool CallbackOffered { get; set; }
    /// <summary>Every counsellor the call was connected to, in turn (each has a part of the record).</summary>
    [Id(26)] public List<string> Counselors { get; set; } = [];
    /// <summary>The caller was asked to rate the service after the counsellor left.</summary>
    [Id(27)] public bool SurveyAsked { get; set; }
    [Id(28)] public int? SatisfactionRating { get; set; }
    /// <summary>The keep-place callback dial the provider confirmed taking (compared with <see cref="CallbackDials"/>).</summary>
    [Id(29)] public int CallbackPlacedDial { get; set; }
    /// <summary>The counsellors whose part of the record is submitted (the number is dropped once every one is in and the call is over).</summary>
    [Id(50)] public HashSet<string> PartsSubmitted { get; set; } = [];
    /// <summary>When the encrypted number was dropped because nothing needs it any more.</summary>
    [Id(51)] public DateTimeOffset? NumberDroppedAt { get; set; }
}
