using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Reports;

/// <summary>A day's call counters for one centre (China Standard Time day), as the wallboard and handover show them.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.day-stats")]
public sealed record DayStats(
    [property: Id(0)] int Received,
    [property: Id(1)] int Answered,
    [property: Id(2)] int Abandoned,
    [property: Id(3)] int AnsweredWithin20Seconds,
    [property: Id(4)] double TotalWaitAnsweredSeconds,
    [property: Id(5)] int Handled,
    [property: Id(6)] double TotalHandleSeconds,
    [property: Id(7)] double LongestWaitSeconds,
    [property: Id(8)] int CrisisCalls)
{
    public static DayStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>接通率: answered over answered + abandoned (calls still waiting are not yet either).</summary>
    public double? AnswerRate => Answered + Abandoned == 0 ? null : (double)Answered / (Answered + Abandoned);

    /// <summary>Average speed of answer, seconds.</summary>
    public double? AverageSpeedOfAnswer => Answered == 0 ? null : TotalWaitAnsweredSeconds / Answered;

    /// <summary>Service level: share of answered-or-abandoned calls answered within 20 s.</summary>
    public double? ServiceLevel20 => Answered + Abandoned == 0 ? null : (double)AnsweredWithin20Seconds / (Answered + Abandoned);

    /// <summary>Average handle time (talk), seconds.</summary>
    public double? AverageHandleTime => Handled == 0 ? null : TotalHandleSeconds / Handled;
}

/// <summary>What happened, for the counters. Members are added at the end.</summary>
[GenerateSerializer]
public enum CallOutcome
{
    /// <summary>A call reached the centre (来电), counted on arrival, before the menu.</summary>
    Received = 0,
    /// <summary>A counsellor answered (a keep-place callback: the caller picked up); Seconds is the wait.</summary>
    Answered = 1,
    /// <summary>The caller left unanswered (呼损): in the queue, in the menu or after every callback dial; Seconds is the wait.</summary>
    Abandoned = 2,
    /// <summary>The conversation ended; Seconds is the talk time.</summary>
    Handled = 3,
    /// <summary>The caller hung up in the menu, before any queue (counted in <see cref="Abandoned"/> too).</summary>
    AbandonedInIvr = 4,
    CallbackRequested = 5,
    /// <summary>A keep-place callback reached the caller.</summary>
    CallbackDone = 6,
    /// <summary>Where the number is registered against the centre's region; Label: <c>local</c>, <c>out-of-area</c>, <c>unknown</c>.</summary>
    CallerOrigin = 7,
    /// <summary>The call became a crisis call (the menu's danger option, the crisis button, a case from the assessment).</summary>
    CrisisCall = 8,
    /// <summary>A counsellor's part of the record was submitted.</summary>
    RecordSubmitted = 9,
    /// <summary>A problem category of the call's record; Label: the category.</summary>
    Category = 10,
    /// <summary>Label: an age band code.</summary>
    AgeBand = 11,
    /// <summary>Label: a gender code.</summary>
    Gender = 12,
    /// <summary>The record's risk level; Label: a <c>RiskLevel</c> name.</summary>
    Risk = 13,
    /// <summary>A call assessed high or imminent (高危来电).</summary>
    HighRisk = 14,
    /// <summary>Label: <c>first</c> or <c>repeat</c>.</summary>
    CallerHistory = 15,
    /// <summary>Label: a referral code.</summary>
    Referral = 16,
    /// <summary>A crisis case opened (危机干预).</summary>
    CrisisCase = 17,
    /// <summary>A crisis action was carried out; Label: its <c>ActionKind</c> name.</summary>
    Escalation = 18,
    /// <summary>A follow-up fell due (counted in the hour of its due time).</summary>
    FollowUpDue = 19,
    /// <summary>A follow-up reached the caller.</summary>
    FollowUpDone = 20,
    /// <summary>A follow-up went past its grace unfinished.</summary>
    FollowUpOverdue = 21,
    /// <summary>The caller rated the service; Seconds holds the rating (1–5).</summary>
    Satisfaction = 22,
    /// <summary>A third-party caller (代他人求助).</summary>
    ThirdParty = 23,
}

/// <summary>One counted event; the key makes a repeated report count once.</summary>
/// <param name="Seconds">A wait or talk time, or the rating of <see cref="CallOutcome.Satisfaction"/>.</param>
/// <param name="Label">What a labelled outcome counts (a category, an age band, a risk level …).</param>
/// <param name="At">When it counts: the call's arrival for what belongs to a call, else when it happened (China-time hour).</param>
[GenerateSerializer, Immutable]
[Alias("hotline.stats-event")]
public sealed record StatsEvent(
    [property: Id(0)] string Key,
    [property: Id(1)] CallOutcome Outcome,
    [property: Id(2)] double Seconds,
    [property: Id(3)] bool IsCrisis,
    [property: Id(4)] string? Label = null,
    [property: Id(5)] DateTimeOffset? At = null);

/// <summary>
/// Every figure of the provincial monthly form and the contact-centre KPIs, for one hour, one day or any sum of them.
/// Sums are exact: every count and total adds, the longest wait is the maximum.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.stats-figures")]
public sealed record StatsFigures
{
    public static StatsFigures Empty { get; } = new();

    [Id(0)] public int Received { get; init; }
    [Id(1)] public int Answered { get; init; }
    /// <summary>呼损: queue, menu and failed callbacks together.</summary>
    [Id(2)] public int Abandoned { get; init; }
    [Id(3)] public int AbandonedInIvr { get; init; }
    [Id(4)] public int AnsweredWithin20Seconds { get; init; }
    [Id(5)] public double TotalWaitAnsweredSeconds { get; init; }
    [Id(6)] public double TotalWaitAbandonedSeconds { get; init; }
    [Id(7)] public double LongestWaitSeconds { get; init; }
    [Id(8)] public int Handled { get; init; }
    [Id(9)] public double TotalHandleSeconds { get; init; }
    [Id(10)] public int CallbacksRequested { get; init; }
    [Id(11)] public int CallbacksDone { get; init; }
    [Id(12)] public int LocalCallers { get; init; }
    [Id(13)] public int OutOfAreaCallers { get; init; }
    [Id(14)] public int UnknownOriginCallers { get; init; }
    [Id(15)] public int CrisisCalls { get; init; }
    [Id(16)] public int HighRiskCalls { get; init; }
    [Id(17)] public int FirstTimeCallers { get; init; }
    [Id(18)] public int RepeatCallers { get; init; }
    [Id(19)] public int CrisisCases { get; init; }
    [Id(20)] public int FollowUpsDue { get; init; }
    [Id(21)] public int FollowUpsDone { get; init; }
    [Id(22)] public int FollowUpsOverdue { get; init; }
    [Id(23)] public int SatisfactionResponses { get; init; }
    [Id(24)] public int SatisfactionTotal { get; init; }
    /// <summary>Ratings of 4 or 5.</summary>
    [Id(25)] public int SatisfiedResponses { get; init; }
    [Id(26)] public int RecordsSubmitted { get; init; }
    [Id(27)] public int ThirdPartyCalls { get; init; }
    [Id(28)] public ImmutableSortedDictionary<string, int> Categories { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    [Id(29)] public ImmutableSortedDictionary<string, int> AgeBands { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    [Id(30)] public ImmutableSortedDictionary<string, int> Genders { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    [Id(31)] public ImmutableSortedDictionary<string, int> RiskLevels { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    [Id(32)] public ImmutableSortedDictionary<string, int> Escalations { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    [Id(33)] public ImmutableSortedDictionary<string, int> Referrals { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    /// <summary>Ratings by value, "1" to "5".</summary>
    [Id(34)] public ImmutableSortedDictionary<string, int> Ratings { get; init; } = ImmutableSortedDictionary<string, int>.Empty;

    /// <summary>接通率 of the provincial form: answered over received.</summary>
    public double? AnswerRate => Received == 0 ? null : (double)Answered / Received;

    /// <summary>Abandonment rate: abandoned over received.</summary>
    public double? AbandonRate => Received == 0 ? null : (double)Abandoned / Received;

    /// <summary>Average speed of answer, seconds.</summary>
    public double? AverageSpeedOfAnswer => Answered == 0 ? null : TotalWaitAnsweredSeconds / Answered;

    /// <summary>Service level: share of answered-or-abandoned calls answered within 20 s.</summary>
    public double? ServiceLevel20 => Answered + Abandoned == 0 ? null : (double)AnsweredWithin20Seconds / (Answered + Abandoned);

    /// <summary>Average handle time (talk), seconds.</summary>
    public double? AverageHandleTime => Handled == 0 ? null : TotalHandleSeconds / Handled;

    /// <summary>Average wait of abandoned calls, seconds.</summary>
    public double? AverageAbandonWait => Abandoned == 0 ? null : TotalWaitAbandonedSeconds / Abandoned;

    public double? AverageRating => SatisfactionResponses == 0 ? null : (double)SatisfactionTotal / SatisfactionResponses;

    /// <summary>Share of ratings of 4 or more.</summary>
    public double? SatisfiedShare => SatisfactionResponses == 0 ? null : (double)SatisfiedResponses / SatisfactionResponses;

    public int CountOf(ImmutableSortedDictionary<string, int> counts, string label) => counts.GetValueOrDefault(label);

    /// <summary>The two periods together (a day of hours, a month of days).</summary>
    public StatsFigures Plus(StatsFigures o) => new()
    {
        Received = Received + o.Received,
        Answered = Answered + o.Answered,
        Abandoned = Abandoned + o.Abandoned,
        AbandonedInIvr = AbandonedInIvr + o.AbandonedInIvr,
        AnsweredWithin20Seconds = AnsweredWithin20Seconds + o.AnsweredWithin20Seconds,
        TotalWaitAnsweredSeconds = TotalWaitAnsweredSeconds + o.TotalWaitAnsweredSeconds,
        TotalWaitAbandonedSeconds = TotalWaitAbandonedSeconds + o.TotalWaitAbandonedSeconds,
        LongestWaitSeconds = Math.Max(LongestWaitSeconds, o.LongestWaitSeconds),
        Handled = Handled + o.Handled,
        TotalHandleSeconds = TotalHandleSeconds + o.TotalHandleSeconds,
        CallbacksRequested = CallbacksRequested + o.CallbacksRequested,
        CallbacksDone = CallbacksDone + o.CallbacksDone,
        LocalCallers = LocalCallers + o.LocalCallers,
        OutOfAreaCallers = OutOfAreaCallers + o.OutOfAreaCallers,
        UnknownOriginCallers = UnknownOriginCallers + o.UnknownOriginCallers,
        CrisisCalls = CrisisCalls + o.CrisisCalls,
        HighRiskCalls = HighRiskCalls + o.HighRiskCalls,
        FirstTimeCallers = FirstTimeCallers + o.FirstTimeCallers,
        RepeatCallers = RepeatCallers + o.RepeatCallers,
        CrisisCases = CrisisCases + o.CrisisCases,
        FollowUpsDue = FollowUpsDue + o.FollowUpsDue,
        FollowUpsDone = FollowUpsDone + o.FollowUpsDone,
        FollowUpsOverdue = FollowUpsOverdue + o.FollowUpsOverdue,
        SatisfactionResponses = SatisfactionResponses + o.SatisfactionResponses,
        SatisfactionTotal = SatisfactionTotal + o.SatisfactionTotal,
        SatisfiedResponses = SatisfiedResponses + o.SatisfiedResponses,
        RecordsSubmitted = RecordsSubmitted + o.RecordsSubmitted,
        ThirdPartyCalls = ThirdPartyCalls + o.ThirdPartyCalls,
        Categories = Merge(Categories, o.Categories),
        AgeBands = Merge(AgeBands, o.AgeBands),
        Genders = Merge(Genders, o.Genders),
        RiskLevels = Merge(RiskLevels, o.RiskLevels),
        Escalations = Merge(Escalations, o.Escalations),
        Referrals = Merge(Referrals, o.Referrals),
        Ratings = Merge(Ratings, o.Ratings),
    };

    public static StatsFigures Sum(IEnumerable<StatsFigures> figures) => figures.Aggregate(Empty, (a, b) => a.Plus(b));

    /// <summary>The wallboard's day counters.</summary>
    public DayStats ToDayStats() => new(Received, Answered, Abandoned, AnsweredWithin20Seconds, TotalWaitAnsweredSeconds, Handled, TotalHandleSeconds, LongestWaitSeconds, CrisisCalls);

    /// <summary>Counters a day counted before the statistics had hours (they know no categories or hours).</summary>
    public static StatsFigures FromDayStats(DayStats d) => new()
    {
        Received = d.Received, Answered = d.Answered, Abandoned = d.Abandoned, AnsweredWithin20Seconds = d.AnsweredWithin20Seconds,
        TotalWaitAnsweredSeconds = d.TotalWaitAnsweredSeconds, Handled = d.Handled, TotalHandleSeconds = d.TotalHandleSeconds,
        LongestWaitSeconds = d.LongestWaitSeconds, CrisisCalls = d.CrisisCalls,
    };

    private static ImmutableSortedDictionary<string, int> Merge(ImmutableSortedDictionary<string, int> a, ImmutableSortedDictionary<string, int> b)
    {
        if (b.IsEmpty)
        {
            return a;
        }

        var builder = a.ToBuilder();
        foreach (var (label, count) in b)
        {
            builder[label] = builder.GetValueOrDefault(label) + count;
        }

        return builder.ToImmutable();
    }
}

/// <summary>A day's figures and, beside them, each of its 24 China-time hours (index = hour of day).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.day-figures")]
public sealed record DayFigures(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] StatsFigures Total,
    [property: Id(2)] ImmutableArray<StatsFigures> Hours);

/// <summary>
/// Counters of one centre for one China-time hour; key <c>centre/yyyy-MM-dd/HH</c>. Fed one-way once per event, each
/// event counted once by its key; every change is handed to the day grain with the hour's version.
/// </summary>
[Alias("hotline.hour-stats")]
public interface IHourStatsGrain : IGrainWithStringKey
{
    [Alias("record"), OneWay]
    Task RecordAsync(StatsEvent statsEvent);

    [Alias("get"), ReadOnly]
    Task<StatsFigures> GetAsync();
}

/// <summary>
/// Counters of one centre for one China-time day; key <c>centre/yyyy-MM-dd</c>. Holds its hours' latest figures (each
/// hour grain hands them over with a version, so a repeated or late hand-over changes nothing); month = sum of days.
/// </summary>
[Alias("hotline.stats")]
public interface IStatsGrain : IGrainWithStringKey
{
    /// <summary>Counts an event in its hour (the event's <c>At</c>, else the day's first hour).</summary>
    [Alias("record"), OneWay]
    Task RecordAsync(StatsEvent statsEvent);

    /// <summary>The day's call counters for the wallboard.</summary>
    [Alias("get"), ReadOnly]
    Task<DayStats> GetAsync();

    /// <summary>Every figure of the day, and of each hour.</summary>
    [Alias("get-figures"), ReadOnly]
    Task<DayFigures> GetFiguresAsync();

    /// <summary>An hour's figures changed (from its hour grain); applied only when <paramref name="version"/> is newer.</summary>
    [Alias("hour-changed")]
    Task HourChangedAsync(int hour, long version, StatsFigures figures);
}
