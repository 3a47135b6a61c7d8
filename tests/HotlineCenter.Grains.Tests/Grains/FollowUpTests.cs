using System.Text.Json;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Grains.Caseload;
using HotlineCenter.Grains.Tests.Fixtures;
using HotlineCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Follow-ups (回访) held by reminders: due and overdue alerts on the domain clock, the desk's dial, escalation, the supervisor's decisions.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FollowUpTests(ClusterFixture fixture)
{
    private static readonly ContactRecord HighRisk = new()
    {
        Risk = RiskLevel.High, ProblemCategories = ["情绪"], Outcome = "安全计划已制定", FollowUpPlan = "24小时内回访", AgeBand = "25-34", Gender = "female",
    };

    [Fact]
    public async Task Follow_up_raises_the_due_alert_to_its_counselor_at_the_due_time_and_the_overdue_alert_after_the_grace()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "due";
        var due = fixture.Time.GetUtcNow().AddHours(24);
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, due));

        var reminder = await ReminderRowAsync(callId);
        await FireReminderAsync(callId);
        var beforeDue = await Caseload(s).GetFollowUpBoardAsync();
        fixture.Time.Advance(TimeSpan.FromHours(24));
        await FireReminderAsync(callId);
        var dueAlert = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpDue), "due alert");
        var dueBoard = await Caseload(s).GetFollowUpBoardAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(119));
        await FireReminderAsync(callId);
        var withinGrace = await Alerts(s).GetCurrentAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await FireReminderAsync(callId);
        var overdue = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpOverdue), "overdue alert");
        var overdueBoard = await Caseload(s).GetFollowUpBoardAsync();

        Assert.NotNull(reminder);
        Assert.Equal(TimeSpan.FromMinutes(1), reminder.Period);
        Assert.Equal([callId], beforeDue.Upcoming.Select(f => f.CallId));
        Assert.DoesNotContain(await HistoryAsync(s, AlertKind.FollowUpDue), a => a.RaisedAt < due);
        var raised = Assert.Single(dueAlert, a => a.Kind == AlertKind.FollowUpDue);
        Assert.Equal((callId, wang, due, false), (raised.CallId, raised.CounselorId, raised.RaisedAt, raised.Critical));
        Assert.Equal([callId], dueBoard.DueNow.Select(f => f.CallId));
        Assert.DoesNotContain(withinGrace, a => a.Kind == AlertKind.FollowUpOverdue);
        var late = Assert.Single(overdue, a => a.Kind == AlertKind.FollowUpOverdue);
        Assert.Equal((callId, due.AddHours(2), true), (late.CallId, late.RaisedAt, late.Critical));
        Assert.Equal([callId], overdueBoard.Overdue.Select(f => f.CallId));
        Assert.Empty(overdueBoard.DueNow);
    }

    [Fact]
    public async Task Follow_up_due_while_its_counselor_is_off_shift_alerts_the_supervisor_to_reassign_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var li = (await s.AvailableCounselorAsync("li")).GetPrimaryKeyString();
        await fixture.Grains.GetGrain<IRosterGrain>(s.CentreId).SetShiftsAsync(
        [
            new ShiftDefinition("am", "白班", new TimeOnly(0, 0), new TimeOnly(12, 0), [], [li], []),
            new ShiftDefinition("pm", "夜班", new TimeOnly(12, 0), new TimeOnly(0, 0), [], [li], []),
        ], "admin");
        var callId = "CA" + s.CentreId + "off";
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, fixture.Time.GetUtcNow()));

        var alerts = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.CallId == callId), "an alert for the follow-up");
        var reassigned = await FollowUp(callId).ReassignAsync("sup-zhao", li);
        var after = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpDue), "due alert to the new counsellor");

        var unassigned = Assert.Single(alerts, a => a.CallId == callId);
        Assert.Equal((AlertKind.FollowUpUnassigned, wang, true), (unassigned.Kind, unassigned.CounselorId, unassigned.Critical));
        Assert.Equal(li, reassigned.Item.CounselorId);
        Assert.Equal([wang], reassigned.PreviousCounselors.ToArray());
        Assert.Equal([(AlertKind.FollowUpDue, li)], after.Where(a => a.CallId == callId).Select(a => (a.Kind, a.CounselorId)));
    }

    [Fact]
    public async Task Desk_dials_the_follow_up_through_the_port_with_the_callers_reference_and_no_view_holds_the_number()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wangGrain) = await s.ConnectedCallAsync("dial", "wang");
        var wang = wangGrain.GetPrimaryKeyString();
        var callId = call.GetPrimaryKeyString();
        await Record(call).SubmitAsync(HighRisk, wang);

        var dialled = await FollowUp(callId).DialAsync(wang);
        var (followUpId, caller, counselor) = Assert.Single(fixture.Port.FollowUpDials, d => d.FollowUpId == callId);
        var views = JsonSerializer.Serialize(new object[]
        {
            dialled, await FollowUp(callId).GetAsync(), await Caseload(s).GetAsync(), await Caseload(s).GetFollowUpBoardAsync(), await Caseload(s).GetCounselorFollowUpsAsync(wang),
        });

        Assert.Equal(("enc-dial", "hash-dial", wang), (caller.EncryptedNumber, caller.CallerHash, counselor));
        Assert.Equal(fixture.Time.GetUtcNow(), dialled.Item.LastDialledAt);
        Assert.Equal(("138****0000", true), (dialled.Item.MaskedNumber, dialled.Item.CanDial));
        Assert.DoesNotContain("enc-dial", views, StringComparison.Ordinal);
        Assert.DoesNotContain("hash-dial", views, StringComparison.Ordinal);
        Assert.Contains("138****0000", views, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_unreached_attempts_escalate_to_the_supervisor_who_reassigns_it_then_closes_it_with_a_reason()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var li = (await s.AvailableCounselorAsync("li")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "esc";
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, fixture.Time.GetUtcNow().AddHours(24)));

        var two = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.NotReached, "无人接听");
        two = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.NotReached, null);
        var alertsAfterTwo = await Alerts(s).GetCurrentAsync();
        var three = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.NotReached, "关机");
        var escalated = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpEscalated), "escalated alert");
        var board = await Eventually.MatchesAsync(Caseload(s).GetFollowUpBoardAsync, b => b.Escalated.Length == 1, "escalated on the board");
        var reassigned = await FollowUp(callId).ReassignAsync("sup-zhao", li);
        var lisList = await Eventually.MatchesAsync(() => Caseload(s).GetCounselorFollowUpsAsync(li), b => b.Upcoming.Length == 1, "li's list");
        var wangsList = await Caseload(s).GetCounselorFollowUpsAsync(wang);
        var alertsAfterReassign = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => !a.Any(x => x.Kind == AlertKind.FollowUpEscalated), "escalation resolved");
        var closed = await FollowUp(callId).CloseAsync("sup-zhao", "来电者已转介至社区精神卫生中心");
        var done = await Eventually.MatchesAsync(Caseload(s).GetFollowUpBoardAsync, b => b.DoneRecently.Length == 1, "closed on the board");

        Assert.Equal((FollowUpStatus.Open, 2), (two.Item.Status, two.Item.FailedAttempts));
        Assert.DoesNotContain(alertsAfterTwo, a => a.CallId == callId);
        Assert.Equal((FollowUpStatus.Escalated, 3), (three.Item.Status, three.Item.FailedAttempts));
        Assert.Equal(["无人接听", null, "关机"], three.Attempts.Select(a => a.Note));
        Assert.Equal((callId, wang, true), escalated.Where(a => a.Kind == AlertKind.FollowUpEscalated).Select(a => (a.CallId!, a.CounselorId!, a.Critical)).Single());
        Assert.Equal([callId], board.Escalated.Select(f => f.CallId));
        Assert.Equal((li, FollowUpStatus.Open, 0), (reassigned.Item.CounselorId, reassigned.Item.Status, reassigned.Item.FailedAttempts));
        Assert.Equal([callId], lisList.Upcoming.Select(f => f.CallId));
        Assert.Empty(wangsList.Upcoming.Concat(wangsList.Escalated));
        Assert.DoesNotContain(alertsAfterReassign, a => a.CallId == callId);
        Assert.Equal((FollowUpStatus.Closed, "sup-zhao", "来电者已转介至社区精神卫生中心"), (closed.Item.Status, closed.Item.ClosedBy, closed.Item.CloseReason));
        Assert.Equal([callId], done.DoneRecently.Select(f => f.CallId));
        Assert.DoesNotContain((await Caseload(s).GetAsync()).OpenFollowUps, f => f.CallId == callId);
        Assert.Null(await ReminderRowAsync(callId));
    }

    [Fact]
    public async Task Reaching_the_caller_resolves_the_due_alert_and_drops_the_reminder()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "ok";
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, fixture.Time.GetUtcNow()));
        await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpDue), "due alert");

        var reached = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.Reached, "情绪平稳");
        var current = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => !a.Any(x => x.CallId == callId), "due alert resolved");

        Assert.Equal((FollowUpStatus.Done, FollowUpOutcome.Reached), (reached.Item.Status, reached.Item.LastOutcome));
        Assert.Empty(current.Where(a => a.CallId == callId));
        Assert.Null(await ReminderRowAsync(callId));
    }

    [Fact]
    public async Task Wrong_number_escalates_at_once()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "wrong";
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, fixture.Time.GetUtcNow().AddHours(24)));

        var wrong = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.WrongNumber, null);

        Assert.Equal((FollowUpStatus.Escalated, 1), (wrong.Item.Status, wrong.Item.FailedAttempts));
        await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.FollowUpEscalated && x.CallId == callId), "escalated alert");
    }

    [Fact]
    public async Task Centre_settings_decide_the_grace_and_how_many_failures_escalate()
    {
        var s = await Scenario.CreateAsync(fixture);
        var centre = fixture.Grains.GetGrain<HotlineCenter.Abstractions.Centres.ICentreGrain>(s.CentreId);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { FollowUpAttemptsBeforeEscalation = 1, FollowUpOverdueGraceMinutes = 30 });
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "cfg";
        var due = fixture.Time.GetUtcNow().AddHours(72);

        var planned = await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, due));
        var once = await FollowUp(callId).RecordOutcomeAsync(wang, FollowUpOutcome.NotReached, null);

        Assert.Equal(due.AddMinutes(30), planned.OverdueAt);
        Assert.Equal((FollowUpStatus.Escalated, 1), (once.Item.Status, once.Item.FailedAttempts));
    }

    [Fact]
    public async Task Bad_follow_up_requests_are_refused_with_a_reason_and_change_nothing()
    {
        var s = await Scenario.CreateAsync(fixture);
        var wang = (await s.AvailableCounselorAsync("wang")).GetPrimaryKeyString();
        var li = (await s.AvailableCounselorAsync("li")).GetPrimaryKeyString();
        var callId = "CA" + s.CentreId + "bad";
        var purgedId = "CA" + s.CentreId + "purged";
        await Caseload(s).PlanFollowUpAsync(Schedule(s, callId, wang, fixture.Time.GetUtcNow().AddHours(24)));
        await Caseload(s).PlanFollowUpAsync(Schedule(s, purgedId, wang, fixture.Time.GetUtcNow().AddHours(24)));
        await FollowUp(purgedId).ForgetNumberAsync("auditor");
        var before = Json(await FollowUp(callId).GetAsync());
        var purgedBefore = Json(await FollowUp(purgedId).GetAsync());
        var dialsBefore = fixture.Port.FollowUpDials.Count;

        var notYours = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(callId).RecordOutcomeAsync(li, FollowUpOutcome.NotReached, null));
        var notYoursDial = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(callId).DialAsync(li));
        var noNumber = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(purgedId).DialAsync(wang));
        var unknownCounselor = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(callId).ReassignAsync("sup-zhao", "nobody"));
        var noReason = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(callId).CloseAsync("sup-zhao", "  "));
        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp("CA" + s.CentreId + "none").CloseAsync("sup-zhao", "已处理"));
        var after = Json(await FollowUp(callId).GetAsync());
        await FollowUp(callId).CloseAsync("sup-zhao", "已处理");
        var closedAttempt = await Assert.ThrowsAsync<HotlineRuleException>(() => FollowUp(callId).DialAsync(wang));

        Assert.Equal(
            ["follow-up.not-yours", "follow-up.not-yours", "follow-up.no-number", "follow-up.unknown-counselor", "follow-up.invalid-reason", "follow-up.unknown", "follow-up.closed"],
            new[] { notYours, notYoursDial, noNumber, unknownCounselor, noReason, unknown, closedAttempt }.Select(e => e.Code));
        Assert.Equal(purgedBefore, Json(await FollowUp(purgedId).GetAsync()));
        Assert.Equal(dialsBefore, fixture.Port.FollowUpDials.Count);
        Assert.False((await FollowUp(purgedId).GetAsync()).Item.CanDial);
        Assert.Equal(before, after);
    }

    private FollowUpSchedule Schedule(Scenario s, string callId, string counselorId, DateTimeOffset due) =>
        new(s.CentreId, new FollowUpItem(callId, counselorId, null, RiskLevel.High, fixture.Time.GetUtcNow(), due, FollowUpStatus.Open, 0, null, null),
            new CallerRef("hash-" + callId, "139****1111", "enc-" + callId));

    /// <summary>What the reminder service does at a firing, without waiting real hours: the grain's own callback.</summary>
    private Task FireReminderAsync(string callId) =>
        FollowUp(callId).AsReference<IRemindable>().ReceiveReminder(FollowUpGrain.DueReminder, default);

    /// <summary>The row in the silo's reminder table (Redis in production): what survives a restart.</summary>
    private async Task<ReminderEntry?> ReminderRowAsync(string callId)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var table = silo.SiloHost!.Services.GetRequiredService<IReminderTable>();
        return await table.ReadRow(FollowUp(callId).GetGrainId(), FollowUpGrain.DueReminder);
    }

    private async Task<IEnumerable<CentreAlert>> HistoryAsync(Scenario s, AlertKind kind) => (await Alerts(s).GetHistoryAsync()).Where(a => a.Kind == kind);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private IFollowUpGrain FollowUp(string callId) => fixture.Grains.GetGrain<IFollowUpGrain>(callId);

    private IContactRecordGrain Record(ICallGrain call) => fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());

    private ICaseloadGrain Caseload(Scenario s) => fixture.Grains.GetGrain<ICaseloadGrain>(s.CentreId);

    private ICentreAlertsGrain Alerts(Scenario s) => fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);
}
