using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class StatsCounterTests
{
    private static DayStats Apply(params StatsEvent[] events) => events.Aggregate(DayStats.Empty, StatsCounter.Add);

    [Fact]
    public void Kpis_follow_the_contact_centre_definitions()
    {
        var s = Apply(
            new("a:r", CallOutcome.Received, 0, true), new("b:r", CallOutcome.Received, 0, false), new("c:r", CallOutcome.Received, 0, false),
            new("a:ans", CallOutcome.Answered, 10, true), new("b:ans", CallOutcome.Answered, 50, false),
            new("c:ab", CallOutcome.Abandoned, 80, false),
            new("a:h", CallOutcome.Handled, 600, true), new("b:h", CallOutcome.Handled, 1200, false));

        Assert.Equal((3, 2, 1, 1), (s.Received, s.Answered, s.Abandoned, s.CrisisCalls));
        Assert.Equal(2.0 / 3, s.AnswerRate!.Value, 6);
        Assert.Equal(30, s.AverageSpeedOfAnswer!.Value, 6);
        Assert.Equal(1.0 / 3, s.ServiceLevel20!.Value, 6);
        Assert.Equal(900, s.AverageHandleTime!.Value, 6);
        Assert.Equal(80, s.LongestWaitSeconds);
    }

    [Fact]
    public void No_calls_means_no_rates_rather_than_zero()
    {
        Assert.Null(DayStats.Empty.AnswerRate);
        Assert.Null(DayStats.Empty.AverageSpeedOfAnswer);
        Assert.Null(DayStats.Empty.ServiceLevel20);
        Assert.Null(DayStats.Empty.AverageHandleTime);
    }

    [Fact]
    public void Day_is_the_china_standard_time_day()
    {
        Assert.Equal("xa/2026-11-25", StatsCounter.Key("xa", new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero)));
        Assert.Equal("xa/2026-11-24", StatsCounter.Key("xa", new DateTimeOffset(2026, 11, 24, 15, 59, 0, TimeSpan.Zero)));
    }
}
