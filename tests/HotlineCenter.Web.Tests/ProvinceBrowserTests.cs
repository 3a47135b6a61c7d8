using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>The provincial supervisor's province board in Chromium: simulated calls to the province's number land in the caller's city, live.</summary>
[Collection(BrowserTest.Collection)]
public sealed class ProvinceBrowserTests : BrowserTest
{
    [Fact]
    public async Task The_province_board_shows_every_centre_and_a_call_to_the_province_number_waiting_in_the_callers_city()
    {
        // Signed in at Xi'an but busy elsewhere: Xi'an answers its callers and the call waits there.
        var wang = Host.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        await wang.ChangePresenceAsync(PresenceState.Break, "test");

        var page = await InteractivePageAsync("s-tang");
        await page.Locator("[data-testid=nav-province]").ClickAsync();
        await Expect(page.Locator("[data-testid=province-board]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var xian = page.Locator($"[data-testid=province-row-{DemoCentre.Id}]");
        var provincial = page.Locator($"[data-testid=province-row-{DemoProvince.Id}]");
        await Expect(page.Locator($"[data-testid=province-row-{DemoProvince.BaojiId}]")).ToContainTextAsync("宝鸡");
        await Expect(provincial).ToContainTextAsync("省级");
        await Expect(xian.Locator("[data-testid=province-signed-in]")).ToContainTextAsync("1");

        await page.Locator("[data-testid=province-call-xian]").ClickAsync();
        await Expect(xian.Locator("[data-testid=province-waiting]")).ToHaveTextAsync("1");
        await page.Locator("[data-testid=province-call-withheld]").ClickAsync();
        await Expect(provincial.Locator("[data-testid=province-waiting]")).ToHaveTextAsync("1");

        var xianQueue = await Host.Grains.GetGrain<HotlineCenter.Abstractions.Queues.IQueueGrain>($"{DemoCentre.Id}/general").GetAsync();
        var routed = await Host.Grains.GetGrain<ICallGrain>(Assert.Single(xianQueue.Waiting).CallId).GetAsync();
        Assert.Contains(routed.Timeline, t => t.Kind == TimelineKind.RoutedByRegion && t.Detail!.Contains(DemoCentre.Id, StringComparison.Ordinal));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory("screenshots").FullName, "province.png"), FullPage = true });
    }
}
