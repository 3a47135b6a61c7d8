using System.Text.RegularExpressions;
using Bunit;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Components.Desk;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fakes;

namespace HotlineCenter.Web.Tests;

public sealed partial class CallerContextPanelTests : ConsoleTestContext
{
    // 2026-11-20 21:30 China time.
    private static readonly DateTimeOffset LastContact = new(2026, 11, 20, 13, 30, 0, TimeSpan.Zero);

    private static readonly CallerFlag HighRiskFlag = new(CallerFlagKind.HighRisk, "曾有具体自伤计划", "c-li", LastContact, null);
    private static readonly CallerFlag FrequentFlag = new(CallerFlagKind.FrequentCaller, "auto", "system", LastContact, null, Automatic: true);

    private static CallerContext Repeat => new(
        IsRepeat: true,
        CallsLast30Days: 4,
        TotalContacts: 2,
        RecentContacts:
        [
            new("CA-old1", "xa-12356", LastContact, "c-li", RiskLevel.High, ["情绪", "家庭"], HasFollowUpPlan: true),
            new("CA-old2", "xa-12356", LastContact.AddDays(-12), "c-zhao", RiskLevel.Moderate, ["学业"], HasFollowUpPlan: false),
        ],
        LastRisk: RiskLevel.High,
        LastContactAt: LastContact,
        ActiveFlags: [HighRiskFlag, FrequentFlag],
        SafetyPlan: new SafetyPlan("联系姐姐；把药交给家人保管", "c-li", LastContact));

    [GeneratedRegex(@"\d{7,}")]
    private static partial Regex LongDigitRun();

    [Fact]
    public void Repeat_caller_shows_history_last_risk_flags_and_safety_plan()
    {
        var panel = Render<CallerContextPanel>(p => p.Add(x => x.Context, Repeat));

        Assert.Equal("反复来电", panel.Find("[data-testid=caller-repeat]").TextContent.Trim());
        Assert.Equal("既往登记 2 次，近30天来电 4 次", panel.Find("[data-testid=caller-history]").TextContent.Trim());
        var lastRisk = panel.Find("[data-testid=caller-last-risk]");
        Assert.Equal("上次风险：高危（2026-11-20 21:30）", lastRisk.TextContent.Trim());
        Assert.Contains("mud-chip-color-error", lastRisk.ClassList);
        Assert.Equal("高危：曾有具体自伤计划", panel.Find("[data-testid=caller-flag-HighRisk]").TextContent.Trim());
        Assert.Equal("频繁来电", panel.Find("[data-testid=caller-flag-FrequentCaller]").TextContent.Trim());

        var rows = panel.FindAll("[data-testid=caller-contacts] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["2026-11-20 21:30", "高危", "情绪、家庭", "✓"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal(["2026-11-08 21:30", "中危", "学业", "—"], rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));

        var plan = panel.Find("[data-testid=caller-safety-plan]").TextContent;
        Assert.Contains("联系姐姐；把药交给家人保管", plan);
        Assert.Contains("2026-11-20 21:30", plan);
        Assert.Empty(panel.FindAll("[data-testid=caller-first]"));

        // Nothing on the panel reads as a phone number (the longest digit runs are dates and counts).
        Assert.Empty(LongDigitRun().Matches(panel.Find("[data-testid=caller-context]").TextContent));
    }

    [Fact]
    public void First_caller_shows_no_history_and_no_last_risk()
    {
        var panel = Render<CallerContextPanel>(p => p.Add(x => x.Context, CallerContext.Unknown));

        Assert.Equal("首次来电", panel.Find("[data-testid=caller-first]").TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid=caller-repeat]"));
        Assert.Empty(panel.FindAll("[data-testid=caller-history]"));
        Assert.Empty(panel.FindAll("[data-testid=caller-last-risk]"));
        Assert.Empty(panel.FindAll("[data-testid=caller-contacts]"));
        Assert.Empty(panel.FindAll("[data-testid=caller-safety-plan]"));
    }

    [Fact]
    public void Moderate_last_risk_is_not_coloured_as_an_error()
    {
        var panel = Render<CallerContextPanel>(p => p.Add(x => x.Context, Repeat with { LastRisk = RiskLevel.Moderate }));

        var lastRisk = panel.Find("[data-testid=caller-last-risk]");
        Assert.StartsWith("上次风险：中危", lastRisk.TextContent.Trim());
        Assert.DoesNotContain("mud-chip-color-error", lastRisk.ClassList);
    }

    [Fact]
    public void Shows_loading_until_the_context_arrives()
    {
        var panel = Render<CallerContextPanel>();

        Assert.Equal("正在读取来电者信息…", panel.Find("[data-testid=caller-context]").TextContent.Trim());
    }

    [Fact]
    public void Editable_panel_starts_from_the_stored_plan_and_saves_the_edited_text()
    {
        var saved = new List<string>();
        var panel = Render<CallerContextPanel>(p => p
            .Add(x => x.Context, Repeat)
            .Add(x => x.Editable, true)
            .Add(x => x.OnSaveSafetyPlan, text => saved.Add(text)));
        var plan = panel.Find("textarea[data-testid=safety-plan]");
        Assert.Equal("联系姐姐；把药交给家人保管", plan.TextContent.Trim());
        Assert.Empty(panel.FindAll("[data-testid=caller-safety-plan]"));

        plan.Change("联系姐姐；把药交给家人保管；每晚给热线回电");
        panel.Find("[data-testid=safety-plan-save]").Click();

        Assert.Equal(["联系姐姐；把药交给家人保管；每晚给热线回电"], saved);
    }

    [Fact]
    public void Adding_a_flag_needs_a_reason_and_raises_kind_reason_and_days()
    {
        var added = new List<CallerFlagRequest>();
        var panel = Render<CallerContextPanel>(p => p
            .Add(x => x.Context, CallerContext.Unknown)
            .Add(x => x.Editable, true)
            .Add(x => x.OnAddFlag, request => added.Add(request)));
        Assert.True(panel.Find("[data-testid=flag-add]").HasAttribute("disabled"));

        panel.Find("input[data-testid=flag-days]").Change("7");
        panel.Find("input[data-testid=flag-note]").Input("来电者透露已囤积药物");

        // MudBlazor hands an immediate input's text on asynchronously: the button enables once the reason is in.
        panel.WaitForAssertion(() => Assert.False(panel.Find("[data-testid=flag-add]").HasAttribute("disabled")), TimeSpan.FromSeconds(5));
        panel.Find("[data-testid=flag-add]").Click();

        panel.WaitForAssertion(() => Assert.NotEmpty(added), TimeSpan.FromSeconds(5));
        Assert.Equal([new CallerFlagRequest(CallerFlagKind.HighRisk, "来电者透露已囤积药物", 7)], added);
    }

    [Fact]
    public void Only_a_manual_flag_can_be_cleared_and_clearing_raises_its_kind()
    {
        var cleared = new List<CallerFlagKind>();
        var panel = Render<CallerContextPanel>(p => p
            .Add(x => x.Context, Repeat)
            .Add(x => x.Editable, true)
            .Add(x => x.OnClearFlag, kind => cleared.Add(kind)));

        Assert.Empty(panel.FindAll("[data-testid=caller-flag-FrequentCaller] button"));
        panel.Find("[data-testid=caller-flag-HighRisk] button").Click();

        Assert.Equal([CallerFlagKind.HighRisk], cleared);
    }

    [Fact]
    public void Read_only_panel_offers_no_editing()
    {
        var panel = Render<CallerContextPanel>(p => p.Add(x => x.Context, Repeat));

        Assert.Empty(panel.FindAll("[data-testid=safety-plan]"));
        Assert.Empty(panel.FindAll("[data-testid=flag-add]"));
        Assert.Empty(panel.FindAll("[data-testid=caller-flag-HighRisk] button"));
    }
}
