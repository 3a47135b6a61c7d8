namespace HotlineCenter.Grains.Routing;

/// <summary>Runtime knobs of the routing grains (not per-centre policy, which lives in CentreConfig).</summary>
public sealed class RoutingOptions
{
    /// <summary>How often an active queue or counsellor checks its deadlines (ring, wrap-up, overflow).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a centre's live feed pushes a coalesced snapshot to its screens.</summary>
    public TimeSpan FeedInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often the feed is broadcast to the SignalR hub's clients (wall displays, integrations), in whole feed
    /// intervals, at least one. Each broadcast is the centre's whole picture written to every connection, so with
    /// hundreds of displays this, not the grains, is the feed's cost; screens in this silo's circuits keep FeedInterval.
    /// </summary>
    public TimeSpan HubFeedInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a queue with waiting calls and no known free counsellor re-reads its counsellors.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an overflow may stay unconfirmed before it is tried again.</summary>
    public TimeSpan OverflowRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra time a counsellor stays Offered past the ring timeout before releasing themselves.</summary>
    public TimeSpan OfferOrphanGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a counsellor who serves several queues keeps their choice of the most urgent queue's call before
    /// reading the queues again (a lost message, or a pause before a retry, costs at most this).
    /// </summary>
    public TimeSpan CrossQueueWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Period of the reminders that re-activate grains with deadlines after a crash (Orleans minimum is 1 minute).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
