using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// A record that cannot be lost, in Chromium against the real host on a fake domain clock: the counsellor's
/// high-risk draft opens the crisis case at once, the counsellor leaves the call for decompression (a debrief the
/// supervisor reads, ended early by the supervisor) before the record is submitted, the desk keeps it under
/// "records to finish", and past the centre's time the supervisor's wallboard shows the alert.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class RecordsToFinishBrowserTests : BrowserTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override Task<HotlineHost> StartHostAsync()
    {
        // The fake clock jumps 33 minutes with nobody touching the wallboard: longer than the idle timeout, which would sign it out.
        var host = new HotlineHost(HotlineHost.NewServiceId(), _clock, settings: new Dictionary<string, string> { ["Auth:IdleTimeout"] = "12:00:00" });
        host.UseKestrel(0);
        host.StartServer();
        return Task.FromResult(host);
    }

    [Fact]
    public async Task Leaving_a_crisis_call_on_a_high_risk_draft_keeps_the_case_and_the_record_to_finish_and_alerts_the_supervisor()
    {
        var wallboard = await InteractivePageAsync("s-zhou");
        var desk = await InteractivePageAsync("c-wang");
        await desk.Locator("[data-testid=desk-set-Available]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");

        var callId = (await Host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>().PlaceCallAsync(DemoCentre.Id, "2", "+8613655554444")).CallId;
        await desk.Locator("[data-testid=offer-panel] [data-testid=offer-accept]").ClickAsync();
        await Expect(desk.Locator("[data-testid=in-call]")).ToBeVisibleAsync();

        // Ideation with expressed intent: high risk in a draft opens the case at once, before any submit.
        await desk.Locator("[data-testid=assess-factor-IdeationNow]").CheckAsync();
        await desk.Locator("[data-testid=assess-factor-ExpressedIntentToDie]").CheckAsync();
        await WaitForDraftAsync(callId, r => r.Assessment?.Derived == CrisisLevel.High, "a high-risk draft");
        var crisisCase = await Eventually.MatchesAsync(() => Host.Grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(callId)).GetAsync(), c => c.Status == CaseStatus.Open, "the case opened from the draft");
        Assert.Equal(CaseTrigger.Assessment, crisisCase.Trigger);

        // A crisis call (the assessment made it one): decompression, not wrap-up; the counsellor cannot end it, the supervisor can.
        await desk.Locator("[data-testid=desk-end-call]").ClickAsync();
        await Expect(desk.Locator("[data-testid=decompression]")).ToBeVisibleAsync();
        await Expect(desk.Locator("[data-testid=desk-set-Available]")).ToHaveCountAsync(0);
        await desk.Locator("[data-testid=debrief-note]").FillAsync("来电者有明确计划，我有些紧张。");
        await desk.Locator("[data-testid=debrief-save]").ClickAsync();
        await Expect(desk.Locator("[data-testid=debrief-saved]")).ToBeVisibleAsync();
        var wang = wallboard.Locator("[data-testid=counselor-c-wang]");
        await Expect(wang.Locator("[data-testid=state]")).ToHaveTextAsync("减压");
        await wang.Locator("[data-testid=show-debrief]").ClickAsync();
        await Expect(wallboard.Locator("[data-testid=debrief-text]")).ToContainTextAsync("我有些紧张");
        await wang.Locator("[data-testid=end-decompression]").ClickAsync();
        await Expect(desk.Locator("[data-testid=desk-state]")).ToHaveTextAsync("空闲");
        var toFinish = desk.Locator("[data-testid=record-to-finish]");
        await Expect(toFinish).ToHaveCountAsync(1);
        await Expect(toFinish).ToHaveAttributeAsync("data-call-id", callId);
        await Expect(toFinish).ToContainTextAsync("高危");

        _clock.Advance(TimeSpan.FromMinutes(30));
        await Expect(wallboard.Locator("[data-testid=alert-RecordNotSubmitted]")).ToBeVisibleAsync();

        // The counsellor finishes it from the desk; the list empties.
        await toFinish.Locator("[data-testid=record-to-finish-open]").ClickAsync();
        await desk.Locator("[data-testid=record-category-情绪]").CheckAsync();
        await desk.Locator("[data-testid=record-age-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-gender-unknown]").ClickAsync();
        await desk.Locator("[data-testid=record-outcome]").FillAsync("情绪稳定，约定回访");
        await desk.Locator("[data-testid=record-follow-up]").FillAsync("24小时内回访");
        await WaitForDraftAsync(callId, r => r.Outcome == "情绪稳定，约定回访" && r.FollowUpPlan is not null && !r.ProblemCategories.IsDefaultOrEmpty, "the finished fields");
        await desk.Locator("[data-testid=record-submit]").ClickAsync();
        await Expect(toFinish).ToHaveCountAsync(0);
        Assert.Equal(RecordStatus.Submitted, (await Host.Grains.GetGrain<IContactRecordGrain>(callId).GetAsync()).Status);
        Assert.Equal(PresenceState.Available, (await Host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync()).State);
    }
}
