using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;
using Orleans.Core.Internal;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// A node lost between saving an offer (or a callback dial) and the provider being asked: the queued command dies with
/// it. The port here loses the command, and the grain is deactivated, as the crash would; the next activation must
/// re-derive the command from its saved state within a bounded time, once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LostCommandTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Offer_whose_ring_was_lost_with_its_node_is_rung_again_by_the_next_activation()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("lost-ring");
        var callId = s.Call("lr").GetPrimaryKeyString();
        fixture.Port.LoseNext[("ring", callId)] = true;

        await s.PlaceCallAsync("lr", "2");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        // The counsellor holds the reservation before the queue rings (the ring follows the saved offer).
        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Port.For(callId)), r => r.Any(x => x.Action == "ring-lost"), "the ring sent and lost");
        Assert.Equal([("ring-lost", counselor.GetPrimaryKeyString())], fixture.Port.For(callId).Where(r => r.Action.StartsWith("ring", StringComparison.Ordinal)));

        await CrashAsync(s.Queue(s.General));
        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        await s.Queue(s.General).GetAsync();

        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Port.For(callId)), r => r.Contains(("ring-again", counselor.GetPrimaryKeyString())), "the offer rung again");
        Assert.Equal(PresenceState.Offered, (await counselor.GetAsync()).State);
        Assert.Equal(counselor.GetPrimaryKeyString(), (await s.Queue(s.General).GetAsync()).Waiting.Single().OfferedTo);

        // Rung once by this activation: later ticks leave it alone. Barrier: the ring's deadline passes, so a tick — which
        // looks for unrung offers before it expires any — has run after the ring-again and stopped the ringing.
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Port.For(callId)), r => r.Contains(("stop-ringing", counselor.GetPrimaryKeyString())), "the ring expired by a later tick");
        Assert.Single(fixture.Port.For(callId), r => r.Action == "ring-again");
    }

    [Fact]
    public async Task Offer_found_unrung_too_late_to_ring_is_routed_again_without_charging_the_counselor()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("late-ring");
        var callId = s.Call("lt").GetPrimaryKeyString();
        fixture.Port.LoseNext[("ring", callId)] = true;

        await s.PlaceCallAsync("lt", "2");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await CrashAsync(s.Queue(s.General));
        fixture.Time.Advance(TimeSpan.FromSeconds(18));
        await s.Queue(s.General).GetAsync();

        // Not their miss: free again at once, and the call comes back to them after the short ring-not-placed pause.
        await s.WaitForStateAsync(counselor, PresenceState.Available);
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Port.For(callId)), r => r.Contains(("ring", counselor.GetPrimaryKeyString())), "the call rung anew");
        Assert.Equal(callId, (await counselor.GetAsync()).CallId);
    }

    [Fact]
    public async Task Callback_dial_lost_with_its_node_is_dialled_again_until_the_provider_confirms_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("lcb", "2");
        var callId = call.GetPrimaryKeyString();
        await call.RequestCallbackAsync(s.NextKey());
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));
        fixture.Port.LoseNext[("call-back", callId)] = true;

        var counselor = await s.AvailableCounselorAsync("lost-cb");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(callId);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "callback connected");
        Assert.Contains(("call-back-lost", counselor.GetPrimaryKeyString()), fixture.Port.For(callId));

        await CrashAsync(call);
        await call.GetAsync();

        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Port.For(callId)), r => r.Contains(("call-back", counselor.GetPrimaryKeyString())), "the callback dialled again");

        // Confirmed by the provider: a later activation does not dial a third time.
        await call.NoteCallbackPlacedAsync();
        await CrashAsync(call);
        await call.GetAsync();
        // Barrier: the redial decision itself, run by hand through the reminder that would run it after a crash.
        await call.Cast<IRemindable>().ReceiveReminder("callback-dial", default);
        Assert.Single(fixture.Port.For(callId), r => r.Action == "call-back");
    }

    private static async Task CrashAsync(IGrain grain)
    {
        // Orleans forwards messages that arrive while the activation deactivates to the next one.
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
    }
}
