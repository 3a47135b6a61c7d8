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
    private IPlaywright _playwright = default!;
    private IBrowser _browser = default!;

    protected HotlineHost Host { get; } = new(HotlineHost.NewServiceId());

    protected string BaseUrl { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host.UseKestrel(0);
        Host.StartServer();
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
        await Host.DisposeAsync();
    }

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

    /// <summary>Signed in, and the page's circuit is live (buttons work).</summary>
    protected async Task<IPage> InteractivePageAsync(string username = "s-zhou")
    {
        var page = await SignedInPageAsync(username);
        await Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        return page;
    }
}
