using Bunit;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Components.Desk;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fakes;

namespace HotlineCenter.Web.Tests;

public sealed class MyShiftPanelTests : ConsoleTestContext
{
    public MyShiftPanelTests() => Time.SetUtcNow(Now);

    // 2026-11-24 16:00 China time.
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static FollowUpItem FollowUp(string callId, DateTimeOffset due, RiskLevel risk = RiskLevel.High, int failed = 0) =>
        new(callId, "c-wang", $"+86139****{callId[^4..]}", risk, Now.AddHours(-30), due, FollowUpStatus.Open, failed, failed > 0 ? Now.AddHours(-1) : null, null);

    private static MyShift Shift => new(
        [
            new MyShiftCall("CA-0901", Now.AddHours(-7), Now.AddHours(-6.5), "+86138****8000", IsCrisis: true, RecordStatus.Submitted, RiskLevel.High),
            new MyShiftCall("CA-1405", Now.AddHours(-2), null, null, IsCrisis: false, RecordStatus.Draft, RiskLevel.NotAssessed),
        ],
        [
            FollowUp("CA-7001", due: Now.AddMinutes(-5), failed: 2),
            FollowUp("CA-7002", due: Now.AddHours(20), risk: RiskLevel.Imminent),
        ]);

    private IRenderedComponent<MyShiftPanel> RenderPanel(MyShift? shift, List<FollowUpAttempt>? attempts = null, bool busy = false) =>
        Render<MyShiftPanel>(p => p
            .Add(x => x.Shift, shift)
            .Add(x => x.Busy, busy)
            .Add(x => x.OnAttempt, attempt => attempts?.Add(attempt)));

    [Fact]
    public void Lists_todays_calls_with_masked_caller_crisis_risk_and_record_state()
    {
        var panel = RenderPanel(Shift);

        Assert.Contains("今日来电 (2)", panel.Markup);
        var calls = panel.FindAll("[data-testid=my-call]");
        Assert.Equal(2, calls.Count);
        var first = calls[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        Assert.Equal("11-24 09:00", first[0]);
        Assert.Contains("+86138****8000", first[1]);
        Assert.Contains("危机", first[1]);
        Assert.Equal(["高危", "已提交"], first[2..]);
        var second = calls[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        Assert.Equal(["11-24 14:00", "—", "未评估", "草稿"], second);
    }

    [Fact]
    public void Overdue_follow_up_is_marked_and_a_future_one_is_not()
    {
        var panel = RenderPanel(Shift);

        var rows = panel.FindAll("[data-testid=my-follow-up]");
        Assert.Equal(2, rows.Count);
        Assert.Contains("+86139****7001", rows[0].TextContent);
        Assert.Contains("11-24 15:55", rows[0].TextContent);
        Assert.Contains("已逾期", rows[0].TextContent);
        Assert.Contains("未接通 2 次 · 待回访", rows[0].TextContent);
        Assert.Contains("11-25 12:00", rows[1].TextContent);
        Assert.DoesNotContain("已逾期", rows[1].TextContent);
        Assert.DoesNotContain("未接通 0 次", rows[1].TextContent);
        Assert.Contains("紧急", rows[1].TextContent);
    }

    [Fact]
    public void Reached_not_reached_and_wrong_number_raise_the_outcome_for_that_follow_up()
    {
        var attempts = new List<FollowUpAttempt>();
        var panel = RenderPanel(Shift, attempts);

        var rows = panel.FindAll("[data-testid=my-follow-up]");
        rows[1].QuerySelector("[data-testid=follow-up-not-reached]")!.Click();
        panel.FindAll("[data-testid=my-follow-up]")[0].QuerySelector("[data-testid=follow-up-reached]")!.Click();
        panel.FindAll("[data-testid=my-follow-up]")[1].QuerySelector("[data-testid=follow-up-wrong-number]")!.Click();

        Assert.Equal([new FollowUpAttempt("CA-7002", FollowUpOutcome.NotReached), new FollowUpAttempt("CA-7001", FollowUpOutcome.Reached), new FollowUpAttempt("CA-7002", FollowUpOutcome.WrongNumber)], attempts);
    }

    [Fact]
    public void A_follow_up_with_a_number_to_dial_offers_the_call_back_button_and_raises_its_id_never_a_number()
    {
        var dialled = new List<string>();
        var panel = Render<MyShiftPanel>(p => p
            .Add(x => x.Shift, Shift with { FollowUps = [FollowUp("CA-7001", due: Now.AddMinutes(-5)) with { CanDial = true }, FollowUp("CA-7002", due: Now.AddHours(20))] })
            .Add(x => x.OnDial, id => dialled.Add(id)));

        var rows = panel.FindAll("[data-testid=my-follow-up]");
        rows[0].QuerySelector("[data-testid=follow-up-dial]")!.Click();

        Assert.Null(panel.FindAll("[data-testid=my-follow-up]")[1].QuerySelector("[data-testid=follow-up-dial]"));
        Assert.Equal(["CA-7001"], dialled);
    }

    [Fact]
    public void Follow_up_buttons_are_disabled_while_an_attempt_is_being_recorded()
    {
        var panel = RenderPanel(Shift, busy: true);

        Assert.All(panel.FindAll("[data-testid=follow-up-reached], [data-testid=follow-up-not-reached]"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public void Empty_shift_says_so()
    {
        var panel = RenderPanel(new MyShift([], []));

        Assert.Contains("今日尚无来电", panel.Markup);
        Assert.Contains("没有待回访", panel.Markup);
        Assert.Empty(panel.FindAll("[data-testid=my-call]"));
        Assert.Empty(panel.FindAll("[data-testid=my-follow-up]"));
    }

    [Fact]
    public void Shows_progress_until_the_shift_is_loaded()
    {
        var panel = RenderPanel(null);

        Assert.NotEmpty(panel.FindAll(".mud-progress-linear"));
        Assert.Empty(panel.FindAll("[data-testid=my-calls]"));
    }
}
