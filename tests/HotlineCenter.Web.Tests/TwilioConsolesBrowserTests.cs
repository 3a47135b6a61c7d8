using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The whole shift in miniature, the way staff see it: the host in Twilio mode, Twilio played by the simulator
/// (signed webhooks in, REST API on loopback), a supervisor and a counsellor signed in in two browser contexts.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class TwilioConsolesBrowserTests : BrowserTest
{
    private TwilioHost _twilio = default!;

    protected override async Task<HotlineHost> StartHostAsync()
    {
        _twilio = await TwilioHost.StartAsync(kestrel: true);
        return _twilio.Host;
    }

    protected override ValueTask DisposeHostAsync() => _twilio.DisposeAsync();

    [Fact]
    public async Task Call_from_twilio_reaches_the_wallboard_the_counselor_answers_records_and_the_kpis_change()
    {
        var wallboard = await InteractivePageAsync("s-zhou");
        var desk = await InteractivePageAsync("c-wang");
        await Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/desk$"));
        await Expect(wallboard.Locator("[data-testid=kpi-received]")).ToHaveTextAsync("0");
        await desk.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");

        // Twilio posts the incoming call and the caller presses 2; the app rings c-wang's browser into the conference.
        var sid = TwilioDriver.NewCallSid();
        await _twilio.CallInAsync(sid, "+8613700001234", "2");
        var ring = (await _twilio.RingAsync(sid))!;
        Assert.Equal("client:c-wang", ring.Field("To"));
        await Expect(wallboard.Locator("[data-testid=active-call]")).ToContainTextAsync("*******1234");
        await Expect(wallboard.Locator("[data-testid=kpi-received]")).ToHaveTextAsync("1");

        var offer = desk.Locator("[data-testid=offer-panel]");
        await Expect(offer.Locator("[data-testid=offer-caller]")).ToContainTextAsync("*******1234");
        await Expect(offer.Locator("[data-testid=caller-first]")).ToBeVisibleAsync();
        await offer.Locator("[data-testid=offer-accept]").ClickAsync();

        // The browser leg answers (Twilio reports it as the softphone would).
        await _twilio.Driver.LegStatusAsync(ring.Field("StatusCallback")!, TwilioDriver.NewCallSid(), "in-progress", 1);
        await Expect(desk.Locator("[data-testid=in-call]")).ToBeVisibleAsync();
        await Expect(wallboard.Locator("[data-testid=counselor-c-wang] [data-testid=state]")).ToHaveTextAsync("通话中");
        await Expect(wallboard.Locator("[data-testid=kpi-answered]")).ToHaveTextAsync("1");
        await Expect(wallboard.Locator("[data-testid=kpi-answer-rate]")).ToHaveTextAsync("100%");

        await desk.Locator("[data-testid=record-category-家庭]").CheckAsync();
        await desk.Locator("[data-testid=record-age-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-gender-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-outcome]").FillAsync("情绪平稳，约定必要时再来电");
        await ChooseRiskAsync(desk, "中危", RiskLevel.Moderate, sid);
        await WaitForDraftAsync(sid, r => r.Outcome == "情绪平稳，约定必要时再来电", "the outcome");
        await desk.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(desk.Locator("[data-testid=record-status]")).ToHaveTextAsync("已提交");
        await Expect(desk.Locator("[data-testid=my-call]")).ToContainTextAsync("已提交");
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("desk.png"), FullPage = true });
        await wallboard.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("live.png"), FullPage = true });

        // The caller hangs up: the counsellor wraps up and the day's handle time appears.
        await _twilio.Driver.LegStatusAsync(TwilioHost.CallerStatusUrl, sid, "completed", 3);
        await Expect(desk.Locator("[data-testid=wrap-up]")).ToBeVisibleAsync();
        await Expect(wallboard.Locator("[data-testid=kpi-aht]")).Not.ToHaveTextAsync("—");
        await Expect(desk.Locator("[data-testid=my-follow-up]")).ToHaveCountAsync(1);
        var record = await _twilio.Grains.GetGrain<IContactRecordGrain>(sid).GetAsync();
        Assert.Equal((RecordStatus.Submitted, RiskLevel.Moderate), (record.Status, record.Record.Risk));
        Assert.Equal(CallStatus.Ended, (await _twilio.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);
    }

    private static string Shot(string name) => Path.Combine(Directory.CreateDirectory("screenshots").FullName, name);
}
