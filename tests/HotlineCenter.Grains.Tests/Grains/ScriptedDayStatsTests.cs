using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// A scripted day of calls (see <see cref="ScriptedDay"/>) through the real grains, provider events re-delivered on the
/// way: the hour and day grains hold exactly the figures worked out by hand.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScriptedDayStatsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_day_and_its_hours_hold_exactly_the_hand_worked_figures_with_replayed_events_counted_once()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { Province = "陕西省", City = "西安市", SatisfactionSurvey = true });
        var wang = await s.AvailableCounselorAsync("wang");
        var script = new ScriptedDay(fixture.Grains, fixture.Time, s.CentreId, wang.GetPrimaryKeyString());

        await script.RunAsync();

        var day = fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(s.CentreId, script.Day));
        var figures = (await Eventually.MatchesAsync(day.GetFiguresAsync, f => Complete(f.Total), "the day's last events", timeoutMs: 30000)).Total;
        var hours = (await day.GetFiguresAsync()).Hours;
        var tomorrow = await Eventually.MatchesAsync(
            () => fixture.Grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(s.CentreId, script.Day.AddDays(1))).GetFiguresAsync(), f => f.Total.FollowUpsDue > 0, "tomorrow's due follow-up");

        Assert.Equal(
            (ScriptedDay.Expected.Received, ScriptedDay.Expected.Answered, ScriptedDay.Expected.Abandoned, ScriptedDay.Expected.AbandonedInIvr, ScriptedDay.Expected.AnsweredWithin20Seconds),
            (figures.Received, figures.Answered, figures.Abandoned, figures.AbandonedInIvr, figures.AnsweredWithin20Seconds));
        Assert.Equal(
            (ScriptedDay.Expected.TotalWaitAnsweredSeconds, ScriptedDay.Expected.TotalWaitAbandonedSeconds, ScriptedDay.Expected.LongestWaitSeconds, ScriptedDay.Expected.Handled, ScriptedDay.Expected.TotalHandleSeconds),
            (figures.TotalWaitAnsweredSeconds, figures.TotalWaitAbandonedSeconds, figures.LongestWaitSeconds, figures.Handled, figures.TotalHandleSeconds));
        Assert.Equal((ScriptedDay.Expected.CallbacksRequested, ScriptedDay.Expected.CallbacksDone), (figures.CallbacksRequested, figures.CallbacksDone));
        Assert.Equal(
            (ScriptedDay.Expected.LocalCallers, ScriptedDay.Expected.OutOfAreaCallers, ScriptedDay.Expected.UnknownOriginCallers),
            (figures.LocalCallers, figures.OutOfAreaCallers, figures.UnknownOriginCallers));
        Assert.Equal(
            (ScriptedDay.Expected.CrisisCalls, ScriptedDay.Expected.CrisisCases, ScriptedDay.Expected.HighRiskCalls, ScriptedDay.Expected.FirstTimeCallers, ScriptedDay.Expected.RepeatCallers, ScriptedDay.Expected.ThirdPartyCalls, ScriptedDay.Expected.RecordsSubmitted),
            (figures.CrisisCalls, figures.CrisisCases, figures.HighRiskCalls, figures.FirstTimeCallers, figures.RepeatCallers, figures.ThirdPartyCalls, figures.RecordsSubmitted));
        Assert.Equal(
            (ScriptedDay.Expected.SatisfactionResponses, ScriptedDay.Expected.SatisfactionTotal, ScriptedDay.Expected.SatisfiedResponses),
            (figures.SatisfactionResponses, figures.SatisfactionTotal, figures.SatisfiedResponses));
        Assert.Equal(
            (ScriptedDay.Expected.FollowUpsDue, ScriptedDay.Expected.FollowUpsDone, ScriptedDay.Expected.FollowUpsOverdue),
            (figures.FollowUpsDue, figures.FollowUpsDone, figures.FollowUpsOverdue));
        Assert.Equal(ScriptedDay.Expected.FollowUpsDueTomorrow, tomorrow.Total.FollowUpsDue);
        Assert.Equal(ScriptedDay.Expected.Categories, figures.Categories);
        Assert.Equal(ScriptedDay.Expected.AgeBands, figures.AgeBands);
        Assert.Equal(ScriptedDay.Expected.Genders, figures.Genders);
        Assert.Equal(ScriptedDay.Expected.RiskLevels, figures.RiskLevels);
        Assert.Equal(ScriptedDay.Expected.Referrals, figures.Referrals);
        Assert.Equal(ScriptedDay.Expected.Escalations, figures.Escalations);
        Assert.Equal(new Dictionary<string, int> { ["3"] = 1, ["5"] = 1 }, figures.Ratings);

        Assert.Equal(ScriptedDay.Expected.AnswerRate, figures.AnswerRate!.Value, 9);
        Assert.Equal(ScriptedDay.Expected.ServiceLevel, figures.ServiceLevel20!.Value, 9);
        Assert.Equal(ScriptedDay.Expected.AverageSpeedOfAnswer, figures.AverageSpeedOfAnswer!.Value, 9);
        Assert.Equal(ScriptedDay.Expected.AverageHandleTime, figures.AverageHandleTime!.Value, 9);
        Assert.Equal(ScriptedDay.Expected.AverageRating, figures.AverageRating!.Value, 9);

        // The day is the sum of its hours, and each hour holds what arrived in it.
        Assert.Equal(ScriptedDay.Expected.ReceivedByHour, Enumerable.Range(0, 24).Where(h => hours[h].Received > 0).ToDictionary(h => h, h => hours[h].Received));
        Assert.Equal(1, hours[12].FollowUpsDone);
        Assert.Equal((1, 1), (hours[8].AbandonedInIvr, hours[8].SatisfactionResponses));
        Assert.Equal(figures.TotalHandleSeconds, hours.Sum(h => h.TotalHandleSeconds));

        // The wallboard's day counters read the same day.
        var wallboard = await day.GetAsync();
        Assert.Equal((7, 4, 3, 2), (wallboard.Received, wallboard.Answered, wallboard.Abandoned, wallboard.CrisisCalls));
    }

    /// <summary>Every event of the script has landed (the last of each kind): the exact comparison follows.</summary>
    private static bool Complete(StatsFigures f) =>
        f.Received >= ScriptedDay.Expected.Received && f.Handled >= ScriptedDay.Expected.Handled && f.RecordsSubmitted >= ScriptedDay.Expected.RecordsSubmitted
        && f.SatisfactionResponses >= ScriptedDay.Expected.SatisfactionResponses && f.FollowUpsDone >= ScriptedDay.Expected.FollowUpsDone
        && f.Abandoned >= ScriptedDay.Expected.Abandoned && f.CrisisCases >= ScriptedDay.Expected.CrisisCases && f.Escalations.Count > 0
        && f.Categories.Values.Sum() >= 5 && f.Referrals.Values.Sum() >= 4 && f.CallbacksDone >= 1 && f.CrisisCalls >= 2 && f.LocalCallers + f.OutOfAreaCallers + f.UnknownOriginCallers >= 7;
}
