using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The auditor's console in Debian's Chromium against the real host: a counsellor answers a call and the desk reads
/// its contact record; the auditor signs in (landing on /audit), finds that read by the counsellor's user name, sees
/// no call content or number, and verifies the chain.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class AuditBrowserTests : BrowserTest
{
    private const string CallerNumber = "+8613512345678";

    [Fact]
    public async Task Auditor_finds_the_counsellors_record_read_by_user_name_and_verifies_the_chain()
    {
        var desk = await InteractivePageAsync("c-wang");
        await desk.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");
        var (callId, _) = await Host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>().PlaceCallAsync(DemoCentre.Id, "2", CallerNumber);
        await desk.Locator("[data-testid=offer-panel] [data-testid=offer-accept]").ClickAsync();
        await Expect(desk.Locator("[data-testid=in-call]")).ToBeVisibleAsync();
        await desk.Locator("[data-testid=record-outcome]").FillAsync("来电者情绪低落，已倾听");
        await AuditEntries.WaitForAsync(Host.Grains, DemoCentre.Id, e => e.Kind == AuditKind.RecordRead && e.Actor == "c-wang" && e.Target == callId, "the desk's record read");

        var audit = await SignedInPageAsync("auditor");
        await Expect(audit).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit$"));
        await Expect(audit.Locator("[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(audit.Locator("[data-testid=audit-entries]")).ToBeVisibleAsync();
        await audit.Locator("[data-testid=audit-user]").FillAsync("c-wang");
        await audit.Locator("[data-testid=audit-search]").ClickAsync();

        var read = audit.Locator($"[data-testid=audit-entry][data-kind=RecordRead][data-target={callId}]");
        await Expect(read).ToHaveCountAsync(1);
        await Expect(read).ToContainTextAsync("查看来电登记");
        await Expect(read).ToContainTextAsync("c-wang");
        await Expect(audit.Locator("[data-testid=audit-entry][data-actor=c-wang][data-kind=SignIn]")).ToHaveCountAsync(1);
        await Expect(audit.Locator("[data-testid=audit-entry]:not([data-actor=c-wang])")).ToHaveCountAsync(0);
        await Expect(audit.Locator("[data-testid=audit-page]")).Not.ToContainTextAsync("13512345678");
        await Expect(audit.Locator("[data-testid=audit-page]")).Not.ToContainTextAsync("情绪低落");

        await audit.Locator("[data-testid=audit-verify]").ClickAsync();
        var result = audit.Locator("[data-testid=audit-verify-result]");
        await Expect(result).ToHaveAttributeAsync("data-intact", "true");
        await Expect(result).ToContainTextAsync("审计链完整");
        await audit.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory("screenshots").FullName, "audit.png"), FullPage = true });

        // The auditor's own search and verification are in the trail too.
        var entries = await AuditEntries.WaitForAsync(Host.Grains, DemoCentre.Id, e => e.Kind == AuditKind.AuditVerified && e.Actor == "auditor", "the verification's own entry");
        Assert.Contains(entries, e => e.Kind == AuditKind.AuditRead && e.Actor == "auditor" && e.Detail.Contains("user=c-wang", StringComparison.Ordinal));
    }
}
