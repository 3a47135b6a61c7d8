using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Tests.Fixtures;
using HotlineCenter.Testing;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Keep-place callbacks: answered only when the caller picks up; busy or no answer retried after the centre's spacing, then given up with an alert.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CallbackRetryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Unanswered_callback_is_retried_after_the_spacing_and_counts_as_answered_only_when_the_caller_picks_up()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await CallbackPendingAsync(s, "retry");
        var wang = await s.AvailableCounselorAsync("wang");

        await DialAsync(s, call, wang);
        var notAnswered = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackNotAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var statsAfterFirst = await StatsAsync(s, call);
        fixture.Time.Advance(TimeSpan.FromSeconds(299));
        await s.WaitForStateAsync(wang, PresenceState.Available);
        var queueBeforeSpacing = await s.Queue(s.General).GetAsync();
        var stillPending = await call.GetAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await DialAsync(s, call, wang);
        var answered = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var stats = await Eventually.MatchesAsync(() => StatsAsync(s, call), d => d.Answered == 1, "answered counted");

        Assert.Equal((CallStatus.CallbackPending, (string?)null), (notAnswered.Status, notAnswered.CounselorId));
        Assert.Equal(0, statsAfterFirst.Answered);
        Assert.Empty(queueBeforeSpacing.Waiting);
        Assert.Equal(CallStatus.CallbackPending, stillPending.Status);
        Assert.Equal(CallStatus.Connected, answered.Status);
        Assert.Equal(
            [(TimelineKind.CallbackDialled, "dial 1"), (TimelineKind.CallbackNotAnswered, null), (TimelineKind.Queued, "callback retry 2"), (TimelineKind.CallbackDialled, "dial 2"), (TimelineKind.CallbackAnswered, "dial 2")],
            answered.Timeline.Where(t => t.Kind is TimelineKind.CallbackDialled or TimelineKind.CallbackNotAnswered or TimelineKind.CallbackAnswered || (t.Kind == TimelineKind.Queued && t.Detail?.StartsWith("callback", StringComparison.Ordinal) == true))
                .Select(t => (t.Kind, t.Kind == TimelineKind.CallbackNotAnswered ? null : t.Detail)));
        Assert.Equal(2, fixture.Port.For(call.GetPrimaryKeyString()).Count(r => r.Action == "call-back"));
        Assert.Equal((1, 0), (stats.Answered, stats.Abandoned));
    }

    [Fact]
    public async Task Callback_gives_up_after_the_centres_dial_count_as_an_abandoned_call_with_an_alert()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { CallbackAttempts = 2, CallbackRetrySeconds = 60 });
        var call = await CallbackPendingAsync(s, "giveup");
        var wang = await s.AvailableCounselorAsync("wang");

        await DialAsync(s, call, wang);
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackNotAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        await DialAsync(s, call, wang);
        var failed = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackNotAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var alert = await Eventually.MatchesAsync(
            fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.CallbackFailed), "failed-callback alert");
        var stats = await Eventually.MatchesAsync(() => StatsAsync(s, call), d => d.Abandoned == 1, "abandoned counted");
        await s.WaitForStateAsync(wang, PresenceState.WrapUp);

        Assert.Equal(CallStatus.Abandoned, failed.Status);
        Assert.Equal(TimelineKind.CallbackFailed, failed.Timeline[^1].Kind);
        Assert.Equal((call.GetPrimaryKeyString(), true), alert.Where(a => a.Kind == AlertKind.CallbackFailed).Select(a => (a.CallId!, a.Critical)).Single());
        Assert.Equal((0, 1), (stats.Answered, stats.Abandoned));
        Assert.Empty((await s.Queue(s.General).GetAsync()).Waiting);
    }

    [Fact]
    public async Task Callback_answered_on_the_first_dial_ends_as_a_handled_call_when_the_caller_hangs_up()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await CallbackPendingAsync(s, "once");
        var wang = await s.AvailableCounselorAsync("wang");

        await DialAsync(s, call, wang);
        var beforePickUp = await StatsAsync(s, call);
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var lateNoAnswer = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallbackNotAnswered, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var ended = await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));
        var stats = await Eventually.MatchesAsync(() => StatsAsync(s, call), d => d.Answered == 1 && d.Handled == 1, "answered and handled");

        Assert.Equal(0, beforePickUp.Answered);
        Assert.Equal(CallStatus.Connected, lateNoAnswer.Status);
        Assert.Equal(CallStatus.Ended, ended.Status);
        Assert.Equal((1, 1, 0), (stats.Answered, stats.Handled, stats.Abandoned));
    }

    private static async Task<ICallGrain> CallbackPendingAsync(Scenario s, string name)
    {
        var call = await s.PlaceCallAsync(name, "2");
        await call.RequestCallbackAsync(s.NextKey());
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), default, null));
        return call;
    }

    private static async Task DialAsync(Scenario s, ICallGrain call, ICounselorGrain counselor)
    {
        await s.WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "callback dialled");
    }

    private async Task<DayStats> StatsAsync(Scenario s, ICallGrain call)
    {
        var arrived = (await call.GetAsync()).ArrivedAt!.Value;
        return await fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.Key(s.CentreId, arrived)).GetAsync();
    }
}
