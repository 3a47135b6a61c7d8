using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>"No one in danger slips through": a crisis caller is never stranded by a miss, a failed ring or another queue.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoutingSafetyTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Crisis_call_missed_by_both_counselors_goes_back_to_the_first_at_once_when_only_she_is_free()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("he");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await s.AvailableCounselorAsync("lv");
        var call = await s.PlaceCallAsync("k", "1");
        var callId = call.GetPrimaryKeyString();
        await s.WaitForStateAsync(first, PresenceState.Offered);

        fixture.Time.Advance(TimeSpan.FromSeconds(21));
        await s.WaitForStateAsync(first, PresenceState.NotResponding);
        Assert.Equal(callId, (await s.WaitForStateAsync(second, PresenceState.Offered)).CallId);

        // The second counsellor misses it too and is not free; the first comes back and is the only one free.
        fixture.Time.Advance(TimeSpan.FromSeconds(21));
        await s.WaitForStateAsync(second, PresenceState.NotResponding);
        await first.ChangePresenceAsync(PresenceState.Available, "back");

        var again = await s.WaitForStateAsync(first, PresenceState.Offered);
        Assert.Equal(callId, again.CallId);
        var offers = (await s.WaitForCallAsync(call, c => c.Status == CallStatus.Offered && c.CounselorId == first.GetPrimaryKeyString(), "crisis call offered to the first again"))
            .Timeline.Where(t => t.Kind is TimelineKind.Offered or TimelineKind.OfferTimedOut).Select(t => (t.Kind, t.CounselorId));
        Assert.Equal(
            [
                (TimelineKind.Offered, first.GetPrimaryKeyString()), (TimelineKind.OfferTimedOut, first.GetPrimaryKeyString()),
                (TimelineKind.Offered, second.GetPrimaryKeyString()), (TimelineKind.OfferTimedOut, second.GetPrimaryKeyString()),
                (TimelineKind.Offered, first.GetPrimaryKeyString()),
            ],
            offers);
    }

    [Fact]
    public async Task Declined_general_call_goes_back_to_the_only_free_counselor_after_the_retry_time()
    {
        var s = await Scenario.CreateAsync(fixture, q => q with { RetryAfterMissSeconds = 30, OverflowAfterSeconds = 600, LongWaitAlertSeconds = 600 });
        var only = await s.AvailableCounselorAsync("fan");
        var call = await s.PlaceCallAsync("g", "2");
        await s.WaitForStateAsync(only, PresenceState.Offered);
        await only.DeclineOfferAsync(call.GetPrimaryKeyString());

        // The queue learns of the decline one-way; its retry time counts from then.
        await s.WaitForCallAsync(call, c => c.Timeline.Any(t => t.Kind == TimelineKind.OfferDeclined), "decline reached the queue");
        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        await s.Queue(s.General).GetAsync();
        Assert.Equal(PresenceState.Available, (await only.GetAsync()).State);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(call.GetPrimaryKeyString(), (await s.WaitForStateAsync(only, PresenceState.Offered)).CallId);
    }

    [Fact]
    public async Task Ring_the_provider_refused_leaves_the_counselor_available_reroutes_the_call_and_raises_an_alert()
    {
        var s = await Scenario.CreateAsync(fixture);
        var first = await s.AvailableCounselorAsync("du");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await s.AvailableCounselorAsync("xu");
        var call = await s.PlaceCallAsync("rf", "1");
        var callId = call.GetPrimaryKeyString();
        await s.WaitForStateAsync(first, PresenceState.Offered);

        var after = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorRingFailed, s.NextKey(), fixture.Time.GetUtcNow(), first.GetPrimaryKeyString()));

        var firstNow = await first.GetAsync();
        Assert.Equal(PresenceState.Available, firstNow.State);
        Assert.DoesNotContain(firstNow.RecentChanges, c => c.To == PresenceState.NotResponding);
        Assert.Contains(after.Timeline, t => t is { Kind: TimelineKind.RingFailed, Detail: "not-placed" } && t.CounselorId == first.GetPrimaryKeyString());
        Assert.Equal(callId, (await s.WaitForStateAsync(second, PresenceState.Offered)).CallId);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Offered && c.CounselorId == second.GetPrimaryKeyString(), "call re-offered to the second");
        var alerts = fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);
        var raised = (await Eventually.MatchesAsync(alerts.GetCurrentAsync, l => l.Any(a => a.AlertId == $"ring-failed:{callId}"), "ring-failed alert"))
            .Single(a => a.AlertId == $"ring-failed:{callId}");
        Assert.Equal((AlertKind.RingFailed, true, callId, first.GetPrimaryKeyString(), AlertStatus.Active), (raised.Kind, raised.Critical, raised.CallId, raised.CounselorId, raised.Status));
        Assert.DoesNotContain(await alerts.GetCurrentAsync(), a => a.Kind == AlertKind.OfferTimedOut && a.CounselorId == first.GetPrimaryKeyString());

        await second.AcceptOfferAsync(callId);
        await Eventually.MatchesAsync(alerts.GetCurrentAsync, l => l.All(a => a.AlertId != $"ring-failed:{callId}"), "ring-failed alert resolved by the answer");
    }

    [Fact]
    public async Task Ring_refused_for_the_only_counselor_is_tried_again_after_a_short_pause_not_dropped()
    {
        var s = await Scenario.CreateAsync(fixture);
        var only = await s.AvailableCounselorAsync("jiang");
        var call = await s.PlaceCallAsync("rr", "1");
        await s.WaitForStateAsync(only, PresenceState.Offered);

        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorRingFailed, s.NextKey(), fixture.Time.GetUtcNow(), only.GetPrimaryKeyString()));
        Assert.Equal(PresenceState.Available, (await only.GetAsync()).State);
        fixture.Time.Advance(TimeSpan.FromSeconds(4));
        await s.Queue(s.General).GetAsync();
        Assert.Equal(PresenceState.Available, (await only.GetAsync()).State);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(call.GetPrimaryKeyString(), (await s.WaitForStateAsync(only, PresenceState.Offered)).CallId);
    }

    /// <summary>Both orders of her queues: which queue hears of her first must not decide (it did before).</summary>
    [Theory]
    [InlineData("youth,backup")]
    [InlineData("backup,youth")]
    public async Task Only_free_counselor_serving_youth_and_backup_is_offered_the_crisis_waiting_in_backup_before_the_youth_call(string queueOrder)
    {
        var (s, youthQueue, lin) = await YouthAndBackupAsync(queues: queueOrder.Split(','));

        // While she is signed out: a youth call that waits longer with far more points, then a crisis moved to backup.
        var youth = await s.PlaceCallAsync("y", "3");
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var crisis = await s.PlaceCallAsync("k", "1");
        await crisis.MoveToQueueAsync(s.Backup, "sup-1");
        Assert.Equal([crisis.GetPrimaryKeyString()], (await s.Queue(s.Backup).GetAsync()).Waiting.Select(w => w.CallId));

        await lin.ChangePresenceAsync(PresenceState.Available, "signed in");

        var offered = await s.WaitForStateAsync(lin, PresenceState.Offered);
        Assert.Equal((crisis.GetPrimaryKeyString(), s.Backup), (offered.CallId, offered.QueueKey));
        var waitingYouth = Assert.Single((await s.Queue(youthQueue).GetAsync()).Waiting);
        Assert.Equal((youth.GetPrimaryKeyString(), (string?)null), (waitingYouth.CallId, waitingYouth.OfferedTo));

        // Once the crisis is hers, the youth call is next for her, not stranded by the choice.
        await lin.AcceptOfferAsync(crisis.GetPrimaryKeyString());
        await crisis.EndByCounselorAsync(lin.GetPrimaryKeyString());
        await s.WaitForStateAsync(lin, PresenceState.Decompression);
        await lin.EndDecompressionAsync("sup-1", "ready");
        Assert.Equal(youth.GetPrimaryKeyString(), (await s.WaitForStateAsync(lin, PresenceState.Offered)).CallId);
    }

    [Fact]
    public async Task Caller_known_as_high_risk_enters_with_the_centre_boost_and_is_answered_before_an_earlier_caller()
    {
        var s = await Scenario.CreateAsync(fixture);
        var hash = "hr-" + s.CentreId;
        await fixture.Grains.GetGrain<ICallerGrain>(hash).RecordContactAsync(
            new CallerContact("CAearlier" + s.CentreId, s.CentreId, fixture.Time.GetUtcNow().AddDays(-10), "wang", RiskLevel.High, [], true));
        var earlier = await s.PlaceCallAsync("e", "2");
        fixture.Time.Advance(TimeSpan.FromSeconds(20));

        var known = await s.PlaceCallAsync("hr", "2", callerHash: hash);

        var snapshot = await known.GetAsync();
        Assert.Equal(60, snapshot.BasePriority);
        Assert.Equal(10, (await earlier.GetAsync()).BasePriority);
        Assert.Contains(snapshot.Timeline, t => t is { Kind: TimelineKind.Queued, Detail: "high-risk-caller" });
        var queue = await s.Queue(s.General).GetAsync();
        Assert.Equal([known.GetPrimaryKeyString(), earlier.GetPrimaryKeyString()], queue.Waiting.Select(w => w.CallId));
        Assert.Equal(60, queue.Waiting[0].EffectivePriority, precision: 6);
    }

    [Fact]
    public async Task High_risk_boost_of_zero_leaves_the_menu_priority()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { HighRiskCallerPriorityBoost = 0 });
        var hash = "hr0-" + s.CentreId;
        await fixture.Grains.GetGrain<ICallerGrain>(hash).RecordContactAsync(
            new CallerContact("CAearlier" + s.CentreId, s.CentreId, fixture.Time.GetUtcNow().AddDays(-1), "wang", RiskLevel.Imminent, [], true));

        var call = await s.PlaceCallAsync("z", "2", callerHash: hash);

        Assert.Equal(10, (await call.GetAsync()).BasePriority);
    }

    [Fact]
    public async Task Estimated_wait_comes_from_the_measured_waits_of_answered_calls()
    {
        var s = await Scenario.CreateAsync(fixture, q => q with { OverflowAfterSeconds = 600, LongWaitAlertSeconds = 600 });
        var calls = new[] { await s.PlaceCallAsync("w1", "2"), await s.PlaceCallAsync("w2", "2"), await s.PlaceCallAsync("w3", "2") };
        Assert.Equal(60, (await s.Queue(s.General).GetAsync()).Waiting[0].EstimatedWaitSeconds);

        // One counsellor answers them after 40, 80 and 120 s of waiting.
        fixture.Time.Advance(TimeSpan.FromSeconds(40));
        var counselor = await s.AvailableCounselorAsync("song");
        for (var i = 0; i < calls.Length; i++)
        {
            if (i > 0)
            {
                fixture.Time.Advance(TimeSpan.FromSeconds(40));
                await counselor.CompleteWrapUpAsync();
            }

            Assert.Equal(calls[i].GetPrimaryKeyString(), (await s.WaitForStateAsync(counselor, PresenceState.Offered)).CallId);
            await counselor.AcceptOfferAsync(calls[i].GetPrimaryKeyString());
            await Eventually.MatchesAsync(() => s.Queue(s.General).GetAsync(), q => q.AnsweredToday == i + 1, "answer counted");
            await calls[i].EndByCounselorAsync(counselor.GetPrimaryKeyString());
        }

        await s.PlaceCallAsync("n1", "2");
        await s.PlaceCallAsync("n2", "2");
        var queue = await s.Queue(s.General).GetAsync();
        Assert.Equal([(1, 80), (2, 160)], queue.Waiting.Select(w => (w.Position, w.EstimatedWaitSeconds ?? -1)));
    }

    [Fact]
    public async Task Counselor_whose_ring_for_a_crisis_failed_is_kept_for_it_not_given_the_youth_call_meanwhile()
    {
        var (s, youthQueue, lin) = await YouthAndBackupAsync();
        var youth = await s.PlaceCallAsync("y", "3");
        var crisis = await s.PlaceCallAsync("k", "1");
        await crisis.MoveToQueueAsync(s.Backup, "sup-1");
        await lin.ChangePresenceAsync(PresenceState.Available, "signed in");
        Assert.Equal(crisis.GetPrimaryKeyString(), (await s.WaitForStateAsync(lin, PresenceState.Offered)).CallId);

        // The provider was unreachable when ringing her.
        await crisis.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorRingFailed, s.NextKey(), fixture.Time.GetUtcNow(), lin.GetPrimaryKeyString()));
        Assert.Equal(PresenceState.Available, (await lin.GetAsync()).State);
        fixture.Time.Advance(TimeSpan.FromSeconds(4));
        await s.Queue(youthQueue).GetAsync();
        Assert.Equal(PresenceState.Available, (await lin.GetAsync()).State);
        Assert.Null(Assert.Single((await s.Queue(youthQueue).GetAsync()).Waiting).OfferedTo);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var again = await s.WaitForStateAsync(lin, PresenceState.Offered);
        Assert.Equal((crisis.GetPrimaryKeyString(), s.Backup), (again.CallId, again.QueueKey));
        Assert.Equal(youth.GetPrimaryKeyString(), Assert.Single((await s.Queue(youthQueue).GetAsync()).Waiting).CallId);
    }

    [Fact]
    public async Task Counselor_who_chose_a_queue_that_has_nothing_for_her_after_all_is_offered_the_other_queues_call_at_once()
    {
        var (s, youthQueue, lin) = await YouthAndBackupAsync(youthPriority: 0);
        var general = await s.PlaceCallAsync("g", "2");
        await general.MoveToQueueAsync(s.Backup, "sup-1");
        await lin.ChangePresenceAsync(PresenceState.Available, "signed in");
        Assert.Equal(general.GetPrimaryKeyString(), (await s.WaitForStateAsync(lin, PresenceState.Offered)).CallId);
        var youth = await s.PlaceCallAsync("y", "3");

        // Declined: the backup call ranks first when she looks, but may not go back to her for 30 s; the youth call may.
        await lin.DeclineOfferAsync(general.GetPrimaryKeyString());

        var next = await s.WaitForStateAsync(lin, PresenceState.Offered);
        Assert.Equal((youth.GetPrimaryKeyString(), youthQueue), (next.CallId, next.QueueKey));
    }

    [Fact]
    public async Task Supervisor_offering_a_call_wins_over_the_counselors_own_choice_of_queue()
    {
        var (s, youthQueue, lin) = await YouthAndBackupAsync();
        var youth = await s.PlaceCallAsync("y", "3");
        var crisis = await s.PlaceCallAsync("k", "1");
        await crisis.MoveToQueueAsync(s.Backup, "sup-1");
        await lin.ChangePresenceAsync(PresenceState.Available, "signed in");
        await s.WaitForStateAsync(lin, PresenceState.Offered);
        await crisis.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorRingFailed, s.NextKey(), fixture.Time.GetUtcNow(), lin.GetPrimaryKeyString()));

        // She is kept for the crisis (its retry pause is not over), but the supervisor decides otherwise.
        await s.Queue(youthQueue).OfferToAsync(youth.GetPrimaryKeyString(), lin.GetPrimaryKeyString());

        var offered = await lin.GetAsync();
        Assert.Equal((PresenceState.Offered, youth.GetPrimaryKeyString(), youthQueue), (offered.State, offered.CallId, offered.QueueKey));
    }

    /// <summary>A centre with a youth queue as well, and counsellor "lin" (signed out) who serves youth and backup.</summary>
    private async Task<(Scenario S, string YouthQueue, ICounselorGrain Lin)> YouthAndBackupAsync(int youthPriority = 900, string[]? queues = null)
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        var config = (await centre.GetConfigAsync())!;
        await centre.ConfigureAsync(config with
        {
            Queues = [.. config.Queues, new QueueConfig { QueueId = "youth", DisplayName = "青少年", RequiredSkill = "youth" }],
            IvrOptions = [config.IvrOptions[0], config.IvrOptions[1], config.IvrOptions[2] with { QueueId = "youth", BasePriority = youthPriority }],
        });
        var lin = s.Counselor("lin");
        await lin.SetProfileAsync(new CounselorProfile(s.CentreId, "lin", [new SkillLevel("youth", 3)], ["cmn"], [.. queues ?? ["youth", "backup"]]));
        await centre.AddCounselorAsync(lin.GetPrimaryKeyString());
        return (s, $"{s.CentreId}/youth", lin);
    }
}
