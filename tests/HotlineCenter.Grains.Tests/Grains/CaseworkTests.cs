using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>What outlives a call: the caller's history, crisis cases, follow-ups, and supervisor moves.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CaseworkTests(ClusterFixture fixture)
{
    private static readonly ContactRecord HighRisk = new()
    {
        Risk = RiskLevel.High, ProblemCategories = ["情绪"], Outcome = "安全计划已制定", FollowUpPlan = "24小时内回访", AgeBand = "25-34", Gender = "female",
    };

    [Fact]
    public async Task Second_call_from_the_same_caller_shows_prior_contact_risk_and_safety_plan_to_the_new_counselor_only()
    {
        var s = await Scenario.CreateAsync(fixture);
        var caller = "h" + Guid.NewGuid().ToString("N");
        var (first, wang) = await s.ConnectedCallAsync("one", "wang", caller);
        var wangId = wang.GetPrimaryKeyString();
        var firstContext = await CallerOf(first, wangId).GetContextAsync(first.GetPrimaryKeyString());
        await Record(first).SubmitAsync(HighRisk, wangId);
        await CallerOf(first, wangId).SetSafetyPlanAsync("联系姐姐；远离药物", wangId);
        await first.EndByCounselorAsync(wangId);

        var (second, li) = await s.ConnectedCallAsync("two", "li", caller);
        var context = await CallerOf(second, li.GetPrimaryKeyString()).GetContextAsync(second.GetPrimaryKeyString());
        var notYours = await Assert.ThrowsAsync<HotlineRuleException>(() => second.GetCallerKeyForAsync(wangId));

        Assert.False(firstContext.IsRepeat);
        Assert.True(context.IsRepeat);
        Assert.Equal(1, context.TotalContacts);
        Assert.Equal(RiskLevel.High, context.LastRisk);
        Assert.Equal(first.GetPrimaryKeyString(), Assert.Single(context.RecentContacts).CallId);
        Assert.Contains(context.ActiveFlags, f => f is { Kind: CallerFlagKind.HighRisk, Automatic: true });
        Assert.Equal("联系姐姐；远离药物", context.SafetyPlan?.Text);
        Assert.Equal("call.not-yours", notYours.Code);
    }

    [Fact]
    public async Task Withheld_callers_get_no_caller_profile_so_one_withheld_caller_never_sees_anothers_history()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (first, wang) = await s.ConnectedCallAsync("anon-one", "wang", Keys.AnonymousCaller);
        var wangId = wang.GetPrimaryKeyString();
        var firstKey = await first.GetCallerKeyForAsync(wangId);
        await Record(first).SubmitAsync(HighRisk, wangId);
        await first.EndByCounselorAsync(wangId);

        var (second, li) = await s.ConnectedCallAsync("anon-two", "li", Keys.AnonymousCaller);
        var secondKey = await second.GetCallerKeyForAsync(li.GetPrimaryKeyString());

        // Nothing reached the one profile every withheld caller would share: no arrival, no contact, no risk.
        var shared = await fixture.Grains.GetGrain<ICallerGrain>(Keys.AnonymousCaller).GetContextAsync(null);
        Assert.Equal((null, null), (firstKey, secondKey));
        Assert.Equal((false, 0, 0), (shared.IsRepeat, shared.TotalContacts, shared.CallsLast30Days));
        Assert.Null(shared.LastContactAt);
    }

    [Fact]
    public async Task Submitting_a_high_risk_record_opens_a_crisis_case_and_a_24_hour_follow_up_for_the_counselor()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("hr", "wang");
        var before = fixture.Time.GetUtcNow();

        await Record(call).SubmitAsync(HighRisk, wang.GetPrimaryKeyString());
        var caseload = await Caseload(s).GetAsync();

        var crisis = Assert.Single(caseload.OpenCrises);
        Assert.Equal((call.GetPrimaryKeyString(), CrisisSource.RiskAssessed, RiskLevel.High), (crisis.CallId, crisis.Source, crisis.Risk));
        var followUp = Assert.Single(caseload.OpenFollowUps);
        Assert.Equal(wang.GetPrimaryKeyString(), followUp.CounselorId);
        Assert.Equal(before.AddHours(24), followUp.DueAt);
        Assert.Equal("138****0000", followUp.MaskedNumber);
    }

    [Fact]
    public async Task Crisis_button_marks_the_call_and_opens_one_case_however_often_pressed()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("cb", "wang");

        var marked = await call.DeclareCrisisAsync(wang.GetPrimaryKeyString());
        await call.DeclareCrisisAsync(wang.GetPrimaryKeyString());
        var stranger = await Assert.ThrowsAsync<HotlineRuleException>(() => call.DeclareCrisisAsync("someone-else"));

        Assert.True(marked.IsCrisis);
        Assert.Single(marked.Timeline, t => t.Kind == TimelineKind.CrisisDeclared);
        Assert.Equal(CrisisSource.Declared, Assert.Single((await Caseload(s).GetAsync()).OpenCrises).Source);
        Assert.Equal("call.not-connected", stranger.Code);
    }

    [Fact]
    public async Task Follow_up_escalates_after_three_failed_attempts_and_closes_when_the_caller_is_reached()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("fu", "wang");
        await Record(call).SubmitAsync(HighRisk with { Risk = RiskLevel.Moderate }, wang.GetPrimaryKeyString());
        var id = call.GetPrimaryKeyString();

        var afterTwo = await Caseload(s).RecordFollowUpAttemptAsync(id, wang.GetPrimaryKeyString(), reached: false);
        afterTwo = await Caseload(s).RecordFollowUpAttemptAsync(id, wang.GetPrimaryKeyString(), reached: false);
        var afterThree = await Caseload(s).RecordFollowUpAttemptAsync(id, wang.GetPrimaryKeyString(), reached: false);
        var reached = await Caseload(s).RecordFollowUpAttemptAsync(id, wang.GetPrimaryKeyString(), reached: true);

        Assert.Equal(FollowUpStatus.Open, Assert.Single(afterTwo.OpenFollowUps).Status);
        Assert.Equal(FollowUpStatus.Escalated, Assert.Single(afterThree.OpenFollowUps).Status);
        Assert.Empty(reached.OpenFollowUps);
        Assert.Empty(reached.OpenCrises);
    }

    [Fact]
    public async Task Supervisor_moves_a_waiting_call_to_another_queue_of_the_centre_and_it_keeps_its_wait()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("mv", "2");
        var queued = await s.WaitForCallAsync(call, c => c.Status == CallStatus.Queued, "call queued");

        var moved = await call.MoveToQueueAsync(s.Backup, "s-zhou");
        var elsewhere = await Assert.ThrowsAsync<HotlineRuleException>(() => call.MoveToQueueAsync("other-centre/general", "s-zhou"));

        Assert.Equal(s.Backup, moved.QueueKey);
        Assert.Equal(queued.QueuedAt, moved.QueuedAt);
        Assert.DoesNotContain((await s.Queue(s.General).GetAsync()).Waiting, w => w.CallId == call.GetPrimaryKeyString());
        Assert.Contains((await s.Queue(s.Backup).GetAsync()).Waiting, w => w.CallId == call.GetPrimaryKeyString());
        Assert.Equal("call.move-other-centre", elsewhere.Code);
    }

    [Fact]
    public async Task Connected_call_cannot_be_moved_but_can_be_taken_over_and_the_counselor_leaving_then_does_not_requeue_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("to", "wang");
        var wangId = wang.GetPrimaryKeyString();

        var notWaiting = await Assert.ThrowsAsync<HotlineRuleException>(() => call.MoveToQueueAsync(s.Backup, "s-zhou"));
        await call.TakeOverAsync("s-zhou");
        var counsellor = await wang.GetAsync();
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorHungUp, s.NextKey(), fixture.Time.GetUtcNow(), wangId));
        var stillConnected = await call.GetAsync();
        var supervisorSees = await call.GetCallerKeyForAsync("s-zhou");
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, s.NextKey(), fixture.Time.GetUtcNow(), null));

        Assert.Equal("call.not-waiting", notWaiting.Code);
        Assert.Equal(PresenceState.WrapUp, counsellor.State);
        Assert.Equal(CallStatus.Connected, stillConnected.Status);
        Assert.Contains(("stop-ringing", wangId), fixture.Port.For(call.GetPrimaryKeyString()));
        Assert.Equal("hash-to", supervisorSees);
        Assert.Equal(CallStatus.Ended, (await call.GetAsync()).Status);
    }

    [Fact]
    public async Task Supervisor_sends_a_waiting_call_to_a_free_counselor_outside_its_routing_and_a_busy_one_is_refused()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("st", "2");
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Queued, "call queued");
        await call.MoveToQueueAsync(s.Backup, "s-zhou");
        var wang = await s.AvailableCounselorAsync("wang");
        var busy = s.Counselor("li");
        await busy.SetProfileAsync(new CounselorProfile(s.CentreId, "li", [], ["cmn"], ["general"]));

        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => s.Queue(s.Backup).OfferToAsync(call.GetPrimaryKeyString(), busy.GetPrimaryKeyString()));
        var stillWaiting = Assert.Single((await s.Queue(s.Backup).GetAsync()).Waiting);
        await s.Queue(s.Backup).OfferToAsync(call.GetPrimaryKeyString(), wang.GetPrimaryKeyString());
        var offered = await s.WaitForStateAsync(wang, PresenceState.Offered);

        Assert.Equal("counselor.not-available", refused.Code);
        Assert.Null(stillWaiting.OfferedTo);
        Assert.Equal(call.GetPrimaryKeyString(), offered.CallId);
        Assert.Contains(("ring", wang.GetPrimaryKeyString()), fixture.Port.For(call.GetPrimaryKeyString()));
    }

    private IContactRecordGrain Record(ICallGrain call) => fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());

    private ICaseloadGrain Caseload(Scenario s) => fixture.Grains.GetGrain<ICaseloadGrain>(s.CentreId);

    private ICallerGrain CallerOf(ICallGrain call, string staffId) =>
        fixture.Grains.GetGrain<ICallerGrain>(call.GetCallerKeyForAsync(staffId).GetAwaiter().GetResult()!);
}
