using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace HotlineCenter.Grains.Centres;

/// <summary>
/// The live picture of one centre. Grains publish one-way; the feed coalesces and pushes at most one
/// snapshot per <see cref="RoutingOptions.FeedInterval"/> to its observers, so a busy queue cannot flood
/// a screen. It holds no durable state: on activation it rebuilds itself from the grains that own it.
/// </summary>
public sealed class CentreFeedGrain(
    HotlineTime time,
    ILiveBroadcaster broadcaster,
    IOptions<RoutingOptions> options,
    ILogger<CentreFeedGrain> logger) : Grain, ICentreFeedGrain
{
    private readonly ObserverManager<ICentreFeedObserver> _observers = new(TimeSpan.FromMinutes(2), logger);
    private readonly Dictionary<string, QueueSnapshot> _queues = [];
    private readonly Dictionary<string, CounselorSnapshot> _counselors = [];
    private readonly Dictionary<string, CallSummary> _calls = [];
    private List<string> _queueOrder = [];
    private ImmutableArray<CentreAlert> _alerts = [];
    private long _version;
    private bool _dirty;
    private bool _hubDirty;
    private int _ticksSinceHubPush;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var centre = GrainFactory.GetGrain<ICentreGrain>(Id);
        if (await centre.GetConfigAsync() is { } config)
        {
            _queueOrder = [.. config.Queues.Select(q => Keys.Queue(Id, q.QueueId))];
            var queues = await Task.WhenAll(_queueOrder.Select(key => GrainFactory.GetGrain<IQueueGrain>(key).GetAsync()));
            foreach (var q in queues)
            {
                _queues[q.QueueKey] = q;
            }

            var roster = await centre.GetRosterAsync();
            var counselors = await Task.WhenAll(roster.Select(c => GrainFactory.GetGrain<ICounselorGrain>(c).GetAsync()));
            foreach (var c in counselors)
            {
                _counselors[c.CounselorId] = c;
            }

            // Calls publish only when they change; after a restart, read the ones still waiting or talking.
            var callIds = queues.SelectMany(q => q.Waiting.Select(w => w.CallId))
                .Concat(counselors.Where(c => c.CallId is not null).Select(c => c.CallId!))
                .Distinct();
            var calls = await Task.WhenAll(callIds.Select(id => GrainFactory.GetGrain<ICallGrain>(id).GetAsync()));
            foreach (var call in calls.Where(c => c.Status is not (CallStatus.New or CallStatus.Ended or CallStatus.Abandoned)))
            {
                _calls[call.CallId] = new CallSummary(call.CallId, call.Status, call.QueueKey, call.IsCrisis, call.CounselorId, call.MaskedNumber, call.QueuedAt, call.ConnectedAt, time.Now);
            }
        }

        // The alerts grain publishes only on change; a restarted feed asks it (feed → alerts is the allowed direction).
        _alerts = await GrainFactory.GetGrain<ICentreAlertsGrain>(Id).GetCurrentAsync();
        _version = time.Now.ToUnixTimeMilliseconds();
        this.RegisterGrainTimer(PushAsync, new GrainTimerCreationOptions(options.Value.FeedInterval, options.Value.FeedInterval) { KeepAlive = true });
    }

    public Task<CentreLiveSnapshot> SubscribeAsync(ICentreFeedObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.FromResult(Snapshot());
    }

    public Task UnsubscribeAsync(ICentreFeedObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<CentreLiveSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task PublishQueueAsync(QueueSnapshot snapshot)
    {
        if (!_queues.TryGetValue(snapshot.QueueKey, out var known) || known.At <= snapshot.At)
        {
            _queues[snapshot.QueueKey] = snapshot;
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    public Task PublishCounselorAsync(CounselorSnapshot snapshot)
    {
        if (!_counselors.TryGetValue(snapshot.CounselorId, out var known) || known.StateSince <= snapshot.StateSince)
        {
            _counselors[snapshot.CounselorId] = snapshot;
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    public Task PublishCallAsync(CallSummary summary)
    {
        if (_calls.TryGetValue(summary.CallId, out var known) && known.UpdatedAt > summary.UpdatedAt)
        {
            return Task.CompletedTask;
        }

        if (summary.Status is CallStatus.Ended or CallStatus.Abandoned)
        {
            _calls.Remove(summary.CallId);
        }
        else
        {
            _calls[summary.CallId] = summary;
        }

        _dirty = true;
        return Task.CompletedTask;
    }

    public Task PublishAlertsAsync(ImmutableArray<CentreAlert> alerts)
    {
        _alerts = alerts.IsDefault ? [] : alerts;
        _dirty = true;
        return Task.CompletedTask;
    }

    /// <summary>Every feed interval: a changed picture goes to the observers; to the hub at most once per hub interval.</summary>
    private async Task PushAsync()
    {
        // Counts up to the next broadcast and stops there, so a long quiet spell cannot wrap it.
        _ticksSinceHubPush = Math.Min(_ticksSinceHubPush + 1, FeedRules.TicksPerHubPush(options.Value.FeedInterval, options.Value.HubFeedInterval));
        CentreLiveSnapshot? snapshot = null;
        if (_dirty)
        {
            _dirty = false;
            _hubDirty = true;
            _version++;
            snapshot = Snapshot();
            if (_observers.Count > 0)
            {
                await _observers.Notify(o => o.OnCentreChangedAsync(snapshot));
            }
        }

        if (!_hubDirty || _ticksSinceHubPush < FeedRules.TicksPerHubPush(options.Value.FeedInterval, options.Value.HubFeedInterval))
        {
            return;
        }

        _hubDirty = false;
        _ticksSinceHubPush = 0;
        try
        {
            await broadcaster.PublishAsync(snapshot ?? Snapshot(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Screens catch up at their next renewal; the feed must keep ticking.
            logger.LogWarning(ex, "Broadcasting centre {CentreId} failed", Id);
        }
    }

    private CentreLiveSnapshot Snapshot() => new(
        Id,
        _version,
        [.. _queues.Values.OrderBy(q => _queueOrder.IndexOf(q.QueueKey) is var i && i >= 0 ? i : int.MaxValue).ThenBy(q => q.QueueKey, StringComparer.Ordinal)],
        [.. _counselors.Values.OrderBy(c => c.CounselorId, StringComparer.Ordinal)],
        [.. _calls.Values.OrderBy(c => c.QueuedAt)],
        time.Now,
        _alerts);
}
