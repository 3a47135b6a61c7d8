using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The crisis drill, as a night shift would live it, in real Chromium with Twilio played by the simulator and a
/// 120 linkage platform on loopback: "I am in danger" → the case opens and the supervisor is alerted → the
/// counsellor assesses imminent risk with a medical emergency → 120 is proposed → the dispatcher is conferenced in
/// and the dispatch sheet reaches the platform → the case will not close while 120 is under way → it closes → the
/// counsellor's follow-up is on their desk.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class CrisisDrillBrowserTests : BrowserTest
{
    private const string Secret = "linkage-secret-for-the-120-platform";
    private const string Dispatcher120 = "+862912012000";
    private const string CallerNumber = "+8613912345678";
    private TwilioHost _twilio = default!;
    private LinkagePlatform _platform = default!;

    protected override async Task<HotlineHost> StartHostAsync()
    {
        _platform = new LinkagePlatform(Secret);
        await _platform.StartAsync();
        _twilio = await TwilioHost.StartAsync(kestrel: true, settings: new Dictionary<string, string>
        {
            ["Linkage:Secrets:xa-120"] = Secret,
            ["Linkage:RetryDelay"] = "00:00:00.200",
        });
        await _twilio.Grains.GetGrain<ILinkageDirectoryGrain>(DemoCentre.Id).SetAsync(DemoCentre.Linkage with
        {
            Receivers =
            [
                new("xa-120", ActionKind.Ambulance120, "西安市120急救指挥中心", Dispatcher120, _platform.Url, "xa-120"),
                new("xa-110", ActionKind.Police110, "西安市公安局110指挥中心", "+862911011000", null, null),
            ],
        });
        return _twilio.Host;
    }

    protected override async ValueTask DisposeHostAsync()
    {
        await _twilio.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Fact]
    public async Task Caller_in_danger_is_assessed_120_is_conferenced_and_dispatched_and_the_case_closes_only_when_help_arrived()
    {
        var board = await InteractivePageAsync("s-zhou");
        await board.GotoAsync(BaseUrl.TrimEnd('/') + "/crisis");
        await Expect(board.Locator("[data-testid=crisis-board][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(board.Locator("[data-testid=no-open-cases]")).ToBeVisibleAsync();
        var desk = await InteractivePageAsync("c-wang");
        await desk.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");

        // The caller presses 1, "我现在有危险": the case opens while the call rings, and the supervisor is alerted.
        var sid = TwilioDriver.NewCallSid();
        await _twilio.CallInAsync(sid, CallerNumber, "1");
        var crisisCase = board.Locator("[data-testid=crisis-case]");
        await Expect(crisisCase).ToHaveCountAsync(1);
        await Expect(crisisCase).ToContainTextAsync("来电者选择“我现在有危险”");
        var opened = board.Locator("[data-testid=alert-CrisisCaseOpened]");
        await Expect(opened).ToBeVisibleAsync();
        await opened.Locator("[data-testid=alert-ack]").ClickAsync();
        await Expect(opened).ToHaveCountAsync(0);

        var ring = (await _twilio.RingAsync(sid))!;
        await desk.Locator("[data-testid=offer-panel] [data-testid=offer-accept]").ClickAsync();
        await _twilio.Driver.LegStatusAsync(ring.Field("StatusCallback")!, TwilioDriver.NewCallSid(), "in-progress", 1);
        await Expect(desk.Locator("[data-testid=in-call]")).ToBeVisibleAsync();

        // The counsellor assesses: an attempt in progress (imminent), an overdose taken, where the caller is.
        await desk.Locator("[data-testid=assess-factor-AttemptInProgress]").CheckAsync();
        await desk.Locator("[data-testid=assess-fact-MedicalEmergencyNow]").CheckAsync();
        await desk.Locator("[data-testid=assess-location]").FillAsync("雁塔区长安南路88号3单元");
        await Expect(desk.Locator("[data-testid=assess-derived]")).ToHaveAttributeAsync("data-level", "Imminent");
        await WaitForDraftAsync(sid, r => r.Assessment is { Derived: CrisisLevel.Imminent, MedicalEmergencyNow: true, Location: not null }, "an imminent assessment with a medical emergency");
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("desk-assessment.png"), FullPage = true });

        // 120 is proposed by the rules (life first: no approval); the supervisor conferences the dispatcher in.
        var ambulance = crisisCase.Locator("[data-testid=action-Ambulance120]");
        await Expect(ambulance).ToHaveAttributeAsync("data-state", "Proposed");
        await Expect(crisisCase.Locator("[data-testid=case-location]")).ToContainTextAsync("雁塔区长安南路88号3单元");
        await ambulance.Locator("[data-testid=action-conference]").ClickAsync();
        await Expect(ambulance).ToHaveAttributeAsync("data-state", "Requested");
        var dialled = await Eventually.MatchesAsync(
            () => Task.FromResult(_twilio.Api.Requests.FirstOrDefault(r => r.Path == $"/Conferences/call-{sid}/Participants.json" && r.Field("To") == Dispatcher120)),
            r => r is not null, "the 120 dispatcher added to the caller's conference");
        Assert.Equal(TwilioHost.Hotline, dialled!.Field("From"));

        // The sheet goes to the 120 platform, signed; the number is unmasked there and only there.
        await ambulance.Locator("[data-testid=action-sheet]").ClickAsync();
        await Expect(ambulance.Locator("[data-testid=sheet-delivery]")).ToContainTextAsync("联动单已送达");
        var sheet = Assert.Single(_platform.Sheets.Values);
        Assert.Equal(CrisisKeys.CaseId(sid), sheet.GetProperty("caseId").GetString());
        Assert.Equal(CallerNumber, sheet.GetProperty("callbackNumber").GetString());
        Assert.Equal("雁塔区长安南路88号3单元", sheet.GetProperty("location").GetString());
        Assert.Equal(0, _platform.Rejected);
        await Expect(board.Locator("body")).Not.ToContainTextAsync(CallerNumber);
        await board.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("crisis-board.png"), FullPage = true });

        // The case will not close while 120 is on its way.
        await crisisCase.Locator("[data-testid=case-resolution]").FillAsync("120 已将来电者送医");
        await crisisCase.Locator("[data-testid=case-close]").ClickAsync();
        await Expect(board.GetByText("仍有未完成的处置，不能结案")).ToBeVisibleAsync();
        await Expect(crisisCase).ToHaveCountAsync(1);

        await ambulance.Locator("[data-testid=action-acknowledged]").ClickAsync();
        await Expect(ambulance).ToHaveAttributeAsync("data-state", "Acknowledged");
        await ambulance.Locator("[data-testid=action-en-route]").ClickAsync();
        await Expect(ambulance).ToHaveAttributeAsync("data-state", "EnRoute");
        await ambulance.Locator("[data-testid=action-completed]").ClickAsync();
        await Expect(ambulance).ToHaveAttributeAsync("data-state", "Completed");
        await Expect(desk.Locator("[data-testid=desk-case-action-Ambulance120] [data-testid=desk-case-action-state]")).ToHaveTextAsync("已完成");

        // 110 was proposed too (imminent risk, location known): with 120 there, it is not needed.
        var police = crisisCase.Locator("[data-testid=action-Police110]");
        await police.Locator("[data-testid=action-reason]").FillAsync("120 已到场，无需公安");
        await police.Locator("[data-testid=action-cancel]").ClickAsync();
        await Expect(police).ToHaveAttributeAsync("data-state", "Cancelled");

        // The counsellor submits the record: the follow-up (回访) is scheduled on their desk, and the case's follow-up action is handed to it.
        await desk.Locator("[data-testid=record-category-情绪]").CheckAsync();
        await desk.Locator("[data-testid=record-age-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-gender-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-outcome]").FillAsync("已由120送医，约定回访");
        await desk.Locator("[data-testid=record-follow-up]").FillAsync("明日上午回访，确认就医情况");
        await WaitForDraftAsync(sid, r => r.Outcome == "已由120送医，约定回访" && r.FollowUpPlan is not null, "the outcome and follow-up plan");
        await desk.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(desk.Locator("[data-testid=record-status]")).ToHaveTextAsync("已提交");
        await Expect(desk.Locator("[data-testid=my-follow-up]")).ToHaveCountAsync(1);
        await Expect(crisisCase.Locator("[data-testid=action-FollowUp]")).ToHaveAttributeAsync("data-state", "Completed");

        // Now it closes, with the answer to "did help reach the person?".
        await crisisCase.Locator("[data-testid=case-help-reached]").ClickAsync();
        await board.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "是" }).ClickAsync();
        await crisisCase.Locator("[data-testid=case-close]").ClickAsync();
        await Expect(board.Locator("[data-testid=crisis-case]")).ToHaveCountAsync(0);
        await Expect(board.Locator("[data-testid=closed-cases]")).ToContainTextAsync("120 已将来电者送医");
        var closed = await _twilio.Grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(sid)).GetAsync();
        Assert.Equal((CaseStatus.Closed, HelpReached.Yes), (closed.Status, closed.HelpReached));
        Assert.Contains(closed.Timeline, t => t.What.Contains("callback number disclosed", StringComparison.Ordinal));
        Assert.Equal(RecordStatus.Submitted, (await _twilio.Grains.GetGrain<IContactRecordGrain>(sid).GetAsync()).Status);
    }

    private static string Shot(string name) => Path.Combine(Directory.CreateDirectory("screenshots").FullName, name);
}
