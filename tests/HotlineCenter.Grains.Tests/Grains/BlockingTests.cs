using System.Text.Json;
using HotlineCenter.Abstractions;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>A supervisor blocks a caller by their call; the block keeps them out of everything but the danger option, and ends by itself.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BlockingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_blocked_caller_hears_the_message_unless_they_press_danger_and_the_block_lifts_by_itself()
    {
        var s = await Scenario.CreateAsync(fixture);
        var hash = "blk-" + s.CentreId;
        var (first, wang) = await s.ConnectedCallAsync("first", "wang", callerHash: hash);

        var entry = await first.BlockCallerAsync("sup-zhou", "反复骚扰值班人员", days: 1);
        await first.EndByCounselorAsync(wang.GetPrimaryKeyString());
        var listed = await BlockList(s).GetAsync();
        var blocked = await s.PlaceCallAsync("again", "2", hash);
        var blockedSnapshot = await blocked.GetAsync();
        var danger = await s.PlaceCallAsync("danger", "1", hash);
        var dangerSnapshot = await danger.GetAsync();
        var otherCaller = await s.PlaceCallAsync("other", "2", "someone-else-" + s.CentreId);
        fixture.Time.Advance(TimeSpan.FromDays(1));
        var afterExpiry = await s.PlaceCallAsync("tomorrow", "2", hash);

        Assert.Equal((first.GetPrimaryKeyString(), "138****0000", "反复骚扰值班人员"), (entry.CallId, entry.MaskedNumber, entry.Block.Reason));
        Assert.Equal(first.GetPrimaryKeyString(), Assert.Single(listed).CallId);
        Assert.Equal((CallStatus.Ended, TimelineKind.CallerBlocked), (blockedSnapshot.Status, blockedSnapshot.Timeline[^1].Kind));
        Assert.DoesNotContain((await s.Queue(s.General).GetAsync()).Waiting, w => w.CallId == blocked.GetPrimaryKeyString());
        Assert.Equal((CallStatus.Queued, true), (dangerSnapshot.Status, dangerSnapshot.IsCrisis));
        Assert.Equal(CallStatus.Queued, (await otherCaller.GetAsync()).Status);
        Assert.Equal(CallStatus.Queued, (await afterExpiry.GetAsync()).Status);
        Assert.Empty(await BlockList(s).GetAsync());
        Assert.Contains((await first.GetAsync()).Timeline, t => t.Kind == TimelineKind.CallerBlockSet);
    }

    [Fact]
    public async Task A_supervisor_lifts_a_block_from_the_list_and_the_caller_is_answered_again()
    {
        var s = await Scenario.CreateAsync(fixture);
        var hash = "unblk-" + s.CentreId;
        var (first, _) = await s.ConnectedCallAsync("first", "li", callerHash: hash);
        await first.BlockCallerAsync("sup-zhou", "辱骂咨询员", days: 30);

        var remaining = await BlockList(s).UnblockAsync(first.GetPrimaryKeyString(), "sup-zhou");
        var again = await s.PlaceCallAsync("again", "2", hash);
        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => BlockList(s).UnblockAsync(first.GetPrimaryKeyString(), "sup-zhou"));

        Assert.Empty(remaining);
        Assert.Equal(CallStatus.Queued, (await again.GetAsync()).Status);
        Assert.Equal("block.unknown", unknown.Code);
    }

    [Fact]
    public async Task Blocks_without_a_reason_out_of_range_on_a_withheld_number_or_an_unknown_call_are_refused_and_change_nothing()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, _) = await s.ConnectedCallAsync("call", "zhao", callerHash: "bad-" + s.CentreId);
        var (withheld, _) = await s.ConnectedCallAsync("withheld", "chen", callerHash: Keys.AnonymousCaller);
        var before = JsonSerializer.Serialize(await call.GetAsync());

        var codes = new List<string>();
        foreach (var attempt in new Func<Task>[]
        {
            () => call.BlockCallerAsync("sup-zhou", " ", 7),
            () => call.BlockCallerAsync("sup-zhou", "x", 0),
            () => call.BlockCallerAsync("sup-zhou", "x", 91),
            () => withheld.BlockCallerAsync("sup-zhou", "x", 7),
            () => s.Call("never").BlockCallerAsync("sup-zhou", "x", 7),
        })
        {
            codes.Add((await Assert.ThrowsAsync<HotlineRuleException>(attempt)).Code);
        }

        Assert.Equal(["block.reason-required", "block.days-out-of-range", "block.days-out-of-range", "block.withheld", "call.unknown"], codes);
        Assert.Equal(before, JsonSerializer.Serialize(await call.GetAsync()));
        Assert.Empty(await BlockList(s).GetAsync());
        Assert.Null(await fixture.Grains.GetGrain<ICallerGrain>("bad-" + s.CentreId).GetBlockAsync());
    }

    private IBlockListGrain BlockList(Scenario s) => fixture.Grains.GetGrain<IBlockListGrain>(s.CentreId);

    [Fact]
    public async Task A_caller_grain_that_cannot_answer_does_not_hold_up_the_menu_choice_the_call_is_queued_without_its_history()
    {
        var s = await Scenario.CreateAsync(fixture);
        var hash = ClusterFixture.HeldCallerPrefix + s.CentreId;

        // The caller's grain never answers while the barrier holds; the menu must go on without it (bounded read).
        CallSnapshot snapshot;
        ICallGrain call;
        try
        {
            call = await s.PlaceCallAsync("held", "2", hash).WaitAsync(TimeSpan.FromSeconds(15));
            snapshot = await call.GetAsync();
        }
        finally
        {
            ClusterFixture.HeldCallers.TrySetResult();
        }

        Assert.Equal(CallStatus.Queued, snapshot.Status);
        Assert.Contains((await s.Queue(s.General).GetAsync()).Waiting, w => w.CallId == call.GetPrimaryKeyString());
    }
}
