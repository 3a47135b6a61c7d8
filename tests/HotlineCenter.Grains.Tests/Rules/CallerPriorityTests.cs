using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Centres;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class CallerPriorityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(10, false, 50, 10)]
    [InlineData(10, true, 50, 60)]
    [InlineData(10, true, 0, 10)]
    [InlineData(980, true, 50, 1000)]
    [InlineData(100, true, 1000, 1000)]
    public void High_risk_caller_enters_with_the_centre_boost_capped_at_the_maximum(int menu, bool highRisk, int boost, int expected)
    {
        Assert.Equal(expected, CallerPriority.BasePriority(menu, highRisk, boost));
    }

    [Theory]
    [InlineData(RiskLevel.Imminent, 10, true)]
    [InlineData(RiskLevel.High, 89, true)]
    [InlineData(RiskLevel.High, 91, false)]
    [InlineData(RiskLevel.Moderate, 1, false)]
    public void High_risk_is_a_high_or_imminent_contact_in_the_last_90_days(RiskLevel risk, int daysAgo, bool expected)
    {
        var state = new HotlineCenter.Grains.Callers.CallerState();
        state.Contacts.Add(new CallerContact("CAold", "c", T0.AddDays(-daysAgo), "wang", risk, [], false));

        var context = HotlineCenter.Grains.Callers.CallerContextRules.Build(state, "CAnow", T0);

        Assert.Equal(expected, CallerPriority.IsHighRisk(context));
    }

    [Fact]
    public void A_staff_high_risk_flag_counts_too()
    {
        var context = CallerContext.Unknown with { ActiveFlags = [new CallerFlag(CallerFlagKind.HighRisk, "说明", "sup", T0, null)] };

        Assert.True(CallerPriority.IsHighRisk(context));
        Assert.False(CallerPriority.IsHighRisk(CallerContext.Unknown));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(50, true)]
    [InlineData(1000, true)]
    [InlineData(-1, false)]
    [InlineData(1001, false)]
    public void Boost_is_validated_from_0_to_1000(int boost, bool valid)
    {
        var config = new CentreConfig
        {
            CentreId = "c1",
            DisplayName = "测试",
            Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合" }],
            IvrOptions = [new IvrOption("1", "危险", "general", true, 100, null, null)],
            DefaultQueueId = "general",
            HighRiskCallerPriorityBoost = boost,
        };

        var errors = CentreConfigValidator.Validate(config, "c1");

        Assert.Equal(valid, !errors.Any(e => e.Contains("highRiskCallerPriorityBoost", StringComparison.Ordinal)));
    }
}
