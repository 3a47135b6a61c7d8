using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Reports;

[GenerateSerializer]
[Alias("hotline.daily-report-state")]
public sealed class DailyReportState
{
    [Id(0)] public DailyReport? Report { get; set; }
}

/// <summary>One kept daily report; the first production wins, so the file a supervisor downloads never changes.</summary>
public sealed class DailyReportGrain([PersistentState("daily-report", StorageNames.Hotline)] IPersistentState<DailyReportState> state) : Grain, IDailyReportGrain
{
    public async Task<DailyReport> KeepAsync(DailyReport report)
    {
        if (state.State.Report is { } kept)
        {
            return kept;
        }

        if (StatsCounter.DayKey(report.CentreId, report.Day) != this.GetPrimaryKeyString())
        {
            throw new HotlineRuleException("report.wrong-day", "A daily report is kept under its own centre and day.");
        }

        state.State.Report = report;
        await state.WriteStateAsync();
        return report;
    }

    public Task<DailyReport?> GetAsync() => Task.FromResult(state.State.Report);
}

[GenerateSerializer]
[Alias("hotline.daily-reports-state")]
public sealed class DailyReportsState
{
    [Id(0)] public DateOnly? LastProduced { get; set; }
    /// <summary>Days with a kept report, newest first (a year and a bit).</summary>
    [Id(1)] public List<DateOnly> Days { get; set; } = [];
    /// <summary>The China day the schedule began: no report is made for a day before it.</summary>
    [Id(2)] public DateOnly? FirstDay { get; set; }
}

/// <summary>
/// Produces a centre's daily report for yesterday from 00:30 China time (on the domain clock), woken hourly by a reminder
/// so it runs after restarts; a day skipped while the service was down is produced on the next wake, up to a week back.
/// Awaits the centre (config, roster), the day's statistics grain and the report grain; nothing awaits it back.
/// </summary>
public sealed class DailyReportsGrain(
    [PersistentState("daily-reports", StorageNames.Hotline)] IPersistentState<DailyReportsState> state,
    HotlineTime time,
    ILogger<DailyReportsGrain> logger) : Grain, IDailyReportsGrain, IRemindable
{
    public const string Reminder = "daily-report";
    public static readonly TimeSpan ProduceAfterMidnight = TimeSpan.FromMinutes(30);
    private const int CatchUpDays = 7;
    private const int DaysKept = 400;

    private string CentreId => this.GetPrimaryKeyString();

    public async Task EnsureScheduledAsync()
    {
        Keys.RequireId(CentreId, "centre");
        if (state.State.FirstDay is null)
        {
            state.State.FirstDay = ChinaTime.DayOf(time.Now);
            await state.WriteStateAsync();
        }

        if (await this.GetReminder(Reminder) is null)
        {
            await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await ProduceDueAsync();

    public async Task<ImmutableArray<DateOnly>> ProduceDueAsync()
    {
        var config = await GrainFactory.GetGrain<ICentreGrain>(CentreId).GetConfigAsync();
        if (config is null)
        {
            return [];
        }

        var produced = new List<DateOnly>();
        foreach (var day in ReportSchedule.DueDays(state.State.LastProduced, state.State.FirstDay, time.Now, CatchUpDays))
        {
            var figures = await GrainFactory.GetGrain<IStatsGrain>(StatsCounter.DayKey(CentreId, day)).GetFiguresAsync();
            var seats = (await GrainFactory.GetGrain<ICentreGrain>(CentreId).GetRosterAsync()).Length;
            await GrainFactory.GetGrain<IDailyReportGrain>(StatsCounter.DayKey(CentreId, day)).KeepAsync(
                new DailyReport(CentreId, config.DisplayName, config.Province, day, figures, seats, config.ReportedServiceHours, time.Now));
            state.State.LastProduced = day;
            state.State.Days.Remove(day);
            state.State.Days.Insert(0, day);
            produced.Add(day);
        }

        if (produced.Count > 0)
        {
            if (state.State.Days.Count > DaysKept)
            {
                state.State.Days.RemoveRange(DaysKept, state.State.Days.Count - DaysKept);
            }

            await state.WriteStateAsync();
            logger.LogInformation("Daily report of centre {CentreId} produced for {Days}", CentreId, string.Join(", ", produced.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        }

        return [.. produced];
    }

    public Task<ImmutableArray<DateOnly>> ListAsync() => Task.FromResult(state.State.Days.ToImmutableArray());
}

/// <summary>Which days' reports are due, as plain code.</summary>
public static class ReportSchedule
{
    /// <summary>
    /// Days after <paramref name="lastProduced"/> (else from <paramref name="firstDay"/>, the day the schedule began) up to
    /// yesterday whose report is due at <paramref name="now"/> (a day is due from 00:30 China time the next morning), oldest
    /// first, at most <paramref name="catchUpDays"/> back.
    /// </summary>
    public static IEnumerable<DateOnly> DueDays(DateOnly? lastProduced, DateOnly? firstDay, DateTimeOffset now, int catchUpDays)
    {
        var latest = ChinaTime.DayOf(now - DailyReportsGrain.ProduceAfterMidnight).AddDays(-1);
        var first = lastProduced is { } last ? last.AddDays(1) : firstDay ?? latest;
        if (first < latest.AddDays(1 - catchUpDays))
        {
            first = latest.AddDays(1 - catchUpDays);
        }

        for (var day = first; day <= latest; day = day.AddDays(1))
        {
            yield return day;
        }
    }
}
