using HotlineCenter.Grains.Centres;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class FeedRulesTests
{
    [Theory]
    [InlineData(250, 1000, 4)]   // the default: screens in circuits 4 times a second, hub clients once
    [InlineData(250, 250, 1)]    // the hub as often as the feed
    [InlineData(250, 100, 1)]    // never more often than the feed itself ticks
    [InlineData(250, 1100, 5)]   // rounded up: never more often than asked
    [InlineData(50, 1000, 20)]
    [InlineData(2000, 1000, 1)]  // a slow feed: every tick
    [InlineData(0, 1000, 1)]     // a feed interval that cannot be divided by
    public void The_hub_is_broadcast_every_so_many_feed_ticks(int feedMs, int hubMs, int ticks) =>
        Assert.Equal(ticks, FeedRules.TicksPerHubPush(TimeSpan.FromMilliseconds(feedMs), TimeSpan.FromMilliseconds(hubMs)));
}
