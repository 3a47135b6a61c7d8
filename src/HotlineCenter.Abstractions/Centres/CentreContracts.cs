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
    /// <summary>What callers hear; defaults are Mandarin text for the provider's speech engine.</summary>
    [Id(7)] public CentrePrompts Prompts { get; init; } = new();
    /// <summary>Record every conversation from the start (callers are told in the recording notice).</summary>
    [Id(8)] public bool RecordCalls { get; init; } = true;
    /// <summary>After this wait a caller is offered "press 1 to keep your place and be called back"; 0 turns it off.</summary>
    [Id(9)] public int CallbackOfferAfterSeconds { get; init; } = 120;
    /// <summary>How often a waiting caller hears their position and the estimated wait.</summary>
    [Id(10)] public int AnnounceIntervalSeconds { get; init; } = 60;

    /// <summary>Who a counsellor can add to a call: 110, 120, green-channel hospitals, the duty supervisor.</summary>
    [Id(11)] public ImmutableArray<DirectoryEntry> Directory { get; init; } = [];

    /// <summary>
    /// Points added to the base priority of a caller the centre knows as high risk (a high or imminent contact in
    /// 90 days, or a staff flag), so they are answered sooner than others who chose the same menu option. 0 turns it off.
    /// </summary>
    [Id(12)] public int HighRiskCallerPriorityBoost { get; init; } = 50;
    /// <summary>Failed follow-up attempts before the follow-up escalates to the supervisor.</summary>
    [Id(13)] public int FollowUpAttemptsBeforeEscalation { get; init; } = 3;
    /// <summary>Minutes after its due time an open follow-up is overdue and goes to the supervisor.</summary>
    [Id(14)] public int FollowUpOverdueGraceMinutes { get; init; } = 120;
    /// <summary>Dials of a keep-place callback (the first and its retries) before it counts as failed.</summary>
    [Id(15)] public int CallbackAttempts { get; init; } = 3;
    /// <summary>Seconds between a keep-place callback that was not answered and its next dial.</summary>
    [Id(16)] public int CallbackRetrySeconds { get; init; } = 300;
    /// <summary>Minutes after a call ends by which its contact record should be submitted; past it the supervisor is alerted.</summary>
    [Id(17)] public int RecordSubmitWithinMinutes { get; init; } = 30;
    /// <summary>The centre's province (one of <c>ChinaRegions.Provinces</c>): callers whose number is registered elsewhere are out-of-area (外地).</summary>
    [Id(18)] public string? Province { get; init; }
    /// <summary>The centre's city; null for a provincial centre, whose local callers are the whole province's.</summary>
    [Id(19)] public string? City { get; init; }
    /// <summary>After the counsellor leaves, ask the caller to rate the service 1–5 (never after a crisis call).</summary>
    [Id(20)] public bool SatisfactionSurvey { get; init; }
    /// <summary>Other centres whose reports this centre's supervisors and administrators read (a provincial centre's city centres).</summary>
    [Id(21)] public ImmutableArray<string> ReportsForCentres { get; init; } = [];
    /// <summary>Daily opening hours, as the provincial form reports them (服务时长（小时/日）); 0 (stored before the setting) reads as 24.</summary>
    [Id(22)] public int ServiceHoursPerDay { get; init; } = 24;

    /// <summary>The opening hours to report: a configuration stored before the setting existed reads as 24.</summary>
    public int ReportedServiceHours => ServiceHoursPerDay is > 0 and <= 24 ? ServiceHoursPerDay : 24;

    /// <summary>Minutes a counsellor spends in Decompression after a crisis call (offered no calls); 0 turns it off.</summary>
    [Id(40)] public int DecompressionMinutes { get; init; } = DefaultDecompressionMinutes;

    public const int DefaultDecompressionMinutes = 10;
    /// <summary>
    /// Crisis calls a counsellor takes per shift (signed-in spell) before the router prefers others for crisis calls;
    /// past it they still get one when nobody else is free. 0 turns it off.
    /// </summary>
    [Id(41)] public int HighRiskCallsPerShift { get; init; }

    /// <summary>Minutes a break-glass grant to see a caller's full number lasts (1–60); 0 (stored before the setting) reads as the default.</summary>
    [Id(60)] public int UnmaskGrantMinutes { get; init; } = DefaultUnmaskGrantMinutes;

    public const int DefaultUnmaskGrantMinutes = 10;

    /// <summary>The grant's lifetime to apply: a configuration stored before the setting existed reads as the default.</summary>
    public int EffectiveUnmaskGrantMinutes => UnmaskGrantMinutes is >= 1 and <= 60 ? UnmaskGrantMinutes : DefaultUnmaskGrantMinutes;

    /// <summary>
    /// Years contact records, calls, crisis cases and follow-ups are kept before the scheduled purge removes them
    /// (3–10; 0, stored before the setting, reads as <see cref="DefaultRecordRetentionYears"/>).
    /// </summary>
    [Id(50)] public int RecordRetentionYears { get; init; } = DefaultRecordRetentionYears;
    /// <summary>Days call recordings are kept before the purge asks the provider to delete them (0, stored before the setting, reads as 180).</summary>
    [Id(51)] public int RecordingRetentionDays { get; init; } = DefaultRecordingRetentionDays;

    public const int DefaultRecordRetentionYears = 3;
    public const int MinRecordRetentionYears = 3;
    public const int MaxRecordRetentionYears = 10;
    public const int DefaultRecordingRetentionDays = 180;
    public const int MaxRecordingRetentionDays = 3650;

    /// <summary>The record retention in force: a configuration stored before the setting keeps the default (never less than the law's 3 years).</summary>
    public int EffectiveRecordRetentionYears =>
        RecordRetentionYears == 0 ? DefaultRecordRetentionYears : Math.Clamp(RecordRetentionYears, MinRecordRetentionYears, MaxRecordRetentionYears);

    /// <summary>The recording retention in force: a configuration stored before the setting keeps the default.</summary>
    public int EffectiveRecordingRetentionDays =>
        RecordingRetentionDays <= 0 ? DefaultRecordingRetentionDays : Math.Min(RecordingRetentionDays, MaxRecordingRetentionDays);

    /// <summary>
    /// A provincial centre: a call to its number is routed by the caller's region to one of its city centres
    /// (<see cref="ReportsForCentres"/>), and answered here when the region is unknown or that centre is closed or unstaffed.
    /// </summary>
    [Id(70)] public bool IsProvincial { get; init; }
    /// <summary>Weekly opening hours in China time, one entry per day; empty means open around the clock. At least 18 h a day.</summary>
    [Id(71)] public ImmutableArray<OpeningHours> OpeningHours { get; init; } = [];
    /// <summary>
    /// Where a call is transferred (dialled by the provider) when it has waited past a queue's overflow threshold and the
    /// queue has no overflow target: the province's backup line. Null: the call keeps waiting here.
    /// </summary>
    [Id(72)] public string? BackupNumber { get; init; }
}

/// <summary>
/// One day's opening hours (China time): open from <see cref="Opens"/> on <see cref="Day"/> until <see cref="Closes"/>;
/// a closing time at or before the opening time is on the next day (equal: 24 hours).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.opening-hours")]
public sealed record OpeningHours(
    [property: Id(0)] DayOfWeek Day,
    [property: Id(1)] TimeOnly Opens,
    [property: Id(2)] TimeOnly Closes)
{
    /// <summary>How long the centre is open from this day's opening.</summary>
    public TimeSpan Length => Closes > Opens ? Closes - Opens : TimeSpan.FromHours(24) - (Opens - Closes);
}

/// <summary>A centre's prompts: text spoken by the provider, or audio URLs where set.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.centre-prompts")]
public sealed record CentrePrompts
{
    [Id(0)] public string Greeting { get; init; } = "您好，这里是12356心理援助热线。";
    [Id(1)] public string RecordingNotice { get; init; } = "为保证服务质量，您的通话将被录音。";
    [Id(2)] public string Menu { get; init; } = "如果您现在有危险，请按1。心理咨询与情绪疏导，请按2。青少年及家长，请按3。家庭与婚恋，请按4。";
    [Id(3)] public string InvalidChoice { get; init; } = "您的输入无效。";
    [Id(4)] public string PleaseHold { get; init; } = "正在为您转接咨询员，请稍候。";
    [Id(5)] public string CallbackOffer { get; init; } = "如需保留您的排队位置并由我们回电，请按1。";
    [Id(6)] public string CallbackConfirmed { get; init; } = "已为您保留位置，咨询员将尽快回电，您可以挂机了。";
    [Id(7)] public string? HoldMusicUrl { get; init; }
    [Id(8)] public string? SelfHelpAudioUrl { get; init; }
    [Id(9)] public string? GreetingAudioUrl { get; init; }
    [Id(10)] public string Voice { get; init; } = "Polly.Zhiyu";
    [Id(11)] public string Language { get; init; } = "cmn-CN";
    /// <summary>"您前面还有{0}位来电者，预计等待{1}分钟。"</summary>
    [Id(12)] public string PositionAnnouncement { get; init; } = "您前面还有{0}位来电者，预计等待约{1}分钟。";
    /// <summary>Said instead when the estimated wait is under a minute: "您前面还有{0}位来电者，预计等待不到一分钟。"</summary>
    [Id(13)] public string PositionAnnouncementUnderAMinute { get; init; } = "您前面还有{0}位来电者，预计等待不到一分钟。";
    /// <summary>The satisfaction question, asked after the counsellor leaves when the centre has the survey on.</summary>
    [Id(14)] public string SatisfactionQuestion { get; init; } = "请您为本次服务打分：非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。";
    [Id(15)] public string SatisfactionThanks { get; init; } = "感谢您的评价，再见。";
    /// <summary>What a blocked caller hears after a non-danger choice, before the call ends; it points to 110/120 and the danger option.</summary>
    [Id(30)] public string BlockedMessage { get; init; } = "您好，本热线暂时无法接听您的来电。如果您现在有危险，请重新拨打并按1，或拨打110、120。";
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
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] ImmutableArray<Alerts.CentreAlert> Alerts = default);

/// <summary>A shift supervisor (值班督导) of a centre.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.supervisor-entry")]
public sealed record SupervisorEntry([property: Id(0)] string SupervisorId, [property: Id(1)] string DisplayName);

[GenerateSerializer]
public enum DirectoryKind
{
    Police = 0,
    Ambulance = 1,
    Hospital = 2,
    Supervisor = 3,
    Other = 4,
}

/// <summary>A party a call can be conferenced with; <see cref="Number"/> is a dialable number or <c>client:&lt;staff id&gt;</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.directory-entry")]
public sealed record DirectoryEntry(
    [property: Id(0)] string EntryId,
    [property: Id(1)] string Label,
    [property: Id(2)] DirectoryKind Kind,
    [property: Id(3)] string Number);
