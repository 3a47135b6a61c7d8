using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class CallRoutingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Call_goes_from_arrival_through_offer_accept_end_and_wrap_up_back_to_available()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("wang");

        var call = await s.PlaceCallAsync("a", "2");

        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        var offered = await s.WaitForCallAsync(call, c => c.Status == CallStatus.Offered, "call offered");
        Assert.Equal(counselor.GetPrimaryKeyString(), offered.CounselorId);
        Assert.Contains(("ring", counselor.GetPrimaryKeyString()), fixture.Port.For(call.GetPrimaryKeyString()));

        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());
        var connected = await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "call connected");
        Assert.Equal(5, connected.WaitSeconds!.Value, precision: 3);
        Assert.Equal(PresenceState.OnCall, (await counselor.GetAsync()).State);

        await call.EndByCounselorAsync(counselor.GetPrimaryKeyString());
        var wrapUp = await counselor.GetAsync();
        Assert.Equal(PresenceState.WrapUp, wrapUp.State);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        await s.WaitForStateAsync(counselor, PresenceState.Available);

        var final = await call.GetAsync();
        Assert.Equal(CallStatus.Ended, final.Status);
        Assert.Equal(
            [TimelineKind.Arrived, TimelineKind.IvrChoice, TimelineKind.Queued, TimelineKind.Offered, TimelineKind.Connected, TimelineKind.Ended],
            final.Timeline.Select(t => t.Kind));
        var queue = await s.Queue(s.General).GetAsync();
        Assert.Empty(queue.Waiting);
        Assert.Equal(1, queue.AnsweredToday);

        var stats = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Reports.IStatsGrain>(HotlineCenter.Grains.Reports.StatsCounter.Key(s.CentreId, final.ArrivedAt!.Value));
        var day = await Eventually.MatchesAsync(stats.GetAsync, d => d.Handled == 1, "the day's counters");
        Assert.Equal((1, 1, 0), (day.Received, day.Answered, day.Abandoned));
        Assert.Equal(5, day.AverageSpeedOfAnswer!.Value, 3);
    }

    [Fact]
    public async Task Offer_timeout_marks_counselor_not_responding_and_reoffers_to_the_next()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("li");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await s.AvailableCounselorAsync("zhao");

        var call = await s.PlaceCallAsync("b", "2");
        await s.WaitForStateAsync(first, PresenceState.Offered);
        Assert.Equal(PresenceState.Available, (await second.GetAsync()).State);

        fixture.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(PresenceState.Offered, (await first.GetAsync()).State);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await s.WaitForStateAsync(first, PresenceState.NotResponding);
        await s.WaitForStateAsync(second, PresenceState.Offered);
        var snapshot = await s.WaitForCallAsync(call, c => c.CounselorId == second.GetPrimaryKeyString(), "call re-offered to second");
        Assert.Contains(snapshot.Timeline, t => t.Kind == TimelineKind.OfferTimedOut && t.CounselorId == first.GetPrimaryKeyString());
    }

    [Fact]
    public async Task Declined_call_goes_to_another_counselor_not_back_to_the_one_who_declined()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("qian");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await s.AvailableCounselorAsync("sun");

        var call = await s.PlaceCallAsync("c", "2");
        await s.WaitForStateAsync(first, PresenceState.Offered);
        await first.DeclineOfferAsync(call.GetPrimaryKeyString());

        await s.WaitForStateAsync(second, PresenceState.Offered);
        Assert.Equal(PresenceState.Available, (await first.GetAsync()).State);
    }

    [Fact]
    public async Task Crisis_call_jumps_queue_ahead_of_longer_waiting_general_call()
    {
        var s = await Scenario.CreateAsync(fixture);
        var general = await s.PlaceCallAsync("g", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        var crisis = await s.PlaceCallAsync("k", "1");

        var queue = await s.Queue(s.General).GetAsync();
        Assert.Equal([crisis.GetPrimaryKeyString(), general.GetPrimaryKeyString()], queue.Waiting.Select(w => w.CallId));

        var counselor = await s.AvailableCounselorAsync("zhou");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        Assert.Equal(crisis.GetPrimaryKeyString(), (await counselor.GetAsync()).CallId);
    }

    [Fact]
    public async Task Call_overflows_to_backup_queue_after_threshold_and_is_recorded()
    {
        var s = await Scenario.CreateAsync(fixture, q => q with { OverflowTargetQueueKey = null });
        var withTarget = await Scenario.CreateAsync(fixture, q => q with { OverflowAfterSeconds = 60 });
        await fixture.Grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(s.CentreId).GetConfigAsync();

        // A queue whose overflow target is the centre's backup queue.
        var centre = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(withTarget.CentreId);
        var config = (await centre.GetConfigAsync())!;
        await centre.ConfigureAsync(config with
        {
            Queues = [config.Queues[0] with { OverflowTargetQueueKey = withTarget.Backup }, config.Queues[1]],
        });

        var call = await withTarget.PlaceCallAsync("o", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Yield();
        Assert.Equal(withTarget.General, (await call.GetAsync()).QueueKey);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var moved = await withTarget.WaitForCallAsync(call, c => c.QueueKey == withTarget.Backup, "call overflowed to backup");
        Assert.Equal(CallStatus.Queued, moved.Status);
        Assert.Contains(moved.Timeline, t => t.Kind == TimelineKind.Overflowed && t.QueueKey == withTarget.Backup);
        await Eventually.MatchesAsync(() => withTarget.Queue(withTarget.General).GetAsync(), q => q.Waiting.IsEmpty && q.OverflowedToday == 1, "source queue empty");
        var backup = await withTarget.Queue(withTarget.Backup).GetAsync();
        Assert.Equal([call.GetPrimaryKeyString()], backup.Waiting.Select(w => w.CallId));
    }

    [Fact]
    public async Task Call_past_overflow_threshold_with_no_target_keeps_waiting_and_is_flagged()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("n", "1");

        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        var flagged = await s.WaitForCallAsync(call, c => c.Timeline.Any(t => t.Kind == TimelineKind.OverflowUnavailable), "overflow flagged");
        Assert.Equal(CallStatus.Queued, flagged.Status);
        Assert.Equal([call.GetPrimaryKeyString()], (await s.Queue(s.General).GetAsync()).Waiting.Select(w => w.CallId));

        var counselor = await s.AvailableCounselorAsync("wu");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
    }

    [Fact]
    public async Task Caller_hanging_up_while_waiting_is_abandoned_with_wait_recorded()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("h", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(42));

        var after = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));

        Assert.Equal(CallStatus.Abandoned, after.Status);
        Assert.Equal(42, after.WaitSeconds!.Value, precision: 3);
        var queue = await s.Queue(s.General).GetAsync();
        Assert.Empty(queue.Waiting);
        Assert.Equal(1, queue.AbandonedToday);
    }

    [Fact]
    public async Task Caller_hanging_up_while_being_offered_releases_the_counselor()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("zheng");
        var call = await s.PlaceCallAsync("r", "2");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);

        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));

        Assert.Equal(PresenceState.Available, (await counselor.GetAsync()).State);
        Assert.Contains(("stop-ringing", counselor.GetPrimaryKeyString()), fixture.Port.For(call.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Duplicate_provider_events_are_applied_once()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = s.Call("d");
        var arrival = new CallArrival(s.CentreId, "test", new CallerRef("h", "138****0000"), "arrive-1");
        await call.ArriveAsync(arrival);
        await call.ArriveAsync(arrival);
        var choice = new IvrChoice("2", "digits-1");
        await call.ChooseAsync(choice);
        await call.ChooseAsync(choice);
        var hold = new ProviderEvent(ProviderEventKind.Held, "hold-1", fixture.Time.GetUtcNow(), null);
        await call.ApplyAsync(hold);
        var snapshot = await call.ApplyAsync(hold);

        Assert.Equal(1, snapshot.Timeline.Count(t => t.Kind == TimelineKind.Arrived));
        Assert.Equal(1, snapshot.Timeline.Count(t => t.Kind == TimelineKind.Queued));
        Assert.Equal(1, snapshot.Timeline.Count(t => t.Kind == TimelineKind.Held));
        Assert.Single((await s.Queue(s.General).GetAsync()).Waiting);
    }

    [Fact]
    public async Task Hang_up_delivered_before_arrival_leaves_the_call_abandoned_not_queued()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = s.Call("x");

        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, "completed-1", fixture.Time.GetUtcNow(), null));
        var instruction = await call.ArriveAsync(new CallArrival(s.CentreId, "test", new CallerRef("h", "138****0000"), "arrive-late"));

        Assert.Equal(InstructionKind.HangUp, instruction.Kind);
        Assert.Equal(CallStatus.Abandoned, (await call.GetAsync()).Status);
        Assert.Empty((await s.Queue(s.General).GetAsync()).Waiting);
    }

    [Fact]
    public async Task Invalid_menu_choice_reprompts_then_routes_to_default_queue()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = s.Call("m");
        await call.ArriveAsync(new CallArrival(s.CentreId, "test", new CallerRef("h", "138****0000"), s.NextKey()));

        var first = await call.ChooseAsync(new IvrChoice("7", s.NextKey()));
        var second = await call.ChooseAsync(new IvrChoice("8", s.NextKey()));

        Assert.Equal(InstructionKind.RepeatMenu, first.Kind);
        Assert.Equal(InstructionKind.WaitInQueue, second.Kind);
        Assert.Equal(s.General, (await call.GetAsync()).QueueKey);
    }

    [Fact]
    public async Task Youth_call_waits_for_skilled_counselor_then_widens()
    {
        var s = await Scenario.CreateAsync(fixture, q => q with { MinSkillLevel = 3, WidenedMinSkillLevel = 1, SkillWideningAfterSeconds = 30 });
        var novice = await s.AvailableCounselorAsync("chen", new SkillLevel("youth", 1));

        var call = await s.PlaceCallAsync("y", "3");
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(PresenceState.Available, (await novice.GetAsync()).State);

        fixture.Time.Advance(TimeSpan.FromSeconds(21));
        await s.WaitForStateAsync(novice, PresenceState.Offered);
        Assert.Equal(call.GetPrimaryKeyString(), (await novice.GetAsync()).CallId);
    }
}
