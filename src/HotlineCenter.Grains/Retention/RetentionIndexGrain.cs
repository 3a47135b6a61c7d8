using System.Collections.Immutable;
using HotlineCenter.Abstractions.Retention;

namespace HotlineCenter.Grains.Retention;

[GenerateSerializer]
[Alias("hotline.retention-index-state")]
public sealed class RetentionIndexState
{
    /// <summary>The calls that arrived that day, by call id, with their arrival.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Calls { get; set; } = [];
    /// <summary>Calls whose recordings are deleted at the provider.</summary>
    [Id(1)] public HashSet<string> RecordingsPurged { get; set; } = [];
    /// <summary>The centre's retention grain knows this day.</summary>
    [Id(2)] public bool Announced { get; set; }
}

/// <summary>
/// The calls of one centre's China day (key: <c>centre/yyyy-MM-dd</c>), appended one-way by each call on arrival, read and
/// trimmed by the centre's purge. Awaits nobody; its first entry tells the retention grain one-way that the day exists.
/// </summary>
public sealed class RetentionIndexGrain(
    [PersistentState("retention-index", StorageNames.Hotline)] IPersistentState<RetentionIndexState> state) : Grain, IRetentionIndexGrain
{
    private RetentionIndexState S => state.State;

    public async Task AddAsync(string callId, DateTimeOffset arrivedAt)
    {
        if (!Keys.IsValidCallId(callId) || RetentionRules.ParseDayKey(this.GetPrimaryKeyString()) is not { } key || S.Calls.ContainsKey(callId))
        {
            return;
        }

        S.Calls[callId] = arrivedAt;
        var announce = !S.Announced;
        S.Announced = true;
        await state.WriteStateAsync();
        if (announce)
        {
            _ = GrainFactory.GetGrain<IRetentionGrain>(key.CentreId).DayOpenedAsync(key.Day);
        }
    }

    public Task<ImmutableArray<RetentionEntry>> ListAsync() =>
        Task.FromResult(S.Calls.OrderBy(c => c.Value).Select(c => new RetentionEntry(c.Key, c.Value, S.RecordingsPurged.Contains(c.Key))).ToImmutableArray());

    public async Task MarkRecordingsPurgedAsync(ImmutableArray<string> callIds)
    {
        var changed = false;
        foreach (var id in callIds.Where(S.Calls.ContainsKey))
        {
            changed |= S.RecordingsPurged.Add(id);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<int> RemoveAsync(ImmutableArray<string> callIds)
    {
        var removed = 0;
        foreach (var id in callIds)
        {
            removed += S.Calls.Remove(id) ? 1 : 0;
            S.RecordingsPurged.Remove(id);
        }

        if (S.Calls.Count == 0 && S.Announced)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
            return 0;
        }

        if (removed > 0)
        {
            await state.WriteStateAsync();
        }

        return S.Calls.Count;
    }
}
