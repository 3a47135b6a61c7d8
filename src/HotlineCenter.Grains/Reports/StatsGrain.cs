using HotlineCenter.Abstractions.Reports;

namespace HotlineCenter.Grains.Reports;

[GenerateSerializer]
[Alias("hotline.stats-state")]
public sealed class StatsState
{
    [Id(0)] public DayStats Stats { get; set; } = DayStats.Empty;
    [Id(1)] public HashSet<string> Counted { get; set; } = [];
}

/// <summary>Pure counting, so the arithmetic is tested without a cluster.</summary>
public static class StatsCounter
{
    public static DayStats Add(DayStats s, StatsEvent e) => e.Outcome switch
    {
        CallOutcome.Received => s with { Received = s.Received + 1, CrisisCalls = s.CrisisCalls + (e.IsCrisis ? 1 : 0) },
        CallOutcome.Answered => s with
        {
            Answered = s.Answered + 1,
            AnsweredWithin20Seconds = s.AnsweredWithin20Seconds + (e.Seconds <= 20 ? 1 : 0),
            TotalWaitAnsweredSeconds = s.TotalWaitAnsweredSeconds + e.Seconds,
            LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds),
        },
        CallOutcome.Abandoned => s with { Abandoned = s.Abandoned + 1, LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds) },
        CallOutcome.Handled => s with { Handled = s.Handled + 1, TotalHandleSeconds = s.TotalHandleSeconds + e.Seconds },
        _ => s,
    };

    /// <summary>The stats grain key for a centre on the China Standard Time day of <paramref name="at"/>.</summary>
    public static string Key(string centreId, DateTimeOffset at) => $"{centreId}/{ChinaTime.DayOf(at):yyyy-MM-dd}";
}

/// <summary>A centre's counters for one day, each event counted once by its key.</summary>
public sealed class StatsGrain(
    [PersistentState("stats", StorageNames.Hotline)] IPersistentState<StatsState> state) : Grain, IStatsGrain
{
    public async Task RecordAsync(StatsEvent statsEvent)
    {
        if (string.IsNullOrEmpty(statsEvent.Key) || !double.IsFinite(statsEvent.Seconds) || statsEvent.Seconds < 0 || !state.State.Counted.Add(statsEvent.Key))
        {
            return;
        }

        state.State.Stats = StatsCounter.Add(state.State.Stats, statsEvent);
        await state.WriteStateAsync();
    }

    public Task<DayStats> GetAsync() => Task.FromResult(state.State.Stats);
}
