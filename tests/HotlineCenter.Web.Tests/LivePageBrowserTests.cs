using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The live page in a real Chromium (Debian's, never a downloaded one) against the real host on Kestrel:
/// a supervisor-style walk through a crisis call, from the demo controls to wrap-up.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class LivePageBrowserTests : BrowserTest
{
    [Fact]
    public async Task Unknown_address_shows_the_chinese_not_found_page_in_the_console_and_the_way_back()
    {
        var page = await SignedInPageAsync();
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var response = await page.GotoAsync(BaseUrl.TrimEnd('/') + "/no-such-page");

        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("[data-testid=not-found]")).ToContainTextAsync("页面不存在");
        await Expect(page.Locator("[data-testid=nav-live]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=status-home]").ClickAsync();
        await Expect(page.Locator("[data-testid=updated-at]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Crisis_call_placed_from_the_page_is_accepted_ended_and_decompression_ended_by_the_supervisor_with_live_updates()
    {
        var page = await SignedInPageAsync();
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var wang = page.Locator("[data-testid=counselor-c-wang]");
        var state = wang.Locator("[data-testid=state]");
        await Expect(state).ToHaveTextAsync("离线");
        await wang.Locator("[data-testid=set-Available]").ClickAsync();
        await Expect(state).ToHaveTextAsync("空闲");

        await page.Locator("[data-testid=place-call-1]").ClickAsync();
        await Expect(state).ToHaveTextAsync("振铃中");
        var general = page.Locator("[data-testid='queue-xa-12356/general']");
        await Expect(general.Locator("[data-testid=waiting-call]")).ToHaveCountAsync(1);
        await Expect(general.Locator("[data-testid=waiting-call]")).ToContainTextAsync("危机");
        var crisisAlert = page.Locator("[data-testid=alert-CrisisWaiting]");
        await Expect(crisisAlert).ToBeVisibleAsync();
        await crisisAlert.Locator("[data-testid=alert-ack]").ClickAsync();
        await Expect(crisisAlert).ToHaveCountAsync(0);

        await wang.Locator("[data-testid=accept]").ClickAsync();
        await Expect(state).ToHaveTextAsync("通话中");
        await Expect(page.Locator("[data-testid=active-call]")).ToContainTextAsync("通话中");
        await page.Locator("[data-testid=active-call] [data-testid=supervise-Monitor]").ClickAsync();
        await Expect(page.GetByText("已执行：监听")).ToBeVisibleAsync();
        await Expect(general.Locator("[data-testid=waiting-count]")).ToHaveTextAsync("0");

        // After a crisis call: decompression (no calls offered), which the supervisor may end early.
        await wang.Locator("[data-testid=end-call]").ClickAsync();
        await Expect(state).ToHaveTextAsync("减压");
        await Expect(wang.Locator("[data-testid=decompression-left]")).ToContainTextAsync("剩余 09:");
        await Expect(page.Locator("[data-testid=active-call]")).ToHaveCountAsync(0);

        await wang.Locator("[data-testid=end-decompression]").ClickAsync();
        await Expect(state).ToHaveTextAsync("空闲");
        await Expect(page.Locator("[data-testid=kpi-received]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=kpi-answered]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=kpi-answer-rate]")).ToHaveTextAsync("100%");

        await Expect(wang.Locator("[data-testid=set-Break]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=counselor-c-li] [data-testid=set-Break]")).ToHaveCountAsync(0);
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        Directory.CreateDirectory("screenshots");
    }

    [Fact]
    public async Task Counselor_lands_on_the_desk_answers_an_offer_and_wraps_up()
    {
        var page = await SignedInPageAsync("c-zhang");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var state = page.Locator("[data-testid=desk-state]");
        await Expect(state).ToHaveTextAsync("离线");

        await page.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(state).ToHaveTextAsync("空闲");
        var caller = Host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>();
        await caller.PlaceCallAsync("xa-12356", "3");

        var offer = page.Locator("[data-testid=offer-panel]");
        await Expect(offer).ToBeVisibleAsync();
        await Expect(offer.Locator("[data-testid=offer-caller]")).ToContainTextAsync("****");
        var countdown = int.Parse(await offer.Locator("[data-testid=offer-countdown]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(countdown, 1, 20);
        await offer.Locator("[data-testid=offer-accept]").ClickAsync();

        await Expect(page.Locator("[data-testid=in-call]")).ToBeVisibleAsync();
        await Expect(state).ToHaveTextAsync("通话中");

        // The record is written during the call; a draft survives a reload.
        await Expect(page.Locator("[data-testid=record-form]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=record-category-学业]").CheckAsync();
        await page.Locator("[data-testid=record-age-unknown]").ClickAsync();
        await page.Locator("[data-testid=record-gender-unknown]").ClickAsync();
        await page.Locator("[data-testid=record-outcome]").FillAsync("情绪缓解，已提供求助资源");
        await Expect(page.Locator("[data-testid=record-status]")).ToContainTextAsync("草稿已保存");
        var callId = (await Host.Grains.GetGrain<ICounselorGrain>("c-zhang").GetAsync()).CallId!;
        await Eventually.MatchesAsync(
            () => Host.Grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).GetAsync(),
            r => r.Record.Outcome == "情绪缓解，已提供求助资源",
            "the autosaved draft");
        await page.ReloadAsync();
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator("[data-testid=record-outcome]")).ToHaveValueAsync("情绪缓解，已提供求助资源");
        await Expect(page.Locator("[data-testid=record-category-学业]")).ToBeCheckedAsync();
        await page.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=record-errors]")).ToContainTextAsync("请完成风险评估");
        await ChooseRiskAsync(page, "无 / 低危", HotlineCenter.Abstractions.Records.RiskLevel.NoneOrLow, callId);
        await page.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=record-status]")).ToHaveTextAsync("已提交");
        await page.Locator("[data-testid=desk-end-call]").ClickAsync();
        await Expect(page.Locator("[data-testid=wrap-up]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=desk-finish-wrap-up]").ClickAsync();
        await Expect(state).ToHaveTextAsync("空闲");
    }

    [Fact]
    public async Task Counselor_raises_a_hand_and_the_supervisor_sees_and_acknowledges_it()
    {
        var counsellor = await SignedInPageAsync("c-liu");
        var supervisor = await SignedInPageAsync("s-zhou");
        await Expect(counsellor.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(supervisor.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await counsellor.Locator("[data-testid=raise-hand]").ClickAsync();

        var alert = supervisor.Locator("[data-testid=alert-HandRaised]");
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToContainTextAsync("刘洋");
        await Expect(supervisor.Locator("[data-testid=counselor-c-liu] [data-testid=hand-raised]")).ToBeVisibleAsync();
        await alert.Locator("[data-testid=alert-ack]").ClickAsync();
        await Expect(alert).ToHaveCountAsync(0);

        await counsellor.Locator("[data-testid=lower-hand]").ClickAsync();
        await Expect(supervisor.Locator("[data-testid=counselor-c-liu] [data-testid=hand-raised]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Counselor_cannot_open_the_supervisor_view()
    {
        var page = await SignedInPageAsync("c-zhao");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));

        await page.GotoAsync(BaseUrl);

        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=demo-controls]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Page_switches_to_english_and_back()
    {
        var page = await SignedInPageAsync();
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await page.Locator("[data-testid=language-switch]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Counsellors" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=counselor-c-wang] [data-testid=state]")).ToHaveTextAsync("Offline");

        await page.Locator("[data-testid=language-switch]").ClickAsync();
        await Expect(page.Locator("[data-testid=counselor-c-wang] [data-testid=state]")).ToHaveTextAsync("离线");
    }
}
