namespace HotlineCenter.Grains.Centres;

/// <summary>How the feed paces its two audiences.</summary>
public static class FeedRules
{
    /// <summary>Whole feed ticks between two hub broadcasts: the hub interval rounded up, never less than one tick.</summary>
    public static int TicksPerHubPush(TimeSpan feedInterval, TimeSpan hubInterval) =>
        feedInterval <= TimeSpan.Zero ? 1 : Math.Max(1, (int)Math.Ceiling(hubInterval.Ticks / (double)feedInterval.Ticks));
}
