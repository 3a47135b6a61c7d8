using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Alerts;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);

    private static CentreLiveSnapshot Snapshot(WaitingCallView[] waiting, CallSummary[]? calls = null, CounselorSnapshot[]? counselors = null) => new(
        "xa", 1,
        [new QueueSnapshot("xa/general", "综合", [.. waiting], 0, 0, 0, 0, Now)],
        [.. counselors ?? []],
        [.. calls ?? []],
        Now);

    private static WaitingCallView Waiting(string id, bool crisis, double waitedSeconds, bool overflow = false) =>
        new(id, 1, crisis, 0, Now.AddSeconds(-waitedSeconds), null, overflow);

    [Fact]
    public void Crisis_waiting_is_critical_at_once_and_listed_first()
    {
        var alerts = AlertRules.Derive(Snapshot([Waiting("CAg", false, 300), Waiting("CAk", true, 1)]), Now, TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.Equal([AlertKind.CrisisWaiting, AlertKind.LongWait], alerts.Select(a => a.Kind));
        Assert.True(alerts[0].Critical);
        Assert.Equal("crisis-waiting:CAk", alerts[0].AlertId);
    }

    [Fact]
    public void Ordinary_wait_alerts_only_past_the_threshold()
    {
        Assert.Empty(AlertRules.Derive(Snapshot([Waiting("CA1", false, 59)]), Now, TimeSpan.FromSeconds(60), TimeSpan.Zero));
        Assert.Single(AlertRules.Derive(Snapshot([Waiting("CA1", false, 60)]), Now, TimeSpan.FromSeconds(60), TimeSpan.Zero));
    }

    [Fact]
    public void Crisis_in_progress_overflow_and_missed_offers_are_raised()
    {
        var calls = new[] { new CallSummary("CAc", CallStatus.Connected, "xa/general", true, "c-wang", "m", Now.AddSeconds(-90), Now.AddSeconds(-30), Now) };
        var missed = new CounselorSnapshot("c-li", null, PresenceState.NotResponding, Now.AddSeconds(-5), null, null, null, null, []);

        var alerts = AlertRules.Derive(Snapshot([Waiting("CAo", false, 10, overflow: true)], calls, [missed]), Now, TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.Contains(alerts, a => a.Kind == AlertKind.CrisisInProgress && a.CounselorId == "c-wang" && a.Critical);
        Assert.Contains(alerts, a => a.Kind == AlertKind.Overflow && a.CallId == "CAo");
        Assert.Contains(alerts, a => a.Kind == AlertKind.OfferTimedOut && a.CounselorId == "c-li");
    }

    [Fact]
    public void Raised_hand_is_critical_only_while_the_counselor_is_with_a_caller()
    {
        var onCall = new CounselorSnapshot("c-wang", null, PresenceState.OnCall, Now, null, "CA1", "xa/general", null, [], null, Now.AddSeconds(-3));
        var onBreak = onCall with { CounselorId = "c-li", State = PresenceState.Break, CallId = null };

        var alerts = AlertRules.Derive(Snapshot([], null, [onCall, onBreak]), Now, TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.Equal([("c-wang", true), ("c-li", false)], alerts.Where(a => a.Kind == AlertKind.HandRaised).Select(a => (a.CounselorId!, a.Critical)));
    }

    [Fact]
    public void Alert_ids_are_stable_for_the_same_situation()
    {
        var snapshot = Snapshot([Waiting("CAk", true, 1)]);

        Assert.Equal(
            AlertRules.Derive(snapshot, Now, TimeSpan.FromSeconds(60), TimeSpan.Zero).Select(a => a.AlertId),
            AlertRules.Derive(snapshot, Now.AddMinutes(5), TimeSpan.FromSeconds(60), TimeSpan.Zero).Select(a => a.AlertId));
    }
}
