using HotlineCenter.Grains.Queues;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>The estimated wait a caller hears, from the queue's measured waits.</summary>
public sealed class WaitEstimateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary><paramref name="waits"/>: "seconds@minutesAgo@counsellor" answered waits; position is 1-based.</summary>
    [Theory]
    // Nothing measured: a minute per position.
    [InlineData("", 1, 60)]
    [InlineData("", 3, 180)]
    // Median of the measured waits, times the position, shared among the counsellors who answered them.
    [InlineData("40@1@a,80@2@a,120@3@a", 1, 80)]
    [InlineData("40@1@a,80@2@a,120@3@a", 2, 160)]
    [InlineData("40@1@a,80@2@b,120@3@a,10@4@b", 1, 30)]
    [InlineData("40@1@a,80@2@b,120@3@a,10@4@b", 3, 90)]
    // Nobody ahead and calls answered fast: under a minute (the caller hears "less than a minute").
    [InlineData("5@1@a,20@2@a,15@3@a", 1, 15)]
    // Waits older than an hour no longer count.
    [InlineData("600@61@a,30@5@a", 1, 30)]
    [InlineData("600@61@a", 2, 120)]
    // Never more than an hour.
    [InlineData("1800@1@a", 5, 3600)]
    public void Estimate_from_recent_answered_waits(string waits, int position, int expectedSeconds)
    {
        var recent = waits.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(w =>
        {
            var p = w.Split('@');
            return new AnsweredWait(T0.AddMinutes(-int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)), int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), p[2]);
        }).ToList();

        Assert.Equal(expectedSeconds, WaitEstimate.Seconds(recent, position, T0));
    }

    [Fact]
    public void Queue_keeps_only_the_last_fifty_answered_waits()
    {
        var state = new QueueState();
        for (var i = 0; i < 60; i++)
        {
            state.RecordAnswered(T0.AddSeconds(i), T0.AddSeconds(i - 10), "a");
        }

        Assert.Equal(WaitEstimate.Kept, state.RecentWaits.Count);
        Assert.Equal(T0.AddSeconds(10), state.RecentWaits[0].At);
        Assert.All(state.RecentWaits, w => Assert.Equal(10, w.Seconds));
    }
}
