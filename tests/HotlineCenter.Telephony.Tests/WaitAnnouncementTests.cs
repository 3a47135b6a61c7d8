using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Telephony.Tests;

public sealed class WaitAnnouncementTests
{
    [Theory]
    [InlineData(1, 15, "您前面还有0位来电者，预计等待不到一分钟。")]
    [InlineData(1, 59, "您前面还有0位来电者，预计等待不到一分钟。")]
    [InlineData(1, 60, "您前面还有0位来电者，预计等待约1分钟。")]
    [InlineData(2, 61, "您前面还有1位来电者，预计等待约2分钟。")]
    [InlineData(4, 600, "您前面还有3位来电者，预计等待约10分钟。")]
    public void Caller_hears_the_queue_estimate_in_whole_minutes_or_less_than_a_minute(int position, int seconds, string expected)
    {
        var waiting = new WaitingCallView("CA1", position, false, 10, DateTimeOffset.UnixEpoch, null, false, EstimatedWaitSeconds: seconds);

        Assert.Equal(expected, WaitAnnouncement.Text(new CentrePrompts(), waiting));
    }

    [Fact]
    public void A_stored_prompt_with_a_stray_brace_is_heard_in_the_default_wording_not_as_a_failure()
    {
        var waiting = new WaitingCallView("CA1", 3, false, 10, DateTimeOffset.UnixEpoch, null, false, EstimatedWaitSeconds: 300);

        Assert.Equal("您前面还有2位来电者，预计等待约5分钟。", WaitAnnouncement.Text(new CentrePrompts { PositionAnnouncement = "前面还有{0}位{" }, waiting));
    }
}
