using System.Collections.Immutable;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Common;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Callers;

[GenerateSerializer]
[Alias("hotline.block-list-state")]
public sealed class BlockListState
{
    /// <summary>By caller key (the keyed hash): one entry per caller, the latest block.</summary>
    [Id(0)] public Dictionary<string, BlockedCaller> Entries { get; set; } = [];
}

/// <summary>
/// A centre's blocked callers for the supervisors' list. The block itself lives on the caller grain (what the menu
/// reads); this index lets a supervisor see and lift blocks by the call they were set from, without any caller key.
/// It awaits only caller grains, which await nobody.
/// </summary>
public sealed class BlockListGrain(
    [PersistentState("block-list", StorageNames.Hotline)] IPersistentState<BlockListState> state,
    HotlineTime time,
    ILogger<BlockListGrain> logger) : Grain, IBlockListGrain
{
    private BlockListState S => state.State;

    public async Task AddAsync(string callerKey, BlockedCaller entry)
    {
        Keys.RequireId(callerKey, "caller");
        Expire();
        S.Entries[callerKey] = entry;
        await state.WriteStateAsync();
    }

    public async Task<ImmutableArray<BlockedCaller>> UnblockAsync(string callId, string by)
    {
        Keys.RequireId(by, "staff");
        var found = S.Entries.FirstOrDefault(e => e.Value.CallId == callId);
        if (found.Key is null)
        {
            throw new HotlineRuleException("block.unknown", $"No block was set from call {callId}.");
        }

        await GrainFactory.GetGrain<ICallerGrain>(found.Key).UnblockAsync(by);
        S.Entries.Remove(found.Key);
        Expire();
        await state.WriteStateAsync();
        logger.LogInformation("Block set from call {CallId} lifted by {StaffId}", callId, by);
        return Current();
    }

    public Task<ImmutableArray<BlockedCaller>> GetAsync() => Task.FromResult(Current());

    private ImmutableArray<BlockedCaller> Current() =>
        [.. S.Entries.Values.Where(e => BlockRules.InForce(e.Block, time.Now)).OrderByDescending(e => e.Block.At)];

    /// <summary>Expired blocks leave the list at the next change (they stopped applying at their time already).</summary>
    private void Expire()
    {
        foreach (var key in S.Entries.Where(e => !BlockRules.InForce(e.Value.Block, time.Now)).Select(e => e.Key).ToList())
        {
            S.Entries.Remove(key);
        }
    }
}
