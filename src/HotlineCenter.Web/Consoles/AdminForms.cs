using System.Collections.Immutable;
using System.Globalization;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Rosters;

namespace HotlineCenter.Web.Consoles;

// Editable copies of the configuration records for the admin forms. Each turns back into its record on save;
// the grains validate what arrives, so a form never stores a half-valid configuration.

public sealed class QueueForm
{
    public string QueueId { get; set; } = string.Empty;
    public string DisplayName { get; set; } = string.Empty;
    public double AgingPointsPerSecond { get; set; } = 0.1;
    public string? RequiredSkill { get; set; }
    public int MinSkillLevel { get; set; } = 1;
    public int WidenedMinSkillLevel { get; set; } = 1;
    public int SkillWideningAfterSeconds { get; set; } = 30;
    public int LanguageWideningAfterSeconds { get; set; } = 45;
    public int RingTimeoutSeconds { get; set; } = 20;
    public int WrapUpSeconds { get; set; } = 120;
    public int OverflowAfterSeconds { get; set; } = 60;
    public int CrisisOverflowAfterSeconds { get; set; } = 30;
    public string? OverflowTargetQueueKey { get; set; }
    public int LongWaitAlertSeconds { get; set; } = 60;
    public int RetryAfterMissSeconds { get; set; } = 30;

    /// <summary>The queue as stored: fields the form does not edit are kept as they are on save.</summary>
    public QueueConfig? Original { get; set; }

    public static QueueForm From(QueueConfig q) => new()
    {
        Original = q, LongWaitAlertSeconds = q.LongWaitAlertSeconds, RetryAfterMissSeconds = q.RetryAfterMissSeconds,
        QueueId = q.QueueId, DisplayName = q.DisplayName, AgingPointsPerSecond = q.AgingPointsPerSecond, RequiredSkill = q.RequiredSkill,
        MinSkillLevel = q.MinSkillLevel, WidenedMinSkillLevel = q.WidenedMinSkillLevel, SkillWideningAfterSeconds = q.SkillWideningAfterSeconds,
        LanguageWideningAfterSeconds = q.LanguageWideningAfterSeconds, RingTimeoutSeconds = q.RingTimeoutSeconds, WrapUpSeconds = q.WrapUpSeconds,
        OverflowAfterSeconds = q.OverflowAfterSeconds, CrisisOverflowAfterSeconds = q.CrisisOverflowAfterSeconds, OverflowTargetQueueKey = q.OverflowTargetQueueKey,
    };

    public QueueConfig ToConfig() => (Original ?? new QueueConfig { QueueId = QueueId.Trim(), DisplayName = DisplayName.Trim() }) with
    {
        LongWaitAlertSeconds = LongWaitAlertSeconds, RetryAfterMissSeconds = RetryAfterMissSeconds,
        QueueId = QueueId.Trim(), DisplayName = DisplayName.Trim(), AgingPointsPerSecond = AgingPointsPerSecond, RequiredSkill = Blank(RequiredSkill),
        MinSkillLevel = MinSkillLevel, WidenedMinSkillLevel = WidenedMinSkillLevel, SkillWideningAfterSeconds = SkillWideningAfterSeconds,
        LanguageWideningAfterSeconds = LanguageWideningAfterSeconds, RingTimeoutSeconds = RingTimeoutSeconds, WrapUpSeconds = WrapUpSeconds,
        OverflowAfterSeconds = OverflowAfterSeconds, CrisisOverflowAfterSeconds = CrisisOverflowAfterSeconds, OverflowTargetQueueKey = Blank(OverflowTargetQueueKey),
    };

    internal static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed class IvrForm
{
    public string Digits { get; set; } = string.Empty;
    public string Label { get; set; } = string.Empty;
    public string QueueId { get; set; } = string.Empty;
    public bool IsCrisis { get; set; }
    public int BasePriority { get; set; } = 10;
    public string? RequiredSkill { get; set; }
    public string? Language { get; set; }

    public static IvrForm From(IvrOption o) => new()
    {
        Digits = o.Digits, Label = o.Label, QueueId = o.QueueId, IsCrisis = o.IsCrisis, BasePriority = o.BasePriority, RequiredSkill = o.RequiredSkill, Language = o.Language,
    };

    public IvrOption ToOption() => new(Digits.Trim(), Label.Trim(), QueueId, IsCrisis, BasePriority, QueueForm.Blank(RequiredSkill), QueueForm.Blank(Language));
}

public sealed class DirectoryForm
{
    public string EntryId { get; set; } = string.Empty;
    public string Label { get; set; } = string.Empty;
    public DirectoryKind Kind { get; set; } = DirectoryKind.Other;
    public string Number { get; set; } = string.Empty;

    public static DirectoryForm From(DirectoryEntry d) => new() { EntryId = d.EntryId, Label = d.Label, Kind = d.Kind, Number = d.Number };

    public DirectoryEntry ToEntry() => new(EntryId.Trim(), Label.Trim(), Kind, Number.Trim());
}

/// <summary>The centre's own settings and prompts, with its queues, menu and directory.</summary>
public sealed class CentreForm
{
    public required CentreConfig Original { get; init; }
    public string DisplayName { get; set; } = string.Empty;
    public string DefaultQueueId { get; set; } = string.Empty;
    public int DefaultPriority { get; set; }
    public int MaxMenuAttempts { get; set; }
    public bool RecordCalls { get; set; }
    public int CallbackOfferAfterSeconds { get; set; }
    public int AnnounceIntervalSeconds { get; set; }
    public string Greeting { get; set; } = string.Empty;
    public string RecordingNotice { get; set; } = string.Empty;
    public string Menu { get; set; } = string.Empty;
    public string InvalidChoice { get; set; } = string.Empty;
    public string PleaseHold { get; set; } = string.Empty;
    public string CallbackOffer { get; set; } = string.Empty;
    public string CallbackConfirmed { get; set; } = string.Empty;
    public string PositionAnnouncement { get; set; } = string.Empty;
    public string BlockedMessage { get; set; } = string.Empty;
    public string? GreetingAudioUrl { get; set; }
    public string? HoldMusicUrl { get; set; }
    public string? SelfHelpAudioUrl { get; set; }
    public int HighRiskCallerPriorityBoost { get; set; } = 50;
    public int DecompressionMinutes { get; set; } = CentreConfig.DefaultDecompressionMinutes;
    public int HighRiskCallsPerShift { get; set; }
    public int RecordSubmitWithinMinutes { get; set; }
    public int FollowUpAttemptsBeforeEscalation { get; set; }
    public int FollowUpOverdueGraceMinutes { get; set; }
    public int CallbackAttempts { get; set; }
    public int CallbackRetrySeconds { get; set; }
    /// <summary>Minutes a break-glass grant to see a caller's full number lasts (1–60).</summary>
    public int UnmaskGrantMinutes { get; set; } = CentreConfig.DefaultUnmaskGrantMinutes;
    /// <summary>The centre's region (local callers) and what the reports say about it.</summary>
    public string? Province { get; set; }
    public string? City { get; set; }
    public bool SatisfactionSurvey { get; set; }
    public string SatisfactionQuestion { get; set; } = string.Empty;
    public int ServiceHoursPerDay { get; set; } = 24;
    /// <summary>Years records, cases and follow-ups are kept (3–10), and days recordings are kept.</summary>
    public int RecordRetentionYears { get; set; } = CentreConfig.DefaultRecordRetentionYears;
    public int RecordingRetentionDays { get; set; } = CentreConfig.DefaultRecordingRetentionDays;
    /// <summary>Centre ids, comma-separated, whose reports this centre's staff read (a provincial centre's city centres).</summary>
    public string ReportsForCentres { get; set; } = string.Empty;
    public List<QueueForm> Queues { get; set; } = [];
    public List<IvrForm> Ivr { get; set; } = [];
    public List<DirectoryForm> Directory { get; set; } = [];

    public static CentreForm From(CentreConfig c) => new()
    {
        Original = c, HighRiskCallerPriorityBoost = c.HighRiskCallerPriorityBoost, DisplayName = c.DisplayName, DefaultQueueId = c.DefaultQueueId, DefaultPriority = c.DefaultPriority, MaxMenuAttempts = c.MaxMenuAttempts,
        RecordCalls = c.RecordCalls, CallbackOfferAfterSeconds = c.CallbackOfferAfterSeconds, AnnounceIntervalSeconds = c.AnnounceIntervalSeconds,
        Greeting = c.Prompts.Greeting, RecordingNotice = c.Prompts.RecordingNotice, Menu = c.Prompts.Menu, InvalidChoice = c.Prompts.InvalidChoice,
        PleaseHold = c.Prompts.PleaseHold, CallbackOffer = c.Prompts.CallbackOffer, CallbackConfirmed = c.Prompts.CallbackConfirmed,
        PositionAnnouncement = c.Prompts.PositionAnnouncement, BlockedMessage = c.Prompts.BlockedMessage, GreetingAudioUrl = c.Prompts.GreetingAudioUrl, HoldMusicUrl = c.Prompts.HoldMusicUrl,
        SelfHelpAudioUrl = c.Prompts.SelfHelpAudioUrl,
        DecompressionMinutes = c.DecompressionMinutes, HighRiskCallsPerShift = c.HighRiskCallsPerShift, RecordSubmitWithinMinutes = c.RecordSubmitWithinMinutes,
        FollowUpAttemptsBeforeEscalation = c.FollowUpAttemptsBeforeEscalation, FollowUpOverdueGraceMinutes = c.FollowUpOverdueGraceMinutes,
        CallbackAttempts = c.CallbackAttempts, CallbackRetrySeconds = c.CallbackRetrySeconds,
        Province = c.Province, City = c.City, SatisfactionSurvey = c.SatisfactionSurvey, SatisfactionQuestion = c.Prompts.SatisfactionQuestion,
        ServiceHoursPerDay = c.ReportedServiceHours,
        RecordRetentionYears = c.EffectiveRecordRetentionYears, RecordingRetentionDays = c.EffectiveRecordingRetentionDays,
        ReportsForCentres = string.Join(", ", c.ReportsForCentres.IsDefault ? [] : c.ReportsForCentres),
        Queues = [.. c.Queues.Select(QueueForm.From)],
        Ivr = [.. c.IvrOptions.Select(IvrForm.From)],
        Directory = [.. (c.Directory.IsDefault ? [] : c.Directory).Select(DirectoryForm.From)],
        UnmaskGrantMinutes = c.EffectiveUnmaskGrantMinutes,
    };

    public CentreConfig ToConfig() => Original with
    {
        HighRiskCallerPriorityBoost = HighRiskCallerPriorityBoost,
        DecompressionMinutes = DecompressionMinutes, HighRiskCallsPerShift = HighRiskCallsPerShift, RecordSubmitWithinMinutes = RecordSubmitWithinMinutes,
        FollowUpAttemptsBeforeEscalation = FollowUpAttemptsBeforeEscalation, FollowUpOverdueGraceMinutes = FollowUpOverdueGraceMinutes,
        CallbackAttempts = CallbackAttempts, CallbackRetrySeconds = CallbackRetrySeconds,
        RecordRetentionYears = RecordRetentionYears, RecordingRetentionDays = RecordingRetentionDays,
        DisplayName = DisplayName.Trim(), DefaultQueueId = DefaultQueueId, DefaultPriority = DefaultPriority, MaxMenuAttempts = MaxMenuAttempts,
        RecordCalls = RecordCalls, CallbackOfferAfterSeconds = CallbackOfferAfterSeconds, AnnounceIntervalSeconds = AnnounceIntervalSeconds,
        Prompts = Original.Prompts with
        {
            Greeting = Greeting, RecordingNotice = RecordingNotice, Menu = Menu, InvalidChoice = InvalidChoice, PleaseHold = PleaseHold,
            CallbackOffer = CallbackOffer, CallbackConfirmed = CallbackConfirmed, PositionAnnouncement = PositionAnnouncement, BlockedMessage = BlockedMessage,
            GreetingAudioUrl = QueueForm.Blank(GreetingAudioUrl), HoldMusicUrl = QueueForm.Blank(HoldMusicUrl), SelfHelpAudioUrl = QueueForm.Blank(SelfHelpAudioUrl),
            SatisfactionQuestion = string.IsNullOrWhiteSpace(SatisfactionQuestion) ? Original.Prompts.SatisfactionQuestion : SatisfactionQuestion.Trim(),
        },
        Province = QueueForm.Blank(Province), City = QueueForm.Blank(City), SatisfactionSurvey = SatisfactionSurvey, ServiceHoursPerDay = ServiceHoursPerDay,
        ReportsForCentres = [.. ReportsForCentres.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        Queues = [.. Queues.Select(q => q.ToConfig())],
        IvrOptions = [.. Ivr.Select(o => o.ToOption())],
        Directory = [.. Directory.Select(d => d.ToEntry())],
        UnmaskGrantMinutes = UnmaskGrantMinutes,
    };
}

/// <summary>A counsellor's profile; skills are typed as "general:5, youth:3".</summary>
public sealed class CounselorForm
{
    public string CounselorId { get; set; } = string.Empty;
    public bool IsNew { get; set; }
    public string DisplayName { get; set; } = string.Empty;
    public string Skills { get; set; } = string.Empty;
    public string Languages { get; set; } = "cmn";
    public IReadOnlyCollection<string> QueueIds { get; set; } = [];
    public DeviceKind Device { get; set; } = DeviceKind.Browser;
    public string? PhoneNumber { get; set; }

    public static CounselorForm From(string id, CounselorProfile p) => new()
    {
        CounselorId = id, DisplayName = p.DisplayName,
        Skills = string.Join(", ", p.Skills.Select(s => $"{s.Skill}:{s.Level.ToString(CultureInfo.InvariantCulture)}")),
        Languages = string.Join(", ", p.Languages), QueueIds = [.. p.QueueIds],
        Device = p.Device?.Kind ?? DeviceKind.Browser, PhoneNumber = p.Device?.PhoneNumber,
    };

    /// <summary>The profile, or the problems that keep the typed text from becoming one.</summary>
    public (CounselorProfile? Profile, IReadOnlyList<string> Problems) ToProfile(string centreId)
    {
        var problems = new List<string>();
        var skills = ImmutableArray.CreateBuilder<SkillLevel>();
        foreach (var part in Split(Skills))
        {
            var pieces = part.Split(':', 2);
            if (pieces.Length != 2 || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var level))
            {
                problems.Add($"skill '{part}' must be written as name:level, e.g. youth:3");
                continue;
            }

            skills.Add(new SkillLevel(pieces[0].Trim(), level));
        }

        if (Device == DeviceKind.Phone && string.IsNullOrWhiteSpace(PhoneNumber))
        {
            problems.Add("a counsellor answering on a phone needs its number");
        }

        var device = new AnswerDevice(Device, Device == DeviceKind.Phone ? PhoneNumber?.Trim() : null);
        return problems.Count > 0
            ? (null, problems)
            : (new CounselorProfile(centreId, DisplayName.Trim(), skills.ToImmutable(), [.. Split(Languages)], [.. QueueIds], device), problems);
    }

    private static IEnumerable<string> Split(string? text) =>
        (text ?? string.Empty).Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class ShiftForm
{
    public string ShiftId { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Start { get; set; } = "08:00";
    public string End { get; set; } = "16:00";
    public IReadOnlyCollection<DayOfWeek> Days { get; set; } = [];
    public IReadOnlyCollection<string> CounselorIds { get; set; } = [];
    public IReadOnlyCollection<string> SupervisorIds { get; set; } = [];

    public static ShiftForm From(ShiftDefinition s) => new()
    {
        ShiftId = s.ShiftId, Name = s.Name, Start = s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), End = s.End.ToString("HH:mm", CultureInfo.InvariantCulture),
        Days = [.. s.Days], CounselorIds = [.. s.CounselorIds], SupervisorIds = [.. s.SupervisorIds],
    };

    public (ShiftDefinition? Shift, string? Problem) ToShift()
    {
        if (!TimeOnly.TryParseExact(Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(End, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            return (null, $"shift '{ShiftId}': start and end are times like 08:00");
        }

        return (new ShiftDefinition(ShiftId.Trim(), Name, start, end, [.. Days.Order()], [.. CounselorIds], [.. SupervisorIds]), null);
    }
}

public sealed class AccountForm
{
    public string Username { get; set; } = string.Empty;
    public bool IsNew { get; set; }
    public string DisplayName { get; set; } = string.Empty;
    public IReadOnlyCollection<StaffRole> Roles { get; set; } = [];
    public string? CounselorId { get; set; }
    public bool Disabled { get; set; }
    public string? Password { get; set; }

    public static AccountForm From(UserAccountView a) => new()
    {
        Username = a.Username, DisplayName = a.DisplayName, Roles = [.. a.Roles], CounselorId = a.CounselorId, Disabled = a.Disabled,
    };

    public AccountUpdate ToUpdate() => new(DisplayName, [.. Roles], QueueForm.Blank(CounselorId), Disabled);
}
