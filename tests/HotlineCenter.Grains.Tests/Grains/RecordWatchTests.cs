using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>A record nobody submitted is not forgotten when wrap-up ends: the server watches it and tells the supervisor.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RecordWatchTests(ClusterFixture fixture)
{
    [Fact]
    public async Task High_risk_draft_left_unsubmitted_after_wrap_up_alerts_the_supervisor_at_the_centres_time_and_submitting_resolves_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("unsubmitted", "wang");
        var wangId = wang.GetPrimaryKeyString();
        var record = fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());
        var high = new ContactRecord { Assessment = new RiskAssessment { Factors = [new FactorTick(RiskFactor.IdeationNow), new FactorTick(RiskFactor.ExpressedIntentToDie)] } };
        await record.SaveDraftAsync(high, wangId);
        await call.EndByCounselorAsync(wangId);
        var alerts = fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);
        var alertId = $"record-not-submitted:{call.GetPrimaryKeyString()}:{wangId}";

        fixture.Time.Advance(TimeSpan.FromMinutes(29));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => record.GetAsync()));
        var early = await alerts.GetCurrentAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var raised = await Eventually.MatchesAsync(alerts.GetCurrentAsync, list => list.Any(a => a.AlertId == alertId), "the unsubmitted-record alert");
        await record.SubmitAsync(high with { ProblemCategories = ["情绪"], Outcome = "情绪平稳", FollowUpPlan = "明日回访", AgeBand = "unknown", Gender = "unknown" }, wangId);
        var history = await Eventually.MatchesAsync(alerts.GetHistoryAsync, list => list.Any(a => a.AlertId == alertId && a.Status == AlertStatus.Resolved), "the alert resolved by the submission");

        Assert.DoesNotContain(early, a => a.AlertId == alertId);
        var alert = raised.Single(a => a.AlertId == alertId);
        Assert.Equal((AlertKind.RecordNotSubmitted, true, wangId, call.GetPrimaryKeyString()), (alert.Kind, alert.Critical, alert.CounselorId, alert.CallId));
        Assert.Equal(RecordStatus.Submitted, (await record.GetAsync()).Status);
        Assert.Single(history, a => a.AlertId == alertId);
        Assert.Equal(CallStatus.Ended, (await call.GetAsync()).Status);
    }
}
