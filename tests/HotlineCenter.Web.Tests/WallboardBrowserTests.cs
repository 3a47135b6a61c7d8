using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>The supervisor's wallboard and handover page in Chromium: staffing, moving and taking over calls, the handover.</summary>
[Collection(BrowserTest.Collection)]
public sealed class WallboardBrowserTests : BrowserTest
{
    [Fact]
    public async Task Staffing_warnings_clear_when_a_supervisor_goes_on_duty_and_calls_are_moved_and_taken_over()
    {
        var page = await InteractivePageAsync();
        await Expect(page.Locator("[data-testid=staffing-NoSupervisor]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=staffing-Understaffed]")).ToBeVisibleAsync();

        await page.Locator("[data-testid=staffing]").GetByText("我在值班").ClickAsync();
        await Expect(page.Locator("[data-testid=staffing-NoSupervisor]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=staffing]")).ToContainTextAsync("周主任");

        // Nobody is available: the call waits in the general queue until the supervisor moves it.
        var caller = Host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>();
        var (waitingId, _) = await caller.PlaceCallAsync("xa-12356", "2");
        var general = page.Locator("[data-testid='queue-xa-12356/general']");
        var backup = page.Locator("[data-testid='queue-xa-12356/backup']");
        await Expect(general.Locator("[data-testid=waiting-count]")).ToHaveTextAsync("1");
        await general.Locator("[data-testid=move-call]").ClickAsync();
        await page.Locator("[data-testid='move-to-xa-12356/backup']").ClickAsync();
        await Expect(backup.Locator("[data-testid=waiting-count]")).ToHaveTextAsync("1");
        await Expect(general.Locator("[data-testid=waiting-count]")).ToHaveTextAsync("0");
        Assert.Equal("xa-12356/backup", (await Host.Grains.GetGrain<ICallGrain>(waitingId).GetAsync()).QueueKey);

        // A counsellor takes the moved call; the supervisor listens in, then takes it over.
        var wang = Host.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        await Eventually.MatchesAsync(wang.GetAsync, c => c.State == PresenceState.Offered, "c-wang offered the moved call");
        await wang.AcceptOfferAsync(waitingId);
        var row = page.Locator("[data-testid=active-call]", new() { HasText = "王雪" });
        await row.Locator("[data-testid=supervise-Monitor]").ClickAsync();
        await row.Locator("[data-testid=take-over]").ClickAsync();

        await Expect(page.Locator("[data-testid=counselor-c-wang] [data-testid=state]")).ToHaveTextAsync("话后处理");
        var call = await Host.Grains.GetGrain<ICallGrain>(waitingId).GetAsync();
        Assert.Equal(CallStatus.Connected, call.Status);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.TakenOver && t.Detail == "s-zhou");
    }

    [Fact]
    public async Task Handover_lists_open_crisis_cases_and_follow_ups_shows_a_closed_case_and_keeps_notes_for_the_next_shift()
    {
        var caseload = Host.Grains.GetGrain<ICaseloadGrain>("xa-12356");
        var now = DateTimeOffset.UtcNow;
        var crisisCase = Host.Grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId("SIMcrisis1"));
        var imminent = new RiskAssessment { Factors = [new FactorTick(RiskFactor.AttemptInProgress)], Derived = CrisisLevel.Imminent };
        await crisisCase.OpenAsync(new CaseOpening("SIMcrisis1", "xa-12356", CaseTrigger.CrisisButton, "c-li",
            new CallerRef("hash-of-the-number", "139****5678", null), imminent, null, "c-li"));
        await caseload.ScheduleFollowUpAsync(new FollowUpItem("SIMfollow1", "c-zhang", "137****1111", RiskLevel.High, now, now.AddHours(24), FollowUpStatus.Open, 0, null, null));

        var page = await InteractivePageAsync();
        await page.Locator("[data-testid=nav-handover]").ClickAsync();
        await Expect(page.Locator("[data-testid=handover][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var crisis = page.Locator("[data-testid=open-crisis]");
        await Expect(crisis).ToContainTextAsync("139****5678");
        await Expect(crisis).ToContainTextAsync("李明");
        await Expect(crisis).ToContainTextAsync("紧急");
        await Expect(crisis).ToContainTextAsync("咨询员按下危机键");
        await Expect(page.Locator("[data-testid=follow-up]")).ToContainTextAsync("张婷");
        await Expect(page.Locator("[data-testid=handover-crisis-board]")).ToHaveAttributeAsync("href", "/crisis");

        await page.Locator("[data-testid=handover-note]").FillAsync("李明的来电者今晚需再次回访；120已到达现场。");
        await page.Locator("[data-testid=handover-note-add]").ClickAsync();
        await Expect(page.Locator("[data-testid=handover-note-item]")).ToContainTextAsync("120已到达现场");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory("screenshots").FullName, "handover.png"), FullPage = true });

        // Closed on the crisis board (every action settled first); the next handover shows it as closed.
        foreach (var open in (await crisisCase.GetAsync()).Actions.Where(a => a.IsOpen))
        {
            await crisisCase.CancelActionAsync(open.ActionId, "s-zhou", "演练：已由120处理");
        }

        await crisisCase.CloseAsync("s-zhou", "120已送医，家属陪同", HelpReached.Yes, null);
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=open-crisis]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=closed-crises]")).ToContainTextAsync("120已送医");
        await Expect(page.Locator("[data-testid=handover-note-item]")).ToContainTextAsync("120已到达现场");
        await Expect(page.Locator("[data-testid=handover-print]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Counselor_cannot_open_the_handover()
    {
        var page = await SignedInPageAsync("c-zhao");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));

        await page.GotoAsync(BaseUrl + "/handover");

        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=handover]")).ToHaveCountAsync(0);
    }
}
