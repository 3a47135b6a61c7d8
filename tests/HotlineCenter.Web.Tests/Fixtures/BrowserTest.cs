using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>
/// A real host on Kestrel and Debian's Chromium (never a downloaded one). Each signed-in page gets its own
/// browser context, so a supervisor and counsellors can work side by side with their own cookies.
/// </summary>
public abstract class BrowserTest : IAsyncLifetime
{
    /// <summary>Browser tests run one class at a time: each starts a host and a Chromium, and the machine has two cores.</summary>
    public const string Collection = "browser";

    static BrowserTest()
    {
        // Pages are asserted on what they show; on a loaded two-core CI machine a push can take longer than Playwright's 5 s default.
        SetDefaultExpectTimeout(15_000);
    }

    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    protected HotlineHost Host { get; private set; } = default!;

    protected string BaseUrl { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host = await StartHostAsync();
        BaseUrl = Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await DisposeHostAsync();
    }

    /// <summary>The host on Kestrel (a real port the browser can reach); simulated telephony unless overridden.</summary>
    protected virtual Task<HotlineHost> StartHostAsync()
    {
        var host = new HotlineHost(HotlineHost.NewServiceId());
        host.UseKestrel(0);
        host.StartServer();
        return Task.FromResult(host);
    }

    protected virtual ValueTask DisposeHostAsync() => Host.DisposeAsync();

    /// <summary>Signs in through the real form in a fresh context, as staff do at the start of a shift.</summary>
    protected async Task<IPage> SignedInPageAsync(string username = "s-zhou", string password = SignIn.DemoPassword)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.Locator("[data-testid=login-submit]").ClickAsync();
        return page;
    }

    /// <summary>
    /// Picks a risk level in the desk's record form and waits until the autosaved draft holds it: a select's
    /// choice reaches the server after the click returns, and submitting before that would submit without it.
    /// </summary>
    protected async Task ChooseRiskAsync(IPage page, string label, HotlineCenter.Abstractions.Records.RiskLevel level, string callId)
    {
        await page.Locator("[data-testid=record-risk]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = label }).ClickAsync();
        await WaitForDraftAsync(callId, r => r.Risk == level, $"risk {level}");
    }

    /// <summary>Waits until the autosaved draft (text fields save once typing pauses) holds what was typed.</summary>
    protected Task WaitForDraftAsync(string callId, Func<HotlineCenter.Abstractions.Records.ContactRecord, bool> holds, string what) =>
        Eventually.MatchesAsync(
            () => Host.Grains.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).GetAsync(),
            r => holds(r.Record),
            $"the draft of {callId} to hold {what}");

    /// <summary>Signed in, and the page's circuit is live (buttons work).</summary>
    protected async Task<IPage> InteractivePageAsync(string username = "s-zhou")
    {
        var page = await SignedInPageAsync(username);
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return page;
    }
}
