using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// A call answered by two counsellors in turn (the first one's leg dropped and the caller went back to the front of the
/// queue) has a record part each: each drafts, is watched for and finishes their own; the case, the follow-up and the
/// statistics follow the parts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RecordPartsTests(ClusterFixture fixture)
{
    private static readonly RiskAssessment HighRisk = new() { Factors = [new FactorTick(RiskFactor.IdeationNow), new FactorTick(RiskFactor.ExpressedIntentToDie)] };

    private static ContactRecord Finished(string category) => new()
    {
        Risk = RiskLevel.NoneOrLow, ProblemCategories = [category], Outcome = "情绪平稳", AgeBand = "25-34", Gender = "female", RepeatCaller = false,
    };

    /// <summary>wang answers, drafts high risk, his leg drops; the caller goes back to the queue and li answers.</summary>
    private async Task<(Scenario S, ICallGrain Call, string Wang, string Li)> RequeuedToSecondCounselorAsync(string name)
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = await s.AvailableCounselorAsync("wang");
        var call = await s.PlaceCallAsync(name, "2");
        var callId = call.GetPrimaryKeyString();
        await s.WaitForStateAsync(wang, PresenceState.Offered);
        await wang.AcceptOfferAsync(callId);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "connected to wang");
        await Record(call).SaveDraftAsync(new ContactRecord { Assessment = HighRisk, ProblemCategories = ["情绪"] }, wang.GetPrimaryKeyString());

        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorHungUp, s.NextKey(), fixture.Time.GetUtcNow(), wang.GetPrimaryKeyString()));
        var li = await s.AvailableCounselorAsync("li");
        await s.WaitForStateAsync(li, PresenceState.Offered);
        await li.AcceptOfferAsync(callId);
        await s.WaitForCallAsync(call, c => c.Status == CallStatus.Connected && c.CounselorId == li.GetPrimaryKeyString(), "connected to li");
        return (s, call, wang.GetPrimaryKeyString(), li.GetPrimaryKeyString());
    }

    [Fact]
    public async Task Both_counselors_of_a_requeued_call_finish_their_own_part_and_the_first_ones_high_risk_draft_opened_the_case()
    {
        var (s, call, wang, li) = await RequeuedToSecondCounselorAsync("two");
        var record = Record(call);

        // The first counsellor's draft is still theirs, and high risk opened the case while it was a draft.
        var caseView = await Eventually.MatchesAsync(() => fixture.Grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(call.GetPrimaryKeyString())).GetAsync(), c => c.Status == CaseStatus.Open, "the case from wang's draft");
        var liSubmitted = await record.SubmitAsync(Finished("家庭"), li);
        var wangDraft = await record.GetPartAsync(wang);
        await call.EndByCounselorAsync(li);
        var wangSubmitted = await record.SubmitAsync(wangDraft.Record with { Outcome = "已转接", FollowUpPlan = "24小时内回访", AgeBand = "25-34", Gender = "female" }, wang);
        var parts = await record.GetPartsAsync();

        Assert.Equal(CaseTrigger.Assessment, caseView.Trigger);
        Assert.Equal((RecordStatus.Draft, RiskLevel.High), (wangDraft.Status, wangDraft.Record.Risk));
        Assert.Equal([wang, li], parts.Select(p => p.CounselorId));
        Assert.All(parts, p => Assert.Equal(RecordStatus.Submitted, p.Status));
        Assert.Equal(("家庭", "情绪"), (liSubmitted.Record.ProblemCategories.Single(), wangSubmitted.Record.ProblemCategories.Single()));
        Assert.Equal(wang, (await record.GetAsync()).CounselorId);

        // wang's high-risk part scheduled the follow-up, for him.
        var followUp = await fixture.Grains.GetGrain<IFollowUpGrain>(call.GetPrimaryKeyString()).GetAsync();
        Assert.Equal((wang, RiskLevel.High, FollowUpStatus.Open), (followUp.Item.CounselorId, followUp.Item.Risk, followUp.Item.Status));

        // The call knows both, in turn.
        Assert.Equal<string>([wang, li], (await call.GetAsync()).CounselorsInTurn);
    }

    [Fact]
    public async Task Each_part_is_watched_from_its_own_counselors_end_and_alerts_and_resolves_on_its_own()
    {
        var (s, call, wang, li) = await RequeuedToSecondCounselorAsync("watch");
        var record = Record(call);
        var alerts = fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);
        var wangAlert = $"record-not-submitted:{call.GetPrimaryKeyString()}:{wang}";
        var liAlert = $"record-not-submitted:{call.GetPrimaryKeyString()}:{li}";
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await call.EndByCounselorAsync(li);
        await record.SubmitAsync(Finished("学业"), li);

        // wang's part is due 30 minutes after his leg dropped, li's was submitted in time.
        fixture.Time.Advance(TimeSpan.FromMinutes(21));
        var raised = await Eventually.MatchesAsync(alerts.GetCurrentAsync, list => list.Any(a => a.AlertId == wangAlert), "wang's part overdue");
        await record.SubmitAsync((await record.GetPartAsync(wang)).Record with { Outcome = "已转接", FollowUpPlan = "明日回访", AgeBand = "unknown", Gender = "unknown" }, wang);
        var history = await Eventually.MatchesAsync(alerts.GetHistoryAsync, list => list.Any(a => a.AlertId == wangAlert && a.Status == AlertStatus.Resolved), "wang's alert resolved");

        var alert = raised.Single(a => a.AlertId == wangAlert);
        Assert.Equal((AlertKind.RecordNotSubmitted, true, wang), (alert.Kind, alert.Critical, alert.CounselorId));
        Assert.DoesNotContain(history, a => a.AlertId == liAlert);
    }

    [Fact]
    public async Task A_counselor_the_call_never_reached_writes_no_part_and_a_second_answer_counts_once()
    {
        var (s, call, wang, li) = await RequeuedToSecondCounselorAsync("stranger");
        var stranger = await s.AvailableCounselorAsync("zhao");

        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => Record(call).SaveDraftAsync(Finished("其他"), stranger.GetPrimaryKeyString()));
        await Record(call).SubmitAsync(Finished("其他"), li);
        await Record(call).SubmitAsync(Finished("其他") with { Risk = RiskLevel.Moderate, FollowUpPlan = "三天内回访" }, wang);
        var snapshot = await call.GetAsync();
        var hour = fixture.Grains.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(s.CentreId, snapshot.ArrivedAt!.Value));
        var figures = await Eventually.MatchesAsync(hour.GetAsync, f => f.RecordsSubmitted == 2, "both parts counted");

        Assert.Equal("record.not-yours", refused.Code);
        Assert.Equal(RecordStatus.Empty, (await Record(call).GetPartAsync(stranger.GetPrimaryKeyString())).Status);
        Assert.Equal((1, 1, 1), (figures.Received, figures.Answered, figures.Categories["其他"]));
        Assert.Equal(1, figures.RiskLevels.Values.Sum());
    }

    [Fact]
    public void A_record_stored_before_parts_reads_as_its_counselors_part_with_its_watch_and_alert()
    {
        var due = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
        var legacy = new HotlineCenter.Grains.Records.ContactRecordState
        {
            Status = RecordStatus.Draft, Record = new ContactRecord { Outcome = "旧草稿" }, CounselorId = "c-wang", SavedAt = due.AddMinutes(-40),
            SubmitDueAt = due, WatchCentreId = "xa-12356", WatchCounselorId = "c-wang", OverdueAlertRaised = true,
        };

        legacy.ReadPartBeforeParts("CA1");
        legacy.ReadPartBeforeParts("CA1");

        var part = Assert.Single(legacy.Parts);
        Assert.Equal("c-wang", part.Key);
        Assert.Equal((RecordStatus.Draft, "旧草稿", due, "xa-12356", true, "record-not-submitted:CA1"),
            (part.Value.Status, part.Value.Record.Outcome, part.Value.SubmitDueAt, part.Value.WatchCentreId, part.Value.OverdueAlertRaised, part.Value.OverdueAlertId));
        Assert.Equal(["c-wang"], legacy.PartOrder);
        Assert.Equal("c-wang", legacy.LastSavedBy);
    }

    private IContactRecordGrain Record(ICallGrain call) => fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());
}
