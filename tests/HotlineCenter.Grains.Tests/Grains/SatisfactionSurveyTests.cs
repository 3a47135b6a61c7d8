using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>The satisfaction survey: asked after the counsellor leaves where the centre has it, never after a crisis call, one rating per call.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SatisfactionSurveyTests(ClusterFixture fixture)
{
    private async Task<Scenario> CentreAsync(bool survey)
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { SatisfactionSurvey = survey });
        return s;
    }

    [Fact]
    public async Task The_caller_is_asked_instead_of_hung_up_and_one_rating_is_stored_with_the_call_and_counted_once()
    {
        var s = await CentreAsync(survey: true);
        var (call, wang) = await s.ConnectedCallAsync("rated", "wang");
        var id = call.GetPrimaryKeyString();

        await call.EndByCounselorAsync(wang.GetPrimaryKeyString());
        var rated = await call.RateServiceAsync(4, $"{id}:survey");
        await call.RateServiceAsync(4, $"{id}:survey");
        var second = await call.RateServiceAsync(1, $"{id}:survey-again");
        var hour = fixture.Grains.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(s.CentreId, rated.ArrivedAt!.Value));
        var figures = await Eventually.MatchesAsync(hour.GetAsync, f => f.SatisfactionResponses > 0, "the rating counted");

        Assert.Contains(("survey", null), fixture.Port.For(id));
        Assert.DoesNotContain(("hang-up", null), fixture.Port.For(id));
        Assert.Equal((4, 4), (rated.SatisfactionRating, second.SatisfactionRating));
        Assert.Contains(rated.Timeline, t => t.Kind == TimelineKind.SatisfactionSurvey && t.Detail == "rated 4");
        Assert.Equal((1, 4, 1), (figures.SatisfactionResponses, figures.SatisfactionTotal, figures.SatisfiedResponses));
    }

    [Fact]
    public async Task A_crisis_call_is_never_asked_and_a_rating_for_it_is_refused()
    {
        var s = await CentreAsync(survey: true);
        var (call, wang) = await s.ConnectedCallAsync("crisis", "wang");
        var id = call.GetPrimaryKeyString();
        await call.DeclareCrisisAsync(wang.GetPrimaryKeyString());

        await call.EndByCounselorAsync(wang.GetPrimaryKeyString());
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => call.RateServiceAsync(5, $"{id}:survey"));

        Assert.Contains(("hang-up", null), fixture.Port.For(id));
        Assert.DoesNotContain(("survey", null), fixture.Port.For(id));
        Assert.Equal("call.not-surveyed", refused.Code);
        Assert.Null((await call.GetAsync()).SatisfactionRating);
    }

    [Fact]
    public async Task Without_the_centres_survey_the_call_ends_and_nothing_can_be_rated_and_a_rating_off_the_scale_is_refused()
    {
        var off = await CentreAsync(survey: false);
        var (call, wang) = await off.ConnectedCallAsync("off", "wang");
        var id = call.GetPrimaryKeyString();
        await call.EndByCounselorAsync(wang.GetPrimaryKeyString());

        var notAsked = await Assert.ThrowsAsync<HotlineRuleException>(() => call.RateServiceAsync(3, $"{id}:survey"));
        var offScale = await Assert.ThrowsAsync<HotlineRuleException>(() => call.RateServiceAsync(6, $"{id}:survey"));
        var noKey = await Assert.ThrowsAsync<HotlineRuleException>(() => call.RateServiceAsync(3, ""));

        Assert.Contains(("hang-up", null), fixture.Port.For(id));
        Assert.Equal(("call.not-surveyed", "call.invalid-rating", "event.invalid-key"), (notAsked.Code, offScale.Code, noKey.Code));
        Assert.Null((await call.GetAsync()).SatisfactionRating);
    }
}
