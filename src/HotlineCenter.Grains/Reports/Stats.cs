using HotlineCenter.Abstractions.Reports;

namespace HotlineCenter.Grains.Reports;

/// <summary>How grains count: one one-way event to the hour grain of the event's time (China time).</summary>
public static class Stats
{
    public static void Count(IGrainFactory grains, string? centreId, DateTimeOffset at, StatsEvent statsEvent)
    {
        if (centreId is { Length: > 0 } && Keys.IsValidId(centreId))
        {
            _ = grains.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(centreId, at)).RecordAsync(statsEvent with { At = at });
        }
    }
}
