using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Calls;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class IvrRulesTests
{
    private static readonly CentreConfig Centre = new()
    {
        CentreId = "xa-12356",
        DisplayName = "西安",
        Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合" }, new QueueConfig { QueueId = "youth", DisplayName = "青少年" }],
        IvrOptions =
        [
            new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
            new IvrOption("3", "青少年", "youth", IsCrisis: false, BasePriority: 20, RequiredSkill: "youth", Language: "cmn"),
        ],
        DefaultQueueId = "general",
        DefaultPriority = 10,
        MaxMenuAttempts = 2,
    };

    public static TheoryData<string, int, bool, string, bool, int, string?, string> Cases => new()
    {
        // digits, attempts so far → reprompt, queue, crisis, priority, skill, timeline detail
        { "1", 0, false, "general", true, 100, null, "option 1" },
        { "3", 1, false, "youth", false, 20, "youth", "option 3" },
        { "9", 0, true, "general", false, 10, null, "invalid" },
        { "9", 1, false, "general", false, 10, null, "invalid-default" },
        { "", 0, false, "general", false, 10, null, "no-input" },
        { "", 1, false, "general", false, 10, null, "no-input" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Menu_input_routes_by_option_reprompts_until_attempts_run_out_then_takes_the_default(
        string digits, int attempts, bool reprompt, string queue, bool crisis, int priority, string? skill, string detail)
    {
        var decision = IvrRules.Resolve(Centre, digits, attempts);

        Assert.Equal(new IvrDecision(reprompt, queue, crisis, priority, skill, skill is null ? null : "cmn", detail), decision);
    }
}
