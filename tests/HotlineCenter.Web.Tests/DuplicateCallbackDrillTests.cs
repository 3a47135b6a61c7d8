using System.Net;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using static HotlineCenter.Web.Tests.Fixtures.TwilioHost;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// Failure drill 3 (docs/reliability.md): Twilio delivers every status callback three times and out of order. The same
/// script of calls (one answered and ended, one rung without an answer and abandoned) is played once as Twilio should
/// deliver it and once with every callback tripled and shuffled; calls, counsellors and the queue's counts must end the same.
/// </summary>
public sealed class DuplicateCallbackDrillTests : IAsyncLifetime
{
    private TwilioHost _t = default!;

    public async Task InitializeAsync() => _t = await StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Every_callback_delivered_three_times_and_reordered_ends_in_the_same_state_as_a_clean_run()
    {
        var clean = await PlayAsync(["c-liu", "c-chen"], "+8613800138101", "+8613800138102", repeats: 1, new Random(7));
        var noisy = await PlayAsync(["c-zhang", "c-li"], "+8613800138201", "+8613800138202", repeats: 3, new Random(13));

        Assert.Equal(clean, noisy);
        Assert.Equal(CallStatus.Ended, clean.Answered.Status);
        Assert.Equal(CallStatus.Abandoned, clean.Missed.Status);
        Assert.Equal((1, 1), (clean.AnsweredDelta, clean.AbandonedDelta));
    }

    /// <summary>What a run leaves behind, without the ids and times that differ between runs.</summary>
    private sealed record Outcome(CallShape Answered, CallShape Missed, PresenceState First, PresenceState Second, int AnsweredDelta, int AbandonedDelta);

    private sealed record CallShape(CallStatus Status, string Timeline, bool Waited, int Counselors);

    private async Task<Outcome> PlayAsync(string[] counselors, string firstCaller, string secondCaller, int repeats, Random shuffle)
    {
        var queue = _t.Grains.GetGrain<IQueueGrain>("xa-12356/general");
        var before = await queue.GetAsync();
        foreach (var id in counselors)
        {
            await _t.Grains.GetGrain<ICounselorGrain>(id).ChangePresenceAsync(PresenceState.Available, "drill");
        }

        // Call 1: rung, answered, then the caller hangs up and both legs report their end (in either order).
        var answered = TwilioDriver.NewCallSid();
        await _t.CallInAsync(answered, firstCaller, "2");
        var ring = (await _t.RingAsync(answered))!;
        var taker = ring.Field("To")!["client:".Length..];
        var legStatus = ring.Field("StatusCallback")!;
        var leg = await LegAsync(answered, taker);
        _t.Api.JoinConference($"call-{answered}", leg, $"counselor-{taker}", startsConference: true);
        await DeliverAsync(repeats, shuffle, (legStatus, leg, "ringing", 1), (legStatus, leg, "in-progress", 2));
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(answered).GetAsync(), c => c.Status == CallStatus.Connected, "call 1 connected");
        // The caller hangs up: at Twilio their call is over, which the app reads when the counsellor's leg reports first.
        _t.Api.SetCallStatus(answered, "completed");
        await DeliverAsync(repeats, shuffle, (CallerStatusUrl, answered, "completed", 3), (legStatus, leg, "completed", 3));
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(answered).GetAsync(), c => c.Status == CallStatus.Ended, "call 1 ended");

        // Call 2: the other counsellor is rung and does not answer; nobody else is free; the caller gives up.
        var missed = TwilioDriver.NewCallSid();
        await _t.CallInAsync(missed, secondCaller, "2");
        var ring2 = (await _t.RingAsync(missed))!;
        var other = ring2.Field("To")!["client:".Length..];
        var leg2 = await LegAsync(missed, other);
        await DeliverAsync(repeats, shuffle, (ring2.Field("StatusCallback")!, leg2, "ringing", 1), (ring2.Field("StatusCallback")!, leg2, "no-answer", 2));
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICounselorGrain>(other).GetAsync(), c => c.State == PresenceState.NotResponding, "counsellor 2 not responding");
        await DeliverAsync(repeats, shuffle, (CallerStatusUrl, missed, "completed", 3));
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(missed).GetAsync(), c => c.Status == CallStatus.Abandoned, "call 2 abandoned");

        var after = await Eventually.MatchesAsync(queue.GetAsync, q => q.Waiting.IsEmpty, "queue empty");
        return new Outcome(
            await ShapeAsync(answered),
            await ShapeAsync(missed),
            (await _t.Grains.GetGrain<ICounselorGrain>(taker).GetAsync()).State,
            (await _t.Grains.GetGrain<ICounselorGrain>(other).GetAsync()).State,
            after.AnsweredToday - before.AnsweredToday,
            after.AbandonedToday - before.AbandonedToday);
    }

    private async Task<CallShape> ShapeAsync(string sid)
    {
        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        return new CallShape(call.Status, string.Join(",", call.Timeline.Select(t => t.Kind)), call.WaitSeconds is not null, call.CounselorsInTurn.Length);
    }

    private async Task<string> LegAsync(string sid, string counselorId) =>
        (await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Conference($"call-{sid}")?.Participants.FirstOrDefault(p => p.Label == $"counselor-{counselorId}")?.CallSid),
            s => s is not null, "counsellor leg created"))!;

    /// <summary>Each callback <paramref name="repeats"/> times; with repeats, all of them in a shuffled order.</summary>
    private async Task DeliverAsync(int repeats, Random shuffle, params (string Url, string Leg, string Status, int Sequence)[] callbacks)
    {
        var all = Enumerable.Range(0, repeats).SelectMany(_ => callbacks).ToArray();
        if (repeats > 1)
        {
            shuffle.Shuffle(all);
        }

        foreach (var c in all)
        {
            var answer = await _t.Driver.LegStatusAsync(c.Url, c.Leg, c.Status, c.Sequence);
            Assert.Equal(HttpStatusCode.NoContent, answer.Status);
        }
    }
}
