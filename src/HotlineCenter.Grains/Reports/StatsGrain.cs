using System.Collections.Immutable;
using HotlineCenter.Abstractions.Reports;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Reports;

[GenerateSerializer]
[Alias("hotline.stats-state")]
public sealed class StatsState
{
    /// <summary>Counters of a day counted before the statistics had hours; added to the hours' sum.</summary>
    [Id(0)] public DayStats Stats { get; set; } = DayStats.Empty;
    /// <summary>Keys of those older events.</summary>
    [Id(1)] public HashSet<string> Counted { get; set; } = [];
    /// <summary>The latest figures each hour grain handed over, by hour of day.</summary>
    [Id(2)] public Dictionary<int, StatsFigures> Hours { get; set; } = [];
    [Id(3)] public Dictionary<int, long> HourVersions { get; set; } = [];
}

/// <summary>
/// A centre's figures for one China-time day: the sum of its hour grains' figures, each handed over with the hour's
/// version, so a repeated or reordered hand-over never counts twice. Awaits nobody (hour grains await it).
/// </summary>
public sealed class StatsGrain(
    [PersistentState("stats", StorageNames.Hotline)] IPersistentState<StatsState> state) : Grain, IStatsGrain
{
    private StatsFigures? _total;

    public Task RecordAsync(StatsEvent statsEvent)
    {
        if (!StatsCounter.IsCountable(statsEvent) || StatsCounter.DayOfKey(this.GetPrimaryKeyString()) is not { } day)
        {
            return Task.CompletedTask;
        }

        // Counted by the hour it belongs to (one-way: the hour grain awaits this one, never the reverse).
        var at = statsEvent.At is { } a && ChinaTime.DayOf(a) == day ? a : ChinaTime.StartOfDay(day);
        var centre = this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];
        _ = GrainFactory.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(centre, at)).RecordAsync(statsEvent with { At = at });
        return Task.CompletedTask;
    }

    public Task<DayStats> GetAsync() => Task.FromResult(Total().ToDayStats());

    public Task<DayFigures> GetFiguresAsync()
    {
        var day = StatsCounter.DayOfKey(this.GetPrimaryKeyString()) ?? default;
        var hours = Enumerable.Range(0, 24).Select(h => state.State.Hours.GetValueOrDefault(h) ?? StatsFigures.Empty).ToImmutableArray();
        return Task.FromResult(new DayFigures(day, Total(), hours));
    }

    public async Task HourChangedAsync(int hour, long version, StatsFigures figures)
    {
        if (hour is < 0 or > 23 || version <= state.State.HourVersions.GetValueOrDefault(hour))
        {
            return;
        }

        state.State.Hours[hour] = figures;
        state.State.HourVersions[hour] = version;
        _total = null;
        await state.WriteStateAsync();
    }

    private StatsFigures Total() =>
        _total ??= StatsFigures.Sum(state.State.Hours.Values.Prepend(StatsFigures.FromDayStats(state.State.Stats)));
}

[GenerateSerializer]
[Alias("hotline.hour-stats-state")]
public sealed class HourStatsState
{
    [Id(0)] public StatsFigures Figures { get; set; } = StatsFigures.Empty;
    [Id(1)] public HashSet<string> Counted { get; set; } = [];
    /// <summary>Bumped with every counted event.</summary>
    [Id(2)] public long Version { get; set; }
    /// <summary>The last version the day grain confirmed before this state was written.</summary>
    [Id(3)] public long HandedOverVersion { get; set; }
}

/// <summary>
/// A centre's counters for one China-time hour: each event counted once by its key (a replayed provider event, a
/// re-sent webhook or a retried submit changes nothing), then the hour's figures are handed to its day grain. A
/// hand-over that failed is retried; one a crash interrupted is repeated when the hour grain next wakes.
/// </summary>
public sealed class HourStatsGrain(
    [PersistentState("hour-stats", StorageNames.Hotline)] IPersistentState<HourStatsState> state,
    ILogger<HourStatsGrain> logger) : Grain, IHourStatsGrain
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private IGrainTimer? _retry;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.HandedOverVersion < state.State.Version)
        {
            ArmRetry(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task RecordAsync(StatsEvent statsEvent)
    {
        if (!StatsCounter.IsCountable(statsEvent) || StatsCounter.ParseHourKey(this.GetPrimaryKeyString()) is null || !state.State.Counted.Add(statsEvent.Key))
        {
            return;
        }

        state.State.Figures = StatsCounter.Add(state.State.Figures, statsEvent);
        state.State.Version++;
        await state.WriteStateAsync();
        await HandOverAsync();
    }

    public Task<StatsFigures> GetAsync() => Task.FromResult(state.State.Figures);

    private async Task HandOverAsync()
    {
        var (dayKey, hour) = StatsCounter.ParseHourKey(this.GetPrimaryKeyString())!.Value;
        var version = state.State.Version;
        try
        {
            await GrainFactory.GetGrain<IStatsGrain>(dayKey).HourChangedAsync(hour, version, state.State.Figures);

            // Kept in memory and written with the next event: a repeated hand-over after a restart is harmless.
            state.State.HandedOverVersion = version;
            _retry?.Dispose();
            _retry = null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Statistics hour {HourKey} could not be handed to its day; retried", this.GetPrimaryKeyString());
            ArmRetry(RetryAfter);
        }
    }

    private void ArmRetry(TimeSpan dueTime) =>
        _retry ??= this.RegisterGrainTimer(async () =>
        {
            _retry?.Dispose();
            _retry = null;
            if (state.State.HandedOverVersion < state.State.Version)
            {
                await HandOverAsync();
            }
        }, new GrainTimerCreationOptions(dueTime, RetryAfter) { KeepAlive = true });
}
