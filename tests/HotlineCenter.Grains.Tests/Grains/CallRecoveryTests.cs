using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class CallRecoveryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Counselor_leg_dropping_mid_call_puts_the_caller_back_at_the_front()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("gao");
        var call = await s.PlaceCallAsync("f", "2");
        await s.WaitForStateAsync(first, PresenceState.Offered);
        await first.AcceptOfferAsync(call.GetPrimaryKeyString());
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "connected");
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var later = await s.PlaceCallAsync("l", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(30));

        var after = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorHungUp, s.NextKey(), fixture.Time.GetUtcNow(), first.GetPrimaryKeyString()));

        Assert.Equal(CallStatus.Queued, after.Status);
        Assert.Contains(after.Timeline, t => t.Kind == TimelineKind.Requeued && t.CounselorId == first.GetPrimaryKeyString());
        Assert.Equal(PresenceState.WrapUp, (await first.GetAsync()).State);
        var queue = await s.Queue(s.General).GetAsync();
        Assert.Equal([call.GetPrimaryKeyString(), later.GetPrimaryKeyString()], queue.Waiting.Select(w => w.CallId));
        Assert.True(queue.Waiting[0].AtFront);

        var next = await s.AvailableCounselorAsync("ma");
        await s.WaitForStateAsync(next, PresenceState.Offered);
        Assert.Equal(call.GetPrimaryKeyString(), (await next.GetAsync()).CallId);
    }

    [Fact]
    public async Task Counselor_device_failing_to_ring_reoffers_at_once_without_waiting_for_the_timeout()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("luo");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await s.AvailableCounselorAsync("liang");
        var call = await s.PlaceCallAsync("b", "2");
        await s.WaitForStateAsync(first, PresenceState.Offered);

        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorNoAnswer, s.NextKey(), fixture.Time.GetUtcNow(), first.GetPrimaryKeyString()));

        Assert.Equal(PresenceState.NotResponding, (await first.GetAsync()).State);
        await s.WaitForStateAsync(second, PresenceState.Offered);
        Assert.Contains((await call.GetAsync()).Timeline, t => t.Kind == TimelineKind.RingFailed);
    }

    [Fact]
    public async Task Caller_who_asks_for_a_callback_keeps_their_place_and_is_dialled_when_a_counselor_accepts()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("cb", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(130));

        var instruction = await call.RequestCallbackAsync(s.NextKey());
        var hungUp = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));

        Assert.Equal(InstructionKind.CallbackConfirmed, instruction.Kind);
        Assert.Equal(CallStatus.CallbackPending, hungUp.Status);
        var waiting = Assert.Single((await s.Queue(s.General).GetAsync()).Waiting);
        Assert.True(waiting.IsCallback);
        Assert.Equal(0, (await s.Queue(s.General).GetAsync()).AbandonedToday);

        var counselor = await s.AvailableCounselorAsync("tang");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());

        var connected = await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "callback connected");
        Assert.Contains(connected.Timeline, t => t.Kind == TimelineKind.CallbackDialled);
        Assert.Contains(("call-back", counselor.GetPrimaryKeyString()), fixture.Port.For(call.GetPrimaryKeyString()));
        Assert.DoesNotContain(("connect", counselor.GetPrimaryKeyString()), fixture.Port.For(call.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Callback_waiting_past_the_overflow_threshold_moves_with_its_callback_flag()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(s.CentreId);
        var config = (await centre.GetConfigAsync())!;
        await centre.ConfigureAsync(config with { Queues = [config.Queues[0] with { OverflowTargetQueueKey = s.Backup }, config.Queues[1]] });
        var call = await s.PlaceCallAsync("cbo", "2");
        await call.RequestCallbackAsync(s.NextKey());

        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        var moved = await s.WaitForCallAsync(call, c => c.QueueKey == s.Backup, "callback overflowed");
        Assert.Equal(CallStatus.CallbackPending, moved.Status);
        var entry = Assert.Single((await s.Queue(s.Backup).GetAsync()).Waiting);
        Assert.True(entry.IsCallback);
    }

    [Fact]
    public async Task Callback_is_refused_for_a_call_that_is_not_waiting()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = s.Call("nw");
        await call.ArriveAsync(new CallArrival(s.CentreId, "test", new CallerRef("h", "m", "e"), s.NextKey()));

        var ex = await Assert.ThrowsAsync<HotlineCenter.Abstractions.Common.HotlineRuleException>(() => call.RequestCallbackAsync(s.NextKey()));

        Assert.Equal("call.callback-unavailable", ex.Code);
        Assert.Equal(CallStatus.InIvr, (await call.GetAsync()).Status);
    }

    [Fact]
    public async Task Recording_metadata_is_stored_once_and_updated_by_later_status()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("rec", "2");
        var at = fixture.Time.GetUtcNow();

        await call.ApplyRecordingAsync(new RecordingInfo("RE1", "in-progress", null, at), "rec-1");
        await call.ApplyRecordingAsync(new RecordingInfo("RE1", "in-progress", null, at), "rec-1");
        var done = await call.ApplyRecordingAsync(new RecordingInfo("RE1", "completed", 754, at), "rec-2");

        var recording = Assert.Single(done.Recordings);
        Assert.Equal(("completed", 754), (recording.Status, recording.DurationSeconds!.Value));
        Assert.Equal(2, done.Timeline.Count(t => t.Kind == TimelineKind.Recording));
    }
}
