using System.Globalization;
using System.Collections.Concurrent;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Centres;

namespace HotlineCenter.Web.Live;

/// <summary>
/// One grain-observer subscription per centre per silo, shared by every screen on this silo: the feed
/// grain pushes a coalesced snapshot, this service hands it to each local watcher. Subscriptions are
/// renewed on a heartbeat, so a feed grain that moved or restarted is found again.
/// </summary>
public sealed class CentreLiveService(IGrainFactory grains, ILogger<CentreLiveService> logger) : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, CentreWatch> _watches = new();

    /// <summary>Watches a centre: <paramref name="onChange"/> gets the current picture now and every change after.</summary>
    public async Task<IDisposable> WatchAsync(string centreId, Func<CentreLiveSnapshot, Task> onChange)
    {
        var watch = _watches.GetOrAdd(centreId, id => new CentreWatch(id, grains, logger));
        var handle = watch.Add(onChange);
        var snapshot = await watch.EnsureSubscribedAsync();
        await onChange(snapshot);
        return handle;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Heartbeat);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var watch in _watches.Values)
            {
                await watch.RenewAsync();
            }
        }
    }

    private sealed class CentreWatch(string centreId, IGrainFactory grains, ILogger logger) : ICentreFeedObserver
    {
        private readonly ConcurrentDictionary<Guid, Func<CentreLiveSnapshot, Task>> _handlers = new();
        private readonly SemaphoreSlim _gate = new(1, 1);
        private ICentreFeedObserver? _reference;
        private long _lastVersion = -1;

        public IDisposable Add(Func<CentreLiveSnapshot, Task> handler)
        {
            var id = Guid.NewGuid();

            // Pushes arrive on an Orleans thread in the invariant culture; a screen renders them in its own
            // language and number formats (100% in Chinese, not "100 %"), so each handler runs in the culture
            // of the circuit that subscribed.
            var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            _handlers[id] = snapshot =>
            {
                var (before, uiBefore) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
                try
                {
                    return handler(snapshot);
                }
                finally
                {
                    (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, uiBefore);
                }
            };
            return new Handle(() => _handlers.TryRemove(id, out _));
        }

        public async Task<CentreLiveSnapshot> EnsureSubscribedAsync()
        {
            await _gate.WaitAsync();
            try
            {
                // The observer reference is weak inside Orleans; this object keeps it alive.
                _reference ??= grains.CreateObjectReference<ICentreFeedObserver>(this);
                return await grains.GetGrain<ICentreFeedGrain>(centreId).SubscribeAsync(_reference);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task RenewAsync()
        {
            try
            {
                if (_handlers.IsEmpty)
                {
                    return;
                }

                // A renewal returns the full picture: it also repairs any push that was lost.
                await OnCentreChangedAsync(await EnsureSubscribedAsync());
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Renewing the live feed of centre {CentreId} failed", centreId);
            }
        }

        public async Task OnCentreChangedAsync(CentreLiveSnapshot snapshot)
        {
            // Versions grow within an activation and start from the clock on re-activation, so older is stale.
            if (snapshot.Version < Interlocked.Read(ref _lastVersion))
            {
                return;
            }

            Interlocked.Exchange(ref _lastVersion, snapshot.Version);
            HotlineMetrics.LivePushes.Add(_handlers.Count, new System.Diagnostics.TagList { { "centre", centreId }, { "to", "console" } });
            foreach (var handler in _handlers.Values)
            {
                try
                {
                    await handler(snapshot);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "A screen watching centre {CentreId} failed to take an update", centreId);
                }
            }
        }
    }

    private sealed class Handle(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}

public static class LiveSetup
{
    /// <summary>Blazor circuits on this silo, through one grain observer per centre.</summary>
    public static WebApplicationBuilder AddHotlineLiveFeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CentreLiveService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CentreLiveService>());
        return builder;
    }
}
