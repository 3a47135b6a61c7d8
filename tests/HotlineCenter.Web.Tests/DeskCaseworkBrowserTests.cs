using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The desk across two calls from one caller, in Debian's Chromium against the real host: the second counsellor
/// sees the first contact before answering, declares a crisis, and the follow-up lands on the first one's shift list.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class DeskCaseworkBrowserTests : BrowserTest
{
    private const string RepeatNumber = "+8613912345678";

    [Fact]
    public async Task Repeat_caller_context_crisis_button_and_my_shift_follow_up()
    {
        var desk = await DeskAsync("c-zhang");
        var caller = Host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>();

        // First call: a first-time caller, assessed high risk with a follow-up plan.
        await caller.PlaceCallAsync("xa-12356", "2", RepeatNumber);
        var offer = desk.Locator("[data-testid=offer-panel]");
        await Expect(offer.Locator("[data-testid=caller-first]")).ToBeVisibleAsync();
        await offer.Locator("[data-testid=offer-accept]").ClickAsync();
        await Expect(desk.Locator("[data-testid=in-call]")).ToBeVisibleAsync();
        await desk.Locator("[data-testid=safety-plan]").FillAsync("联系姐姐；把药交给家人保管");
        await desk.Locator("[data-testid=safety-plan-save]").ClickAsync();
        await Expect(desk.GetByText("安全计划已保存")).ToBeVisibleAsync();
        await desk.Locator("[data-testid=record-category-情绪]").CheckAsync();
        await desk.Locator("[data-testid=record-age-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-gender-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-outcome]").FillAsync("已制定安全计划");
        await desk.Locator("[data-testid=record-follow-up]").FillAsync("24小时内回访");
        var firstCallId = (await Host.Grains.GetGrain<ICounselorGrain>("c-zhang").GetAsync()).CallId!;
        await ChooseRiskAsync(desk, "高危", HotlineCenter.Abstractions.Records.RiskLevel.High, firstCallId);
        await WaitForDraftAsync(firstCallId, r => r.Outcome == "已制定安全计划" && r.FollowUpPlan == "24小时内回访", "outcome and follow-up plan");
        await desk.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(desk.Locator("[data-testid=record-status]")).ToHaveTextAsync("已提交");
        // High risk made it a crisis call: decompression follows, and signing out is still allowed from it.
        await desk.Locator("[data-testid=desk-end-call]").ClickAsync();
        await Expect(desk.Locator("[data-testid=decompression]")).ToBeVisibleAsync();

        // My shift: the call is listed with its record, the follow-up is due within 24 h.
        await Expect(desk.Locator("[data-testid=my-call]")).ToHaveCountAsync(1);
        await Expect(desk.Locator("[data-testid=my-call]")).ToContainTextAsync("已提交");
        await Expect(desk.Locator("[data-testid=my-follow-up]")).ToHaveCountAsync(1);
        await desk.Locator("[data-testid=desk-set-Offline]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("离线");

        // Second call from the same number reaches another counsellor, who sees the history before answering.
        var other = await DeskAsync("c-li");
        await caller.PlaceCallAsync("xa-12356", "2", RepeatNumber);
        var secondOffer = other.Locator("[data-testid=offer-panel]");
        await Expect(secondOffer.Locator("[data-testid=caller-repeat]")).ToBeVisibleAsync();
        await Expect(secondOffer.Locator("[data-testid=caller-last-risk]")).ToContainTextAsync("高危");
        await Expect(secondOffer.Locator("[data-testid=caller-flag-HighRisk]")).ToBeVisibleAsync();
        await Expect(secondOffer.Locator("[data-testid=caller-safety-plan]")).ToContainTextAsync("联系姐姐");
        await Expect(secondOffer).Not.ToContainTextAsync("13912345678");
        await secondOffer.Locator("[data-testid=offer-accept]").ClickAsync();

        await other.Locator("[data-testid=desk-crisis]").ClickAsync();
        await Expect(other.Locator("[data-testid=in-call-crisis]")).ToBeVisibleAsync();
        var callId = (await Host.Grains.GetGrain<ICounselorGrain>("c-li").GetAsync()).CallId!;
        var caseload = await Host.Grains.GetGrain<ICaseloadGrain>("xa-12356").GetAsync();
        Assert.Contains(caseload.OpenCrises, c => c.CallId == callId && c.Source == CrisisSource.Declared);
        Assert.Contains(caseload.OpenFollowUps, f => f.CounselorId == "c-zhang");
        Assert.DoesNotContain(caseload.OpenFollowUps, f => f.CounselorId == "c-li");
    }

    private async Task<IPage> DeskAsync(string username)
    {
        var page = await InteractivePageAsync(username);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));
        await page.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(page.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");
        return page;
    }
}
