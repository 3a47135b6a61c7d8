namespace HotlineCenter.Abstractions.Reports;

/// <summary>A day's counters for one centre (China Standard Time day), fed by call events, never by scans.</summary>
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

/// <summary>What happened to a call, for the counters.</summary>
[GenerateSerializer]
public enum CallOutcome
{
    Received = 0,
    Answered = 1,
    Abandoned = 2,
    Handled = 3,
}

/// <summary>One counted event; the key makes a repeated report count once.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.stats-event")]
public sealed record StatsEvent(
    [property: Id(0)] string Key,
    [property: Id(1)] CallOutcome Outcome,
    [property: Id(2)] double Seconds,
    [property: Id(3)] bool IsCrisis);

/// <summary>Counters of one centre for one day; key <c>centre/yyyy-MM-dd</c>.</summary>
[Alias("hotline.stats")]
public interface IStatsGrain : IGrainWithStringKey
{
    [Alias("record"), OneWay]
    Task RecordAsync(StatsEvent statsEvent);

    [Alias("get"), ReadOnly]
    Task<DayStats> GetAsync();
}
