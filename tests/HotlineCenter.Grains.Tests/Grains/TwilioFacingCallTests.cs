using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Caseload;
using HotlineCenter.Grains.Tests.Fixtures;
using HotlineCenter.Testing;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// What the call and follow-up grains keep for the provider: the conference's SID (so participants can be changed), the
/// once-per-call callback offer (so every node agrees), and the provider's outcome of a follow-up dial.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TwilioFacingCallTests(ClusterFixture fixture)
{
    private static readonly string First = "CF" + new string('1', 32);
    private static readonly string Second = "CF" + new string('2', 32);

    [Fact]
    public async Task The_call_keeps_its_conference_sid_a_newer_one_replaces_it_and_its_end_clears_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("conf", "2");

        await call.NoteConferenceAsync(First);
        await call.NoteConferenceAsync(First);
        var first = (await call.GetAsync()).ConferenceSid;
        await call.NoteConferenceAsync(Second);
        await call.ConferenceEndedAsync(First);
        var afterOldEnd = (await call.GetAsync()).ConferenceSid;
        await call.ConferenceEndedAsync(Second);

        Assert.Equal((First, Second), (first, afterOldEnd));
        Assert.Null((await call.GetAsync()).ConferenceSid);
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => call.NoteConferenceAsync("call-CA1"));
        Assert.Equal("call.invalid-conference", refused.Code);
    }

    [Fact]
    public async Task The_callback_offer_is_claimed_once_after_the_centres_wait_and_never_for_a_caller_who_cannot_be_called_back()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("offer", "2");
        var anonymous = s.Call("anon");
        await anonymous.ArriveAsync(new CallArrival(s.CentreId, "test", new CallerRef(Keys.AnonymousCaller, "匿名来电", null), s.NextKey()));
        await anonymous.ChooseAsync(new IvrChoice("2", s.NextKey()));

        var early = await call.ClaimCallbackOfferAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(120));
        var due = await call.ClaimCallbackOfferAsync();
        var again = await call.ClaimCallbackOfferAsync();
        var anonymousDue = await anonymous.ClaimCallbackOfferAsync();

        Assert.Equal((false, true, false, false), (early, due, again, anonymousDue));
    }

    [Fact]
    public async Task Provider_outcomes_of_follow_up_dials_count_as_attempts_escalate_and_give_way_to_the_counselors_record()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "dials";
        var followUp = fixture.Grains.GetGrain<IFollowUpGrain>(callId);
        await fixture.Grains.GetGrain<ICaseloadGrain>(s.CentreId).PlanFollowUpAsync(new FollowUpSchedule(s.CentreId,
            new FollowUpItem(callId, wang, null, RiskLevel.High, fixture.Time.GetUtcNow(), fixture.Time.GetUtcNow().AddHours(24), FollowUpStatus.Open, 0, null, null),
            new CallerRef("hash-" + callId, "139****1111", "enc-" + callId)));

        for (var dial = 1; dial <= 3; dial++)
        {
            await followUp.DialAsync(wang);
            await followUp.ApplyDialOutcomeAsync(dial, FollowUpDialOutcome.Busy);
            await followUp.ApplyDialOutcomeAsync(dial, FollowUpDialOutcome.Busy);
        }

        var escalated = await followUp.GetAsync();
        var alert = await Eventually.MatchesAsync(fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId).GetCurrentAsync,
            a => a.Any(x => x.Kind == AlertKind.FollowUpEscalated && x.CallId == callId), "escalated alert");
        var reached = await followUp.RecordOutcomeAsync(wang, FollowUpOutcome.Reached, "对方回拨后接通");
        var late = await followUp.ApplyDialOutcomeAsync(3, FollowUpDialOutcome.Completed);

        Assert.Equal((FollowUpStatus.Escalated, 3, 3), (escalated.Item.Status, escalated.Item.FailedAttempts, escalated.Item.Dials));
        Assert.All(escalated.Attempts, a => Assert.Equal((FollowUpRules.ProviderBy, FollowUpOutcome.NotReached, "Busy"), (a.By, a.Outcome, a.Note)));
        Assert.Equal([1, 2, 3], escalated.Attempts.Select(a => a.Dial));
        Assert.Contains(alert, a => a.Kind == AlertKind.FollowUpEscalated);
        // The counsellor's word on dial 3 replaces the provider's: two failed attempts, then reached.
        Assert.Equal((FollowUpStatus.Done, 2), (reached.Item.Status, reached.Item.FailedAttempts));
        Assert.Equal([(FollowUpRules.ProviderBy, 1), (FollowUpRules.ProviderBy, 2), (wang, 3)], reached.Attempts.Select(a => (a.By, a.Dial)));
        Assert.Equal((FollowUpStatus.Done, FollowUpDialOutcome.Completed), (late.Item.Status, late.Item.LastDialOutcome));
        Assert.Equal(3, fixture.Port.FollowUpDials.Count(d => d.FollowUpId == callId));
        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => followUp.ApplyDialOutcomeAsync(4, FollowUpDialOutcome.Busy));
        Assert.Equal("follow-up.unknown-dial", unknown.Code);
    }
}
