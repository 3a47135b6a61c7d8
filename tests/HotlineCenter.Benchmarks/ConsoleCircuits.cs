using Microsoft.Playwright;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Real supervisor consoles: the live page open in Debian's Chromium (never a downloaded browser), one
/// Blazor Server circuit per page, all pages in one signed-in browser context.
/// </summary>
public sealed class ConsoleCircuits(IPlaywright playwright, IBrowser browser, IBrowserContext context, Uri target) : IAsyncDisposable
{
    private readonly List<IPage> _pages = [];

    /// <summary>Starts Chromium with one browser context holding the supervisor's sign-in cookie.</summary>
    public static async Task<ConsoleCircuits> StartAsync(Uri target, string authCookie)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,

            // A few renderer processes for all pages: the browser shares the machine with the server it measures.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--renderer-process-limit=4", "--disable-background-timer-throttling", "--disable-renderer-backgrounding"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        var cookie = authCookie.Split('=', 2);
        await context.AddCookiesAsync([new Cookie { Name = cookie[0], Value = cookie[1], Url = target.GetLeftPart(UriPartial.Authority) }]);
        return new ConsoleCircuits(playwright, browser, context, target);
    }

    /// <summary>Opens <paramref name="count"/> more live pages, four at a time, each until its circuit is interactive.</summary>
    public async Task OpenAsync(int count)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var batch in Enumerable.Range(0, count).Chunk(4))
        {
            _pages.AddRange(await Task.WhenAll(batch.Select(async _ =>
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(target, "/").ToString());
                await page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
                return page;
            })));
        }

        Console.WriteLine($"{count} live pages opened and interactive (one Blazor circuit each) in {started.Elapsed.TotalSeconds:F1} s; {_pages.Count} open");
    }

    /// <summary>Pages whose circuit is still interactive (not showing Blazor's reconnect dialog).</summary>
    public async Task<int> CountInteractiveAsync()
    {
        var states = await Task.WhenAll(_pages.Select(async p =>
            await p.Locator("[data-interactive=true]").CountAsync() == 1 &&
            !await p.Locator("#components-reconnect-modal.components-reconnect-show, .components-reconnect-show").IsVisibleAsync()));
        return states.Count(s => s);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
