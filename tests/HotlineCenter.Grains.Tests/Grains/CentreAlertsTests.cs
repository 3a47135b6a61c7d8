using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Alerts raised by the grains where things happen, resolved when the situation ends, kept until acknowledged when they are crises.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CentreAlertsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Crisis_caller_waiting_is_raised_by_the_queue_and_stays_after_the_answer_until_acknowledged()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("cw", "1");
        var alertId = $"crisis-waiting:{call.GetPrimaryKeyString()}";
        var raised = await Current(s, alertId, a => a is { Status: AlertStatus.Active }, "crisis waiting raised");

        var wang = await s.AvailableCounselorAsync("wang");
        await s.WaitForStateAsync(wang, PresenceState.Offered);
        await wang.AcceptOfferAsync(call.GetPrimaryKeyString());
        var resolved = await Current(s, alertId, a => a is { Status: AlertStatus.Resolved }, "crisis waiting resolved by the answer");
        var acknowledged = await Alerts(s).AcknowledgeAsync(alertId, "sup-zhao");
        var current = await Alerts(s).GetCurrentAsync();
        var history = await Alerts(s).GetHistoryAsync();

        Assert.Equal((AlertKind.CrisisWaiting, true, call.GetPrimaryKeyString()), (raised!.Kind, raised.Critical, raised.CallId));
        Assert.Null(resolved!.AcknowledgedAt);
        Assert.Equal("sup-zhao", acknowledged.AcknowledgedBy);
        Assert.DoesNotContain(current, a => a.AlertId == alertId);
        Assert.Equal(("sup-zhao", AlertStatus.Resolved), history.Where(a => a.AlertId == alertId).Select(a => (a.AcknowledgedBy, a.Status)).Single());
    }

    [Fact]
    public async Task Ivr_crisis_nobody_answers_rings_the_on_call_number_once_for_the_call()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Alerts(s).ConfigureAsync(new AlertSettings { OnCallNumber = "+8613900000001" });
        var call = await s.PlaceCallAsync("alone", "1");
        var id = call.GetPrimaryKeyString();
        await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync,
            list => list.Any(a => a.AlertId == $"crisis-waiting:{id}") && list.Any(a => a.AlertId == $"crisis-case:case-{id}"), "both crisis alerts raised");

        fixture.Time.Advance(TimeSpan.FromSeconds(180));
        var widened = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync,
            list => list.Count(a => a.CallId == id && a.Widened == 2) == 2, "both alerts at the on-call level");

        Assert.Single(fixture.Port.OnCall, n => n.CentreId == s.CentreId);
        Assert.All(widened.Where(a => a.CallId == id), a => Assert.Null(a.OnCallFailure));
    }

    [Fact]
    public async Task Raised_hand_is_an_alert_until_the_hand_is_lowered()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = await s.AvailableCounselorAsync("wang");

        await wang.SetHandRaisedAsync(true);
        var raised = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => list.Any(a => a.Kind == AlertKind.HandRaised), "hand raised");
        await wang.SetHandRaisedAsync(false);
        var lowered = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => !list.Any(a => a.Kind == AlertKind.HandRaised), "hand alert gone");
        var history = await Alerts(s).GetHistoryAsync();

        var hand = raised.Single(a => a.Kind == AlertKind.HandRaised);
        Assert.Equal((wang.GetPrimaryKeyString(), false), (hand.CounselorId, hand.Critical));
        Assert.Empty(lowered);
        Assert.Equal(AlertStatus.Resolved, history.Single(a => a.AlertId == hand.AlertId).Status);
    }

    [Fact]
    public async Task Missed_offer_is_an_alert_until_the_counsellor_is_back()
    {
        var s = await Scenario.CreateAsync(fixture);
        var li = await s.AvailableCounselorAsync("li");
        await s.PlaceCallAsync("mo", "2");
        await s.WaitForStateAsync(li, PresenceState.Offered);

        fixture.Time.Advance(TimeSpan.FromSeconds(21));
        await s.WaitForStateAsync(li, PresenceState.NotResponding);
        var raised = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => list.Any(a => a.Kind == AlertKind.OfferTimedOut), "offer timed out");
        await li.ChangePresenceAsync(PresenceState.Available, "back");
        await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => !list.Any(a => a.Kind == AlertKind.OfferTimedOut), "offer alert resolved");

        Assert.Equal(li.GetPrimaryKeyString(), raised.Single(a => a.Kind == AlertKind.OfferTimedOut).CounselorId);
    }

    [Fact]
    public async Task Long_wait_and_overflow_are_raised_by_the_queue_and_end_when_the_caller_leaves()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("lw", "2");
        var id = call.GetPrimaryKeyString();

        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        var raised = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync,
            list => list.Any(a => a.AlertId == $"long-wait:{id}") && list.Any(a => a.AlertId == $"overflow:{id}:{s.General}"), "long wait and overflow raised");
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var after = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => list.Length == 0, "alerts resolved after the hang-up");

        Assert.Equal([(AlertKind.LongWait, false), (AlertKind.Overflow, false)], raised.OrderBy(a => a.Kind).Select(a => (a.Kind, a.Critical)));
        Assert.Empty(after);
    }

    [Fact]
    public async Task Alert_settings_are_validated()
    {
        var s = await Scenario.CreateAsync(fixture);

        var bad = await Assert.ThrowsAsync<HotlineRuleException>(() => Alerts(s).ConfigureAsync(new AlertSettings { WidenAfterSeconds = 200, OnCallAfterSeconds = 100, OnCallNumber = "13900000000" }));

        Assert.Equal("alert.invalid-settings", bad.Code);
        Assert.Equal("the on-call notification must come after the widening and within 7200 seconds; the on-call number must be E.164 (+ and 3–19 digits)", bad.Message);
        Assert.Equal(new AlertSettings(), await Alerts(s).GetSettingsAsync());
    }

    private ICentreAlertsGrain Alerts(Scenario s) => fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);

    private async Task<CentreAlert?> Current(Scenario s, string alertId, Func<CentreAlert?, bool> condition, string what) =>
        (await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => condition(list.FirstOrDefault(a => a.AlertId == alertId)), what))
        .FirstOrDefault(a => a.AlertId == alertId);
}
