using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class StatsCounterTests
{
    private static DayStats Apply(params StatsEvent[] events) => events.Aggregate(DayStats.Empty, StatsCounter.Add);

    [Fact]
    public void Kpis_follow_the_contact_centre_definitions()
    {
        var s = Apply(
            new("a:r", CallOutcome.Received, 0, true), new("b:r", CallOutcome.Received, 0, false), new("c:r", CallOutcome.Received, 0, false),
            new("a:ans", CallOutcome.Answered, 10, true), new("b:ans", CallOutcome.Answered, 50, false),
            new("c:ab", CallOutcome.Abandoned, 80, false),
            new("a:h", CallOutcome.Handled, 600, true), new("b:h", CallOutcome.Handled, 1200, false));

        Assert.Equal((3, 2, 1, 1), (s.Received, s.Answered, s.Abandoned, s.CrisisCalls));
        Assert.Equal(2.0 / 3, s.AnswerRate!.Value, 6);
        Assert.Equal(30, s.AverageSpeedOfAnswer!.Value, 6);
        Assert.Equal(1.0 / 3, s.ServiceLevel20!.Value, 6);
        Assert.Equal(900, s.AverageHandleTime!.Value, 6);
        Assert.Equal(80, s.LongestWaitSeconds);
    }

    [Fact]
    public void No_calls_means_no_rates_rather_than_zero()
    {
        Assert.Null(DayStats.Empty.AnswerRate);
        Assert.Null(DayStats.Empty.AverageSpeedOfAnswer);
        Assert.Null(DayStats.Empty.ServiceLevel20);
        Assert.Null(DayStats.Empty.AverageHandleTime);
    }

    [Fact]
    public void Day_is_the_china_standard_time_day()
    {
        Assert.Equal("xa/2026-11-25", StatsCounter.Key("xa", new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero)));
        Assert.Equal("xa/2026-11-24", StatsCounter.Key("xa", new DateTimeOffset(2026, 11, 24, 15, 59, 0, TimeSpan.Zero)));
    }
}

public sealed class StatsFiguresTests
{
    private static StatsFigures Apply(params StatsEvent[] events) => events.Aggregate(StatsFigures.Empty, StatsCounter.Add);

    public static TheoryData<StatsEvent, Func<StatsFigures, int>> OneEach => new()
    {
        { new("k", CallOutcome.AbandonedInIvr, 0, false), f => f.AbandonedInIvr },
        { new("k", CallOutcome.CallbackRequested, 0, false), f => f.CallbacksRequested },
        { new("k", CallOutcome.CallbackDone, 0, false), f => f.CallbacksDone },
        { new("k", CallOutcome.CallerOrigin, 0, false, "local"), f => f.LocalCallers },
        { new("k", CallOutcome.CallerOrigin, 0, false, "out-of-area"), f => f.OutOfAreaCallers },
        { new("k", CallOutcome.CallerOrigin, 0, false, "unknown"), f => f.UnknownOriginCallers },
        { new("k", CallOutcome.CrisisCall, 0, true), f => f.CrisisCalls },
        { new("k", CallOutcome.RecordSubmitted, 0, false), f => f.RecordsSubmitted },
        { new("k", CallOutcome.Category, 0, false, "学业"), f => f.Categories["学业"] },
        { new("k", CallOutcome.AgeBand, 0, false, "60+"), f => f.AgeBands["60+"] },
        { new("k", CallOutcome.Gender, 0, false, "male"), f => f.Genders["male"] },
        { new("k", CallOutcome.Risk, 0, false, "High"), f => f.RiskLevels["High"] },
        { new("k", CallOutcome.HighRisk, 0, false), f => f.HighRiskCalls },
        { new("k", CallOutcome.CallerHistory, 0, false, "first"), f => f.FirstTimeCallers },
        { new("k", CallOutcome.CallerHistory, 0, false, "repeat"), f => f.RepeatCallers },
        { new("k", CallOutcome.Referral, 0, false, "legal-aid"), f => f.Referrals["legal-aid"] },
        { new("k", CallOutcome.CrisisCase, 0, true), f => f.CrisisCases },
        { new("k", CallOutcome.Escalation, 0, true, "Ambulance120"), f => f.Escalations["Ambulance120"] },
        { new("k", CallOutcome.FollowUpDue, 0, false), f => f.FollowUpsDue },
        { new("k", CallOutcome.FollowUpDone, 0, false), f => f.FollowUpsDone },
        { new("k", CallOutcome.FollowUpOverdue, 0, false), f => f.FollowUpsOverdue },
        { new("k", CallOutcome.Satisfaction, 4, false), f => f.SatisfiedResponses },
        { new("k", CallOutcome.ThirdParty, 0, false), f => f.ThirdPartyCalls },
    };

    [Theory]
    [MemberData(nameof(OneEach))]
    public void Each_outcome_counts_in_its_own_figure(StatsEvent e, Func<StatsFigures, int> figure) => Assert.Equal(1, figure(Apply(e)));

    [Fact]
    public void Kpis_follow_the_provincial_form_and_contact_centre_definitions()
    {
        var s = Apply(
            new("a:r", CallOutcome.Received, 0, false), new("b:r", CallOutcome.Received, 0, false), new("c:r", CallOutcome.Received, 0, false), new("d:r", CallOutcome.Received, 0, false),
            new("a:ans", CallOutcome.Answered, 10, false), new("b:ans", CallOutcome.Answered, 50, false),
            new("c:ab", CallOutcome.Abandoned, 80, false), new("d:ab", CallOutcome.Abandoned, 0, false), new("d:ivr", CallOutcome.AbandonedInIvr, 0, false),
            new("a:h", CallOutcome.Handled, 600, false), new("b:h", CallOutcome.Handled, 1200, false),
            new("a:s", CallOutcome.Satisfaction, 5, false), new("b:s", CallOutcome.Satisfaction, 2, false));

        Assert.Equal(0.5, s.AnswerRate!.Value, 9);
        Assert.Equal(0.5, s.AbandonRate!.Value, 9);
        Assert.Equal(30, s.AverageSpeedOfAnswer!.Value, 9);
        Assert.Equal(0.25, s.ServiceLevel20!.Value, 9);
        Assert.Equal(900, s.AverageHandleTime!.Value, 9);
        Assert.Equal(40, s.AverageAbandonWait!.Value, 9);
        Assert.Equal(80, s.LongestWaitSeconds);
        Assert.Equal((3.5, 0.5), (s.AverageRating!.Value, s.SatisfiedShare!.Value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(2.5)]
    public void A_rating_outside_one_to_five_is_not_counted(double rating) =>
        Assert.Equal(0, Apply(new StatsEvent("k", CallOutcome.Satisfaction, rating, false)).SatisfactionResponses);

    [Fact]
    public void A_month_is_the_sum_of_its_days_with_the_longest_wait_the_longest_of_any()
    {
        var day1 = Apply(new("a", CallOutcome.Received, 0, false), new("a2", CallOutcome.Abandoned, 90, false), new("a3", CallOutcome.Category, 0, false, "情绪"));
        var day2 = Apply(new("b", CallOutcome.Received, 0, false), new("b2", CallOutcome.Answered, 30, false), new("b3", CallOutcome.Category, 0, false, "情绪"), new("b4", CallOutcome.Category, 0, false, "性"));

        var month = StatsFigures.Sum([day1, day2, StatsFigures.Empty]);

        Assert.Equal((2, 1, 1, 90.0), (month.Received, month.Answered, month.Abandoned, month.LongestWaitSeconds));
        Assert.Equal(new Dictionary<string, int> { ["情绪"] = 2, ["性"] = 1 }, month.Categories);
        Assert.Equal(1, day1.Categories["情绪"]);
    }

    [Theory]
    [InlineData("陕西省西安市", "陕西省", "西安市", "local")]
    [InlineData("陕西省西安市、咸阳市", "陕西省", "咸阳市", "local")]
    [InlineData("陕西省宝鸡市", "陕西省", "西安市", "out-of-area")]
    [InlineData("陕西省宝鸡市", "陕西省", null, "local")]
    [InlineData("北京市", "北京市", "北京市", "local")]
    [InlineData("北京市", "陕西省", "西安市", "out-of-area")]
    [InlineData("广西南宁市", "广西壮族自治区", "南宁市", "local")]
    [InlineData("云南红河", "云南省", "红河哈尼族彝族自治州", "local")]
    [InlineData("美国", "陕西省", "西安市", "out-of-area")]
    [InlineData(null, "陕西省", "西安市", "unknown")]
    [InlineData("陕西省西安市", null, null, "unknown")]
    public void Caller_origin_compares_the_numbers_region_with_the_centres(string? numberRegion, string? province, string? city, string expected) =>
        Assert.Equal(expected, CallerOriginRules.Classify(numberRegion, province, city));

    [Fact]
    public void Hours_are_china_time_hours_of_their_day()
    {
        var at = new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero);

        Assert.Equal("xa/2026-11-25/00", StatsCounter.HourKey("xa", at));
        Assert.Equal(("xa/2026-11-25", 0), StatsCounter.ParseHourKey("xa/2026-11-25/00"));
        Assert.Null(StatsCounter.ParseHourKey("xa/2026-11-25/24"));
        Assert.Equal(new DateOnly(2026, 11, 25), StatsCounter.DayOfKey("xa/2026-11-25"));
    }
}
