using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Centres;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class PromptFormatTests
{
    private static CentreConfig Centre(CentrePrompts prompts) => new()
    {
        CentreId = "c1",
        DisplayName = "测试",
        Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合" }],
        IvrOptions = [new IvrOption("1", "危险", "general", true, 100, null, null)],
        DefaultQueueId = "general",
        Prompts = prompts,
    };

    [Theory]
    [InlineData("您前面还有{0}位来电者，预计等待约{1}分钟。", true)]
    [InlineData("请稍候，您前面还有{0}位。", true)]
    [InlineData("您前面还有{0}位来电者{", false)]
    [InlineData("预计等待约{2}分钟", false)]
    [InlineData("{{0}} 位", true)]
    public void Position_announcement_may_use_only_its_two_placeholders(string text, bool valid)
    {
        var errors = CentreConfigValidator.Validate(Centre(new CentrePrompts { PositionAnnouncement = text }), "c1");

        Assert.Equal(valid, !errors.Any(e => e.StartsWith("prompt positionAnnouncement may use", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("您前面还有{0}位来电者，请稍候。", true)]
    [InlineData("预计不到一分钟，约{1}分钟", false)]
    [InlineData("还有 } 位", false)]
    public void Under_a_minute_announcement_may_use_only_callers_ahead(string text, bool valid)
    {
        var errors = CentreConfigValidator.Validate(Centre(new CentrePrompts { PositionAnnouncementUnderAMinute = text }), "c1");

        Assert.Equal(valid, !errors.Any(e => e.StartsWith("prompt positionAnnouncementUnderAMinute may use", StringComparison.Ordinal)));
    }
}
