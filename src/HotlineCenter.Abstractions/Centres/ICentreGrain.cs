using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Centres;

/// <summary>A centre's configuration (queues, IVR menu, thresholds) and roster.</summary>
[Alias("hotline.centre")]
public interface ICentreGrain : IGrainWithStringKey
{
    /// <summary>Validates and stores the configuration, then configures each queue.</summary>
    [Alias("configure")]
    Task ConfigureAsync(CentreConfig config);

    /// <summary>The configuration, or null when the centre was never configured.</summary>
    [Alias("get-config"), ReadOnly]
    Task<CentreConfig?> GetConfigAsync();

    /// <summary>Adds a counsellor to the roster (idempotent).</summary>
    [Alias("add-counselor")]
    Task AddCounselorAsync(string counselorId);

    /// <summary>Counsellor ids on the roster.</summary>
    [Alias("roster"), ReadOnly]
    Task<ImmutableArray<string>> GetRosterAsync();

    /// <summary>Adds (or renames) a duty supervisor of this centre.</summary>
    [Alias("add-supervisor")]
    Task AddSupervisorAsync(SupervisorEntry supervisor);

    /// <summary>The centre's supervisors.</summary>
    [Alias("supervisors"), ReadOnly]
    Task<ImmutableArray<SupervisorEntry>> GetSupervisorsAsync();

    /// <summary>Activates the centre's queues and counsellors so their deadlines are re-armed.</summary>
    [Alias("wake")]
    Task WakeAsync();
}

/// <summary>The list of configured centres (key <c>all</c>), read at silo start to wake them.</summary>
[Alias("hotline.centre-directory")]
public interface ICentreDirectoryGrain : IGrainWithStringKey
{
    [Alias("add")]
    Task AddAsync(string centreId);

    [Alias("list"), ReadOnly]
    Task<ImmutableArray<string>> ListAsync();
}

/// <summary>A screen (or a silo-wide fan-out) watching a centre.</summary>
[Alias("hotline.centre-feed-observer")]
public interface ICentreFeedObserver : IGrainObserver
{
    [Alias("on-changed"), OneWay]
    Task OnCentreChangedAsync(CentreLiveSnapshot snapshot);
}

/// <summary>
/// The live picture of a centre for screens: grains publish changes one-way, the feed coalesces them
/// and pushes one snapshot per interval to its observers.
/// </summary>
[Alias("hotline.centre-feed")]
public interface ICentreFeedGrain : IGrainWithStringKey
{
    /// <summary>Subscribes (or renews) an observer; returns the full current picture.</summary>
    [Alias("subscribe")]
    Task<CentreLiveSnapshot> SubscribeAsync(ICentreFeedObserver observer);

    [Alias("unsubscribe")]
    Task UnsubscribeAsync(ICentreFeedObserver observer);

    [Alias("get"), ReadOnly]
    Task<CentreLiveSnapshot> GetAsync();

    [Alias("publish-queue"), OneWay]
    Task PublishQueueAsync(Queues.QueueSnapshot snapshot);

    [Alias("publish-counselor"), OneWay]
    Task PublishCounselorAsync(Counselors.CounselorSnapshot snapshot);

    [Alias("publish-call"), OneWay]
    Task PublishCallAsync(CallSummary summary);

    /// <summary>The centre's current server-side alerts (from <see cref="Alerts.ICentreAlertsGrain"/>).</summary>
    [Alias("publish-alerts"), OneWay]
    Task PublishAlertsAsync(ImmutableArray<Alerts.CentreAlert> alerts);
}
