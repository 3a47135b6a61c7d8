using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Illegal_transition_is_rejected_and_changes_nothing()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("he");
        var before = await counselor.GetAsync();

        var ex = await Assert.ThrowsAsync<HotlineRuleException>(() => counselor.AcceptOfferAsync("CAnothing"));
        Assert.Equal("offer.not-offered", ex.Code);
        var notSelfService = await Assert.ThrowsAsync<HotlineRuleException>(() => counselor.ChangePresenceAsync(PresenceState.OnCall, "cheat"));
        Assert.Equal("presence.not-self-service", notSelfService.Code);
        var wrapUp = await Assert.ThrowsAsync<HotlineRuleException>(() => counselor.CompleteWrapUpAsync());
        Assert.Equal("presence.not-in-wrap-up", wrapUp.Code);

        var after = await counselor.GetAsync();
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.StateSince, after.StateSince);
        Assert.Equal(before.RecentChanges.Length, after.RecentChanges.Length);
    }

    [Fact]
    public async Task Raised_hand_is_kept_until_lowered_and_raising_twice_changes_nothing()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("xu");

        var raised = await counselor.SetHandRaisedAsync(true);
        var again = await counselor.SetHandRaisedAsync(true);
        var lowered = await counselor.SetHandRaisedAsync(false);

        Assert.NotNull(raised.HandRaisedAt);
        Assert.Equal(raised.HandRaisedAt, again.HandRaisedAt);
        Assert.Null(lowered.HandRaisedAt);
        Assert.Equal(PresenceState.Available, lowered.State);
    }

    [Fact]
    public async Task Counselor_on_a_call_cannot_go_offline_or_on_break()
    {
        var s = await Scenario.CreateAsync(fixture);
        var counselor = await s.AvailableCounselorAsync("lin");
        var call = await s.PlaceCallAsync("t", "2");
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());

        var ex = await Assert.ThrowsAsync<HotlineRuleException>(() => counselor.ChangePresenceAsync(PresenceState.Offline, "leaving"));

        Assert.Equal("presence.illegal-transition", ex.Code);
        Assert.Equal(PresenceState.OnCall, (await counselor.GetAsync()).State);
    }

    [Fact]
    public async Task Absurd_queue_configuration_is_rejected_and_previous_configuration_kept()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        var good = (await centre.GetConfigAsync())!;
        var bad = good with { Queues = [good.Queues[0] with { RingTimeoutSeconds = -5, AgingPointsPerSecond = double.NaN }, good.Queues[1]] };

        var ex = await Assert.ThrowsAsync<HotlineRuleException>(() => centre.ConfigureAsync(bad));

        Assert.Equal("centre.invalid-config", ex.Code);
        Assert.Contains("ringTimeoutSeconds", ex.Message);
        Assert.Contains("agingPointsPerSecond", ex.Message);
        Assert.Equal(20, (await centre.GetConfigAsync())!.Queues[0].RingTimeoutSeconds);
    }

    [Fact]
    public async Task Call_to_unknown_centre_is_a_clear_error_and_stores_nothing()
    {
        var call = fixture.Grains.GetGrain<ICallGrain>("CAunknowncentre");

        var ex = await Assert.ThrowsAsync<HotlineRuleException>(() =>
            call.ArriveAsync(new CallArrival("no-such-centre", "test", new CallerRef("h", "m"), "k1")));

        Assert.Equal("centre.unknown", ex.Code);
        Assert.Equal(CallStatus.New, (await call.GetAsync()).Status);
    }

    [Fact]
    public async Task Ending_a_call_that_is_not_yours_is_rejected()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("e", "2");

        var ex = await Assert.ThrowsAsync<HotlineRuleException>(() => call.EndByCounselorAsync("someone-else"));

        Assert.Equal("call.not-connected", ex.Code);
        Assert.Equal(CallStatus.Queued, (await call.GetAsync()).Status);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class AlertAcknowledgementTests(ClusterFixture fixture)
{
    [Fact]
    public async Task First_acknowledgement_stands_is_kept_and_an_unknown_alert_is_refused()
    {
        var alerts = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Alerts.ICentreAlertsGrain>("c" + Guid.NewGuid().ToString("N")[..8]);
        await alerts.RaiseAsync(new HotlineCenter.Abstractions.Alerts.AlertRaise("crisis-waiting:CA1", HotlineCenter.Abstractions.Alerts.AlertKind.CrisisWaiting, true, "CA1"));
        await Eventually.MatchesAsync(alerts.GetCurrentAsync, list => list.Any(a => a.AlertId == "crisis-waiting:CA1"), "alert raised");

        var first = await alerts.AcknowledgeAsync("crisis-waiting:CA1", "s-zhou");
        var second = await alerts.AcknowledgeAsync("crisis-waiting:CA1", "s-wu");
        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => alerts.AcknowledgeAsync("crisis-waiting:CA404", "s-zhou"));

        Assert.Equal(("s-zhou", first.AcknowledgedAt), (second.AcknowledgedBy, second.AcknowledgedAt));
        Assert.Equal("s-zhou", (await alerts.GetHistoryAsync()).Single(a => a.AlertId == "crisis-waiting:CA1").AcknowledgedBy);
        Assert.Equal("alert.unknown", unknown.Code);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class ContactRecordTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Draft_is_kept_then_submitted_once_by_the_counselor_who_took_the_call()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, _) = await s.ConnectedCallAsync("rec", "wang");
        var record = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(call.GetPrimaryKeyString());
        var wang = $"{s.CentreId}-wang";
        var draft = new HotlineCenter.Abstractions.Records.ContactRecord { ProblemCategories = ["家庭"], Note = "通话中" };

        var saved = await record.SaveDraftAsync(draft, wang);
        var stranger = await Assert.ThrowsAsync<HotlineRuleException>(() => record.SaveDraftAsync(draft, $"{s.CentreId}-li"));
        var incomplete = await Assert.ThrowsAsync<HotlineRuleException>(() => record.SubmitAsync(draft, wang));
        var submitted = await record.SubmitAsync(draft with { Risk = HotlineCenter.Abstractions.Records.RiskLevel.NoneOrLow, Outcome = "缓解", AgeBand = "unknown", Gender = "unknown" }, wang);
        var again = await Assert.ThrowsAsync<HotlineRuleException>(() => record.SubmitAsync(draft, wang));
        var unknownCall = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>("CA" + Guid.NewGuid().ToString("N"));
        var notTheirCall = await Assert.ThrowsAsync<HotlineRuleException>(() => unknownCall.SaveDraftAsync(draft, wang));

        Assert.Equal(HotlineCenter.Abstractions.Records.RecordStatus.Draft, saved.Status);
        Assert.Equal(("record.not-yours", "record.invalid", "record.submitted"), (stranger.Code, incomplete.Code, again.Code));
        Assert.Equal("record.not-yours", notTheirCall.Code);
        Assert.Equal(HotlineCenter.Abstractions.Records.RecordStatus.Submitted, submitted.Status);
        Assert.Equal("缓解", (await record.GetAsync()).Record.Outcome);
    }
}
