using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// A follow-up (回访) that is due, as the counsellor and the supervisor meet it in Chromium with Twilio played by the
/// simulator: the due alert, the call-back dialled from the desk through the provider (the number never reaches the
/// page), three unreached attempts, and the escalation on the supervisor's wallboard.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class FollowUpBrowserTests : BrowserTest
{
    private const string CallerNumber = "+8613766554433";
    private TwilioHost _twilio = default!;

    protected override async Task<HotlineHost> StartHostAsync()
    {
        _twilio = await TwilioHost.StartAsync(kestrel: true);
        return _twilio.Host;
    }

    protected override ValueTask DisposeHostAsync() => _twilio.DisposeAsync();

    [Fact]
    public async Task Due_follow_up_is_dialled_from_the_desk_and_three_unreached_attempts_escalate_it_to_the_wallboard()
    {
        var caller = Host.Services.GetRequiredService<CallerIdentityProtector>().Protect(CallerNumber);
        var now = Host.Services.GetRequiredService<HotlineCenter.Abstractions.Common.HotlineTime>().Now;
        var owner = DemoShift.CounselorOnShift(now);
        await Host.Grains.GetGrain<ICaseloadGrain>(DemoCentre.Id).PlanFollowUpAsync(new FollowUpSchedule(DemoCentre.Id,
            new FollowUpItem("CAfollowup0001", owner, caller.MaskedNumber, RiskLevel.High, now.AddHours(-24), now.AddSeconds(-1), FollowUpStatus.Open, 0, null, null),
            caller));

        var wallboard = await InteractivePageAsync("s-zhou");
        var desk = await InteractivePageAsync(owner);
        var followUp = desk.Locator("[data-testid=my-follow-up]");
        await Expect(followUp).ToContainTextAsync(caller.MaskedNumber);
        await Expect(wallboard.Locator("[data-testid=alert-FollowUpDue]")).ToBeVisibleAsync();

        await followUp.Locator("[data-testid=follow-up-dial]").ClickAsync();
        var dialled = await Eventually.MatchesAsync(
            () => Task.FromResult(_twilio.Api.Requests.FirstOrDefault(r => r.Path == "/Conferences/followup-CAfollowup0001/Participants.json" && r.Field("To") == CallerNumber)),
            r => r is not null, "the caller dialled into the follow-up conference");
        Assert.Equal(TwilioHost.Hotline, dialled!.Field("From"));
        await Expect(desk.Locator("body")).Not.ToContainTextAsync(CallerNumber);
        await Expect(desk.Locator("body")).Not.ToContainTextAsync("13766554433");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await desk.Locator("[data-testid=my-follow-up] [data-testid=follow-up-not-reached]").ClickAsync();
            await Eventually.MatchesAsync(() => Host.Grains.GetGrain<IFollowUpGrain>("CAfollowup0001").GetAsync(), d => d.Item.FailedAttempts == attempt, $"attempt {attempt} recorded");
        }

        await Expect(wallboard.Locator("[data-testid=alert-FollowUpEscalated]")).ToBeVisibleAsync();
        var detail = await Host.Grains.GetGrain<IFollowUpGrain>("CAfollowup0001").GetAsync();
        Assert.Equal((FollowUpStatus.Escalated, 3), (detail.Item.Status, detail.Item.FailedAttempts));
    }
}
