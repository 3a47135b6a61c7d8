using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Reports;

/// <summary>
/// Yesterday's report as produced on schedule: the day's figures frozen the morning after, with what the provincial form
/// says about the centre. Downloads render it; events that arrive later change the live reports, not this one.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.daily-report")]
public sealed record DailyReport(
    [property: Id(0)] string CentreId,
    [property: Id(1)] string CentreName,
    [property: Id(2)] string? Province,
    [property: Id(3)] DateOnly Day,
    [property: Id(4)] DayFigures Figures,
    [property: Id(5)] int Seats,
    [property: Id(6)] int ServiceHoursPerDay,
    [property: Id(7)] DateTimeOffset ProducedAt);

/// <summary>One centre's daily report of one day; key <c>centre/yyyy-MM-dd</c>. Kept as first produced.</summary>
[Alias("hotline.daily-report-file")]
public interface IDailyReportGrain : IGrainWithStringKey
{
    /// <summary>Keeps the report unless one is kept already (a repeated production changes nothing).</summary>
    [Alias("keep")]
    Task<DailyReport> KeepAsync(DailyReport report);

    /// <summary>The kept report, or null when none was produced for that day.</summary>
    [Alias("get"), ReadOnly]
    Task<DailyReport?> GetAsync();
}

/// <summary>
/// A centre's daily-report schedule (key: centre id): an Orleans reminder wakes it every hour; from 00:30 China time it
/// produces yesterday's report (and any day a downtime skipped, up to a week back) and keeps the list for download.
/// </summary>
[Alias("hotline.daily-reports")]
public interface IDailyReportsGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder (idempotent); the host calls it for every centre at start-up.</summary>
    [Alias("ensure-scheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Produces every report that is due on the domain clock (what the reminder does); answers the days produced now.</summary>
    [Alias("produce-due")]
    Task<ImmutableArray<DateOnly>> ProduceDueAsync();

    /// <summary>The days whose report is kept, newest first.</summary>
    [Alias("list"), ReadOnly]
    Task<ImmutableArray<DateOnly>> ListAsync();
}
