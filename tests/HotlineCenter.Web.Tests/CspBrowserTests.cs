using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The Content-Security-Policy holds with Blazor Server, MudBlazor and the softphone bundle: the wallboard and the
/// desk (Twilio mode, so the softphone loads) work and the browser reports no violation.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class CspBrowserTests : BrowserTest
{
    private TwilioHost _twilio = default!;

    protected override async Task<HotlineHost> StartHostAsync()
    {
        _twilio = await TwilioHost.StartAsync(kestrel: true);
        return _twilio.Host;
    }

    protected override ValueTask DisposeHostAsync() => _twilio.DisposeAsync();

    private static async Task<List<string>> WatchAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        await page.Context.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        return violations;
    }

    [Fact]
    public async Task Wallboard_and_desk_run_without_a_single_csp_violation()
    {
        var wallboard = await InteractivePageAsync("s-zhou");
        var wallboardViolations = await WatchAsync(wallboard);
        await wallboard.ReloadAsync();
        await Expect(wallboard.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var desk = await InteractivePageAsync("c-wang");
        var deskViolations = await WatchAsync(desk);
        await desk.ReloadAsync();
        await Expect(desk.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await desk.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");
        await Expect(wallboard.Locator("[data-testid=counselor-c-wang] [data-testid=state]")).ToHaveTextAsync("空闲");

        var reported = new List<string>();
        foreach (var page in new[] { wallboard, desk })
        {
            reported.AddRange(await page.EvaluateAsync<string[]>("() => window.__csp"));
        }

        Assert.Empty(wallboardViolations);
        Assert.Empty(deskViolations);
        Assert.Empty(reported);
    }
}
