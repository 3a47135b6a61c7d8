using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Queues_counselors_calls_and_ring_deadline_survive_stopping_and_starting_the_host()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var serviceId = HotlineHost.NewServiceId();
        string offeredCall, waitingCall;
        var general = $"{DemoCentre.Id}/general";

        await using (var first = new HotlineHost(serviceId, clock))
        {
            _ = first.Server;
            var wang = first.Grains.GetGrain<ICounselorGrain>("c-wang");
            await Eventually.MatchesAsync(wang.GetAsync, c => c.Profile is not null, "demo seeded");
            await wang.ChangePresenceAsync(PresenceState.Available, "test");
            var caller = first.Services.GetRequiredService<SimulatedCaller>();
            offeredCall = (await caller.PlaceCallAsync(DemoCentre.Id, "2")).CallId;
            await Eventually.MatchesAsync(wang.GetAsync, c => c.State == PresenceState.Offered, "wang offered");
            clock.Advance(TimeSpan.FromSeconds(3));
            waitingCall = (await caller.PlaceCallAsync(DemoCentre.Id, "1")).CallId;
        }

        await using var second = new HotlineHost(serviceId, clock);
        _ = second.Server;
        var grains = second.Grains;
        var counselor = await grains.GetGrain<ICounselorGrain>("c-wang").GetAsync();
        Assert.Equal(PresenceState.Offered, counselor.State);
        Assert.Equal(offeredCall, counselor.CallId);
        var queue = await grains.GetGrain<IQueueGrain>(general).GetAsync();
        Assert.Equal([waitingCall, offeredCall], queue.Waiting.Select(w => w.CallId));
        Assert.Equal("c-wang", queue.Waiting.Single(w => w.CallId == offeredCall).OfferedTo);
        var waiting = await grains.GetGrain<ICallGrain>(waitingCall).GetAsync();
        Assert.Equal(CallStatus.Queued, waiting.Status);
        Assert.True(waiting.IsCrisis);
        Assert.Equal(
            [TimelineKind.Arrived, TimelineKind.IvrChoice, TimelineKind.CrisisCaseOpened, TimelineKind.Queued],
            waiting.Timeline.Select(t => t.Kind));

        // "I am in danger" opened a case and raised its alerts before the restart: both are still there, unacknowledged.
        var crisisCase = await grains.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(waitingCall)).GetAsync();
        Assert.Equal(CaseStatus.Open, crisisCase.Status);
        Assert.Equal(CaseTrigger.IvrDanger, crisisCase.Trigger);
        Assert.Contains(crisisCase.CaseId, (await grains.GetGrain<ICrisisIndexGrain>(DemoCentre.Id).GetAsync()).Open.Select(e => e.CaseId));
        var alerts = await grains.GetGrain<ICentreAlertsGrain>(DemoCentre.Id).GetCurrentAsync();
        Assert.Contains(alerts, a => a.Kind == AlertKind.CrisisCaseOpened && a.CaseId == crisisCase.CaseId && a.AcknowledgedBy is null);
        Assert.Contains(alerts, a => a.Kind == AlertKind.CrisisWaiting && a.CallId == waitingCall);

        // The ring deadline persisted before the restart is re-armed: passing it now times the offer out.
        clock.Advance(TimeSpan.FromSeconds(20));
        await Eventually.MatchesAsync(grains.GetGrain<ICounselorGrain>("c-wang").GetAsync, c => c.State == PresenceState.NotResponding, "offer timed out after restart");
        var lapsed = await Eventually.MatchesAsync(
            grains.GetGrain<ICallGrain>(offeredCall).GetAsync,
            c => c.Timeline.Any(t => t.Kind == TimelineKind.OfferTimedOut && t.CounselorId == "c-wang"),
            "offer lapse recorded on the call");
        Assert.Equal(CallStatus.Queued, lapsed.Status);
        Assert.Null((await grains.GetGrain<IQueueGrain>(general).GetAsync()).Waiting.Single(w => w.CallId == offeredCall).OfferedTo);
    }

    [Fact]
    public async Task A_second_start_keeps_the_seeded_centre_and_its_changes()
    {
        var serviceId = HotlineHost.NewServiceId();
        await using (var first = new HotlineHost(serviceId))
        {
            _ = first.Server;
            var li = first.Grains.GetGrain<ICounselorGrain>("c-li");
            await Eventually.MatchesAsync(li.GetAsync, c => c.Profile is not null, "demo seeded");
            await li.ChangePresenceAsync(PresenceState.Training, "test");
        }

        await using var second = new HotlineHost(serviceId);
        _ = second.Server;
        var after = await second.Grains.GetGrain<ICounselorGrain>("c-li").GetAsync();

        Assert.Equal(PresenceState.Training, after.State);
        Assert.Equal("李明", after.Profile!.DisplayName);
    }

    [Fact]
    public async Task Demo_accounts_seeded_with_the_published_password_take_this_machines_password_on_the_next_start()
    {
        var serviceId = HotlineHost.NewServiceId();
        await using (var first = new HotlineHost(serviceId, seedDemo: false))
        {
            _ = first.Server;
            var accounts = first.Services.GetRequiredService<HotlineCenter.Web.Accounts.AccountService>();
            await accounts.CreateAsync("s-zhou", "周主任", [HotlineCenter.Abstractions.Accounts.StaffRole.Supervisor], DemoCentre.Id, null, DemoOptions.PublishedPassword);
            await accounts.CreateAsync("c-wang", "王雪", [HotlineCenter.Abstractions.Accounts.StaffRole.Counselor], DemoCentre.Id, "c-wang", "her-own-password-2026");
        }

        await using var second = new HotlineHost(serviceId);
        _ = second.Server;
        var after = second.Services.GetRequiredService<HotlineCenter.Web.Accounts.AccountService>();
        await Eventually.MatchesAsync(() => after.HasPasswordAsync("s-zhou", SignIn.DemoPassword), ok => ok, "the published password replaced");

        Assert.False(await after.HasPasswordAsync("s-zhou", DemoOptions.PublishedPassword));
        Assert.True(await after.HasPasswordAsync("c-wang", "her-own-password-2026"));
    }

    [Fact]
    public async Task A_follow_up_reminder_set_before_a_restart_fires_after_it_and_raises_the_due_alert()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var owner = DemoShift.CounselorOnShift(clock.GetUtcNow());
        var serviceId = HotlineHost.NewServiceId();
        await using (var first = new HotlineHost(serviceId, clock))
        {
            _ = first.Server;
            var caller = first.Services.GetRequiredService<HotlineCenter.Telephony.Identity.CallerIdentityProtector>().Protect("+8613711112222");
            await first.Grains.GetGrain<HotlineCenter.Abstractions.Caseload.ICaseloadGrain>(DemoCentre.Id).PlanFollowUpAsync(new HotlineCenter.Abstractions.Caseload.FollowUpSchedule(DemoCentre.Id,
                new HotlineCenter.Abstractions.Caseload.FollowUpItem("CArestartfollow1", owner, caller.MaskedNumber, HotlineCenter.Abstractions.Records.RiskLevel.High,
                    clock.GetUtcNow(), clock.GetUtcNow().AddSeconds(2), HotlineCenter.Abstractions.Caseload.FollowUpStatus.Open, 0, null, null),
                caller));
            Assert.DoesNotContain(await first.Grains.GetGrain<ICentreAlertsGrain>(DemoCentre.Id).GetCurrentAsync(), a => a.Kind == AlertKind.FollowUpDue);
        }

        // Nothing is running the follow-up now: only the reminder stored in Redis can bring it back.
        clock.Advance(TimeSpan.FromSeconds(3));
        await using var second = new HotlineHost(serviceId, clock);
        _ = second.Server;
        var alerts = await Eventually.MatchesAsync(second.Grains.GetGrain<ICentreAlertsGrain>(DemoCentre.Id).GetCurrentAsync,
            list => list.Any(a => a.Kind == AlertKind.FollowUpDue), "the due alert raised by the reminder after the restart", timeoutMs: 60_000);

        Assert.Equal(owner, alerts.Single(a => a.Kind == AlertKind.FollowUpDue).CounselorId);
    }
}
