using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>The daily report: produced for yesterday from 00:30 China time, kept as first produced, days a downtime skipped caught up.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DailyReportTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Yesterdays_report_is_produced_after_half_past_midnight_once_and_keeps_its_figures()
    {
        var s = await Scenario.CreateAsync(fixture);
        await s.AvailableCounselorAsync("wang");
        var call = await s.PlaceCallAsync("day", "2");
        var day = ChinaTime.DayOf((await call.GetAsync()).ArrivedAt!.Value);
        await Eventually.MatchesAsync(() => fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(s.CentreId, day)).GetAsync(), d => d.Received == 1, "the call counted");
        var schedule = fixture.Grains.GetGrain<IDailyReportsGrain>(s.CentreId);
        await schedule.EnsureScheduledAsync();

        // 00:20 the next day: not yet. 00:31: yesterday's report.
        Advance(ChinaTime.StartOfDay(day.AddDays(1)).AddMinutes(20));
        var early = await schedule.ProduceDueAsync();
        Advance(ChinaTime.StartOfDay(day.AddDays(1)).AddMinutes(31));
        var produced = await schedule.ProduceDueAsync();
        var again = await schedule.ProduceDueAsync();

        // A late event changes the live figures, not the kept report.
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));
        await Eventually.MatchesAsync(() => fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(s.CentreId, day)).GetAsync(), d => d.Abandoned + d.Answered == 1, "the late event counted");
        var kept = await fixture.Grains.GetGrain<IDailyReportGrain>(StatsCounter.DayKey(s.CentreId, day)).GetAsync();

        Assert.Empty(early);
        Assert.Equal<DateOnly>([day], produced);
        Assert.Empty(again);
        Assert.Equal<DateOnly>([day], await schedule.ListAsync());
        Assert.Equal((s.CentreId, "测试中心", day, 1, 1), (kept!.CentreId, kept.CentreName, kept.Day, kept.Figures.Total.Received, kept.Seats));
        Assert.Equal(0, kept.Figures.Total.Abandoned + kept.Figures.Total.Answered);
    }

    [Theory]
    [InlineData(null, "2026-11-24", "2026-11-25T00:29:00+08:00", "")]
    [InlineData(null, "2026-11-24", "2026-11-25T00:30:00+08:00", "2026-11-24")]
    [InlineData(null, null, "2026-11-25T00:30:00+08:00", "2026-11-24")]
    [InlineData("2026-11-24", "2026-11-20", "2026-11-25T23:00:00+08:00", "")]
    [InlineData("2026-11-22", "2026-11-20", "2026-11-25T01:00:00+08:00", "2026-11-23,2026-11-24")]
    [InlineData("2026-11-01", "2026-10-01", "2026-11-25T01:00:00+08:00", "2026-11-18,2026-11-19,2026-11-20,2026-11-21,2026-11-22,2026-11-23,2026-11-24")]
    public void Due_days_run_from_the_last_produced_to_yesterday_a_week_back_at_most(string? last, string? first, string now, string expected)
    {
        static DateOnly? Day(string? d) => d is null ? null : DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture);
        var days = ReportSchedule.DueDays(Day(last), Day(first), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), 7);

        Assert.Equal(expected, string.Join(",", days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
    }

    private void Advance(DateTimeOffset to)
    {
        var now = fixture.Time.GetUtcNow();
        if (to > now)
        {
            fixture.Time.Advance(to - now);
        }
    }
}
