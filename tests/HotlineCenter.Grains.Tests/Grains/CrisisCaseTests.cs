using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Crisis cases on the fake clock: how they open (once per call), their actions, deadlines, alerts and closing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CrisisCaseTests(ClusterFixture fixture)
{
    private static RiskAssessment Ticked(params RiskFactor[] factors) => new() { Factors = [.. factors.Select(f => new FactorTick(f))] };

    private static readonly RiskAssessment ImminentHere = Ticked(RiskFactor.AttemptInProgress) with { LocationKnown = true, Location = "雁塔区某小区3号楼" };

    private static ContactRecord Draft(RiskAssessment assessment) => new() { AgeBand = "18-24", Gender = "female", Region = "雁塔区", Assessment = assessment };

    private static ContactRecord Complete(RiskAssessment assessment) =>
        Draft(assessment) with { ProblemCategories = ["情绪"], Outcome = "已联动110", FollowUpPlan = "24小时内回访" };

    [Fact]
    public async Task High_risk_assessment_in_a_draft_opens_one_case_with_the_rules_actions_and_the_call_timeline_shows_it()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("draft", "wang");
        var wangId = wang.GetPrimaryKeyString();
        var record = Record(call);

        var draft = await record.SaveDraftAsync(Draft(ImminentHere with { Derived = CrisisLevel.None }), wangId);
        var opened = await Case(call).GetForCounselorAsync(wangId);
        await record.SubmitAsync(Complete(ImminentHere), wangId);
        var afterSubmit = await Case(call).GetAsync();
        var after = await call.GetAsync();
        var timeline = after.Timeline;
        var index = await fixture.Grains.GetGrain<ICrisisIndexGrain>(s.CentreId).GetAsync();
        var stranger = await Assert.ThrowsAsync<HotlineRuleException>(() => Case(call).GetForCounselorAsync("someone-else"));

        Assert.Equal((RiskLevel.Imminent, CrisisLevel.Imminent), (draft.Record.Risk, draft.Record.Assessment!.Derived));
        Assert.Equal((CaseStatus.Open, CaseTrigger.Assessment, wangId, 1), (opened.Status, opened.Trigger, opened.CounselorId, opened.RuleSetVersion));
        Assert.Equal([(ActionKind.Police110, false, wangId), (ActionKind.FollowUp, false, wangId)], opened.Actions.Select(a => (a.Kind, a.RequiresApproval, a.Owner)));
        Assert.Equal(opened.Actions.Select(a => a.ActionId), afterSubmit.Actions.Select(a => a.ActionId));
        Assert.Equal("138****0000", afterSubmit.MaskedNumber);
        Assert.Single(timeline, t => t.Kind == TimelineKind.CrisisCaseOpened);
        Assert.Contains(timeline, t => t.Kind == TimelineKind.RiskAssessed && t.Detail!.StartsWith("derived Imminent (imminent.attempt-in-progress)", StringComparison.Ordinal));
        Assert.Equal(opened.CaseId, Assert.Single(index.Open).CaseId);
        Assert.Equal("crisis.not-yours", stranger.Code);
        Assert.True(after.IsCrisis);
    }

    [Fact]
    public async Task Override_is_kept_beside_the_derived_level_and_raises_the_record_risk()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("override", "wang");
        var wangId = wang.GetPrimaryKeyString();

        var saved = await Record(call).SaveDraftAsync(Draft(Ticked(RiskFactor.IdeationNow) with { Override = new RiskOverride(CrisisLevel.High, "拒绝安全计划") }), wangId);
        var noReason = await Assert.ThrowsAsync<HotlineRuleException>(() =>
            Record(call).SaveDraftAsync(Draft(Ticked(RiskFactor.IdeationNow) with { Override = new RiskOverride(CrisisLevel.High, "") }), wangId));
        var opened = await Case(call).GetAsync();

        var a = saved.Record.Assessment!;
        Assert.Equal((CrisisLevel.Moderate, CrisisLevel.High, wangId, RiskLevel.High), (a.Derived, a.Effective, a.Override!.By, saved.Record.Risk));
        Assert.Equal("record.invalid", noReason.Code);
        Assert.Equal(CaseStatus.Open, opened.Status);
    }

    [Fact]
    public async Task Crisis_button_opens_one_case_however_often_pressed()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("button", "wang");
        var wangId = wang.GetPrimaryKeyString();

        await call.DeclareCrisisAsync(wangId);
        await call.DeclareCrisisAsync(wangId);
        await Record(call).SaveDraftAsync(Draft(ImminentHere), wangId);
        var opened = await Case(call).GetAsync();
        var timeline = (await call.GetAsync()).Timeline;
        var index = await fixture.Grains.GetGrain<ICrisisIndexGrain>(s.CentreId).GetAsync();

        Assert.Equal((CaseTrigger.CrisisButton, wangId), (opened.Trigger, opened.CounselorId));
        Assert.Single(opened.Timeline, t => t.What == "opened");
        Assert.Single(timeline, t => t.Kind == TimelineKind.CrisisCaseOpened);
        Assert.Single(index.Open);

        // The later assessment updates the one case and proposes what the rules add (110 now), nothing withdrawn.
        Assert.Equal([ActionKind.FollowUp, ActionKind.Police110], opened.Actions.Select(a => a.Kind));
        Assert.Equal(CrisisLevel.Imminent, opened.Facts!.Derived);
    }

    [Fact]
    public async Task Ivr_danger_option_opens_a_case_before_anyone_answers_and_it_learns_its_counsellor()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = await s.PlaceCallAsync("ivr", "1");
        var before = await Case(call).GetAsync();
        await s.PlaceCallAsync("ivr", "1");
        var wang = await s.AvailableCounselorAsync("wang");
        await s.WaitForStateAsync(wang, PresenceState.Offered);
        await wang.AcceptOfferAsync(call.GetPrimaryKeyString());

        var learned = await Eventually.MatchesAsync(Case(call).GetAsync, c => c.CounselorId is not null, "case to learn its counsellor");

        Assert.Equal((CaseStatus.Open, CaseTrigger.IvrDanger, (string?)null), (before.Status, before.Trigger, before.CounselorId));
        Assert.Equal(wang.GetPrimaryKeyString(), learned.CounselorId);
        Assert.Equal([((string?)null, ActionKind.FollowUp)], before.Actions.Select(a => (a.Owner, a.Kind)));
        Assert.Equal([((string?)wang.GetPrimaryKeyString(), ActionKind.FollowUp)], learned.Actions.Select(a => (a.Owner, a.Kind)));
        Assert.Single(learned.Timeline, t => t.What == "opened");
    }

    [Fact]
    public async Task Unacknowledged_crisis_alert_widens_after_60_s_and_rings_the_on_call_number_after_180_s()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Alerts(s).ConfigureAsync(new AlertSettings { OnCallNumber = "+8613900000000" });
        var (call, wang) = await s.ConnectedCallAsync("widen", "wang");
        await call.DeclareCrisisAsync(wang.GetPrimaryKeyString());
        var alertId = $"crisis-case:{CaseId(call)}";
        var raised = await AlertAsync(s, alertId, a => a is not null, "crisis alert raised");

        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        var at59 = await Alerts(s).GetCurrentAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var widened = await AlertAsync(s, alertId, a => a?.Widened == 1, "alert widened to every supervisor");
        var onCallAt60 = OnCall(s);
        fixture.Time.Advance(TimeSpan.FromSeconds(120));
        var rung = await AlertAsync(s, alertId, a => a?.Widened == 2, "on-call number notified");
        var feed = await Eventually.MatchesAsync(fixture.Grains.GetGrain<ICentreFeedGrain>(s.CentreId).GetAsync,
            f => !f.Alerts.IsDefault && f.Alerts.Any(a => a.AlertId == alertId && a.Widened == 2), "feed to carry the widened alert");
        var acknowledged = await Alerts(s).AcknowledgeAsync(alertId, "sup-zhao");
        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => Alerts(s).AcknowledgeAsync("no-such-alert", "sup-zhao"));

        Assert.Equal((AlertKind.CrisisCaseOpened, true, 0), (raised!.Kind, raised.Critical, raised.Widened));
        Assert.Equal(0, at59.Single(a => a.AlertId == alertId).Widened);
        Assert.Empty(onCallAt60);
        Assert.Equal([("+8613900000000", "测试中心有危机来电正在等待处理，请立即登录系统查看。")], OnCall(s));
        Assert.Null(rung!.OnCallFailure);
        Assert.Equal(widened!.RaisedAt.AddSeconds(60), widened.WidenedAt);
        Assert.Equal(("sup-zhao", fixture.Time.GetUtcNow()), (acknowledged.AcknowledgedBy, acknowledged.AcknowledgedAt));
        Assert.Equal("alert.unknown", unknown.Code);
        Assert.Equal(call.GetPrimaryKeyString(), feed.Alerts.Single(a => a.AlertId == alertId).CallId);
    }

    [Fact]
    public async Task Overdue_action_raises_an_alert_that_resolves_when_the_action_moves_on()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("overdue", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(ImminentHere), wangId);
        var police = (await Case(call).GetAsync()).Actions.Single(a => a.Kind == ActionKind.Police110);

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        var overdue = await Eventually.MatchesAsync(Case(call).GetAsync, c => c.Timeline.Any(t => t.What == "action overdue" && t.ActionId == police.ActionId), "action overdue");
        var alert = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, a => a.Any(x => x.Kind == AlertKind.ActionOverdue && x.ActionId == police.ActionId), "overdue alert");
        await Case(call).CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.CallOut, Note: "督导另线拨打110"), wangId);
        var resolved = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync,
            a => a.Any(x => x.Kind == AlertKind.ActionOverdue && x.ActionId == police.ActionId && x.Status == AlertStatus.Resolved), "overdue alert resolved");
        var requested = (await Case(call).GetAsync()).Actions.Single(a => a.ActionId == police.ActionId);

        Assert.Equal(police.CreatedAt.AddMinutes(2), police.DeadlineAt);
        Assert.Single(overdue.Timeline, t => t.What == "action overdue" && t.ActionId == police.ActionId);
        Assert.True(alert.Single(x => x.ActionId == police.ActionId).Critical);
        Assert.Equal((ActionState.Requested, ActionChannel.CallOut, wangId, fixture.Time.GetUtcNow().AddMinutes(5)), (requested.State, requested.Channel, requested.Owner, requested.DeadlineAt));

        // Resolved but never acknowledged: a crisis alert stays on screens until someone owns it.
        Assert.Null(resolved.Single(x => x.ActionId == police.ActionId).AcknowledgedAt);
    }

    [Fact]
    public async Task Case_cannot_close_while_an_action_is_open_and_closes_with_a_resolution_and_whether_help_reached()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("close", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await call.DeclareCrisisAsync(wangId);
        var grain = Case(call);
        var followUp = Assert.Single((await grain.GetAsync()).Actions);

        var early = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.CloseAsync("sup-zhao", "已处理", HelpReached.Yes, null));
        await grain.CarryOutAsync(followUp.ActionId, new CarryOut(ActionChannel.CallOut), wangId);
        await grain.AdvanceActionAsync(followUp.ActionId, ActionState.Acknowledged, wangId, null);
        var skip = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.AdvanceActionAsync(followUp.ActionId, ActionState.Completed, wangId, null));
        await grain.AdvanceActionAsync(followUp.ActionId, ActionState.EnRoute, wangId, null);
        await grain.AdvanceActionAsync(followUp.ActionId, ActionState.Completed, wangId, "回访接通，情绪稳定");
        var closed = await grain.CloseAsync("sup-zhao", "来电者安全，已转介", HelpReached.Yes, "回访确认");
        var again = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.CloseAsync("sup-zhao", "再关", HelpReached.No, null));
        var index = await fixture.Grains.GetGrain<ICrisisIndexGrain>(s.CentreId).GetAsync();
        var alert = await AlertAsync(s, $"crisis-case:{CaseId(call)}", a => a?.Status == AlertStatus.Resolved, "opened alert resolved");

        Assert.Equal(("crisis.open-actions", "crisis.illegal-transition", "crisis.case-closed"), (early.Code, skip.Code, again.Code));
        Assert.Contains(followUp.ActionId, early.Message, StringComparison.Ordinal);
        Assert.Equal((CaseStatus.Closed, "来电者安全，已转介", HelpReached.Yes, "回访确认", "sup-zhao"), (closed.Status, closed.Resolution, closed.HelpReached, closed.HelpNote, closed.ClosedBy));
        Assert.Equal(ActionState.Completed, closed.Actions.Single().State);
        Assert.Empty(index.Open);
        Assert.Equal(closed.CaseId, Assert.Single(index.RecentlyClosed).CaseId);
        Assert.Equal(CaseStatus.Closed, (await grain.GetAsync()).Status);
        Assert.NotNull(alert);
    }

    [Fact]
    public async Task Action_needing_approval_waits_for_a_supervisor_and_is_conferenced_into_the_call()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Centre(s).AddSupervisorAsync(new SupervisorEntry("sup-zhao", "赵督导"));
        await Directory(s).SetAsync(new LinkageDirectory([], [new LinkageReceiver("xa-110", ActionKind.Police110, "西安110指挥中心", "110", null, null)], "12356"));
        var (call, wang) = await s.ConnectedCallAsync("approve", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(Ticked(RiskFactor.AttemptInProgress)), wangId);
        var grain = Case(call);
        var police = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Police110);

        var unapproved = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.Conference), wangId));
        var notSupervisor = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.ApproveActionAsync(police.ActionId, wangId));
        var unchanged = (await grain.GetAsync()).Actions.Single(a => a.ActionId == police.ActionId);
        await grain.ApproveActionAsync(police.ActionId, "sup-zhao");
        var carried = await grain.CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.Conference), "sup-zhao");
        var unknownAction = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.ApproveActionAsync("a99", "sup-zhao"));

        var action = carried.Actions.Single(a => a.ActionId == police.ActionId);
        Assert.True(police.RequiresApproval);
        Assert.Equal(("crisis.illegal-transition", "crisis.not-supervisor", "crisis.unknown-action"), (unapproved.Code, notSupervisor.Code, unknownAction.Code));
        Assert.Equal((ActionState.Proposed, police.StateSince), (unchanged.State, unchanged.StateSince));
        Assert.Equal((ActionState.Requested, ActionChannel.Conference, "sup-zhao", "xa-110"), (action.State, action.Channel, action.ApprovedBy, action.ReceiverId));
        Assert.Equal([(call.GetPrimaryKeyString(), (string?)"110")], fixture.Port.AddedParties.Where(p => p.CallId == call.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task Undelivered_dispatch_sheet_fails_the_action_and_proposes_the_next_one_with_the_number_disclosed_once()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Directory(s).SetAsync(new LinkageDirectory([], [new LinkageReceiver("xa-120", ActionKind.Ambulance120, "西安120急救中心", null, "https://linkage.example.cn/120", "xa-120")], "12356"));
        var (call, wang) = await s.ConnectedCallAsync("sheet", "wang");
        var wangId = wang.GetPrimaryKeyString();
        var overdose = Ticked(RiskFactor.IdeationNow, RiskFactor.ExpressedIntentToDie) with { MedicalEmergencyNow = true, LocationKnown = true, Location = "长安区某路12号", Summary = "服药约20片" };
        await Record(call).SaveDraftAsync(Draft(overdose) with { Note = "不应出现在联动单上" }, wangId);
        var grain = Case(call);
        var ambulance = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Ambulance120);

        var sent = await grain.CarryOutAsync(ambulance.ActionId, new CarryOut(ActionChannel.DispatchSheet), wangId);
        var dispatch = Assert.Single(fixture.Sheets.For(CaseId(call)));
        await grain.ReportDeliveryAsync(ambulance.ActionId, new LinkageOutcome(dispatch.Sheet.SheetId, false, 500, "http-error", 5));
        var failed = await Eventually.MatchesAsync(grain.GetAsync, c => c.Actions.Any(a => a.ActionId == ambulance.ActionId && a.State == ActionState.Failed), "sheet failure recorded");
        await grain.ReportDeliveryAsync(ambulance.ActionId, new LinkageOutcome(dispatch.Sheet.SheetId, true, 200, null, 1));
        var afterDuplicate = await grain.GetAsync();

        var action = failed.Actions.Single(a => a.ActionId == ambulance.ActionId);
        var next = failed.Actions.Single(a => a.FollowsActionId == ambulance.ActionId);
        Assert.Equal(DeliveryState.Pending, sent.Actions.Single(a => a.ActionId == ambulance.ActionId).Delivery!.State);
        Assert.Equal(($"{CaseId(call)}-{ambulance.ActionId}", "120", "长安区某路12号", "服药约20片", (string?)null, "enc-sheet"),
            (dispatch.Sheet.SheetId, dispatch.Sheet.Receiver, dispatch.Sheet.Location, dispatch.Sheet.Summary, dispatch.Sheet.CallbackNumber, dispatch.EncryptedCallbackNumber));
        Assert.Equal(("https://linkage.example.cn/120", "xa-120", "测试中心", "12356", "18–24岁"), (dispatch.Endpoint, dispatch.SecretRef, dispatch.Sheet.CentreName, dispatch.Sheet.Centre24hNumber, dispatch.Sheet.AgeBand));
        Assert.Contains("MedicalEmergencyNow", dispatch.Sheet.Facts);
        Assert.Equal((DeliveryState.Failed, (int?)500, "http-error"), (action.Delivery!.State, action.Delivery.HttpStatus, action.Delivery.FailureCode));
        Assert.Equal((ActionKind.Police110, ActionState.Proposed, "imminent-location-known-110"), (next.Kind, next.State, next.RuleId));
        Assert.Single(failed.Timeline, t => t.What == "callback number disclosed on dispatch sheet" && t.ActionId == ambulance.ActionId && t.By == wangId);
        Assert.Equal(failed.Actions.Select(a => (a.ActionId, a.State, a.Delivery)), afterDuplicate.Actions.Select(a => (a.ActionId, a.State, a.Delivery)));
    }

    [Fact]
    public async Task Delivered_sheet_is_recorded_with_its_status_and_the_action_waits_for_the_receivers_acknowledgement()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Directory(s).SetAsync(new LinkageDirectory([], [new LinkageReceiver("xa-110", ActionKind.Police110, "西安110", null, "https://linkage.example.cn/110", "xa-110")], null));
        var (call, wang) = await s.ConnectedCallAsync("delivered", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(ImminentHere), wangId);
        var grain = Case(call);
        var police = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Police110);

        await grain.CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.DispatchSheet), wangId);
        var dispatch = Assert.Single(fixture.Sheets.For(CaseId(call)));
        await grain.ReportDeliveryAsync(police.ActionId, new LinkageOutcome(dispatch.Sheet.SheetId, true, 200, null, 3));
        var delivered = await Eventually.MatchesAsync(grain.GetAsync, c => c.Actions.Single(a => a.ActionId == police.ActionId).Delivery?.State == DeliveryState.Delivered, "delivery recorded");
        var acknowledged = await grain.AdvanceActionAsync(police.ActionId, ActionState.Acknowledged, "sup-zhao", "110已接警");

        var action = delivered.Actions.Single(a => a.ActionId == police.ActionId);
        Assert.Equal((ActionState.Requested, (int?)200, (string?)null, "xa-110"), (action.State, action.Delivery!.HttpStatus, action.Delivery.FailureCode, action.ReceiverId));
        Assert.Equal(("110", "雁塔区某小区3号楼", "Imminent"), (dispatch.Sheet.Receiver, dispatch.Sheet.Location, dispatch.Sheet.RiskLevel));
        Assert.Contains(delivered.Timeline, t => t.What == "dispatch sheet delivered" && t.Detail == $"{dispatch.Sheet.SheetId}: HTTP 200 after 3 attempt(s)");
        Assert.Equal(ActionState.Acknowledged, acknowledged.Actions.Single(a => a.ActionId == police.ActionId).State);
        Assert.Single(fixture.Sheets.For(CaseId(call)));
    }

    [Fact]
    public async Task Dispatcher_conferenced_in_then_gets_the_sheet_too_once_and_the_action_keeps_its_state()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Directory(s).SetAsync(new LinkageDirectory([], [new LinkageReceiver("xa-120", ActionKind.Ambulance120, "西安120急救中心", "120", "https://linkage.example.cn/120", "xa-120")], "12356"));
        var (call, wang) = await s.ConnectedCallAsync("both", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(ImminentHere with { MedicalEmergencyNow = true }), wangId);
        var grain = Case(call);
        var ambulance = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Ambulance120);
        var tooEarly = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.SendSheetAsync(ambulance.ActionId, null, wangId));

        var conferenced = (await grain.CarryOutAsync(ambulance.ActionId, new CarryOut(ActionChannel.Conference), wangId)).Actions.Single(a => a.ActionId == ambulance.ActionId);
        var sent = (await grain.SendSheetAsync(ambulance.ActionId, null, wangId)).Actions.Single(a => a.ActionId == ambulance.ActionId);
        var twice = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.SendSheetAsync(ambulance.ActionId, null, wangId));

        Assert.Equal(("crisis.illegal-transition", "crisis.sheet-sent"), (tooEarly.Code, twice.Code));
        Assert.Equal((ActionState.Requested, ActionChannel.Conference, conferenced.DeadlineAt), (sent.State, sent.Channel, sent.DeadlineAt));
        Assert.Equal(DeliveryState.Pending, sent.Delivery!.State);
        Assert.Equal("120", Assert.Single(fixture.Sheets.For(CaseId(call))).Sheet.Receiver);
        Assert.Contains((call.GetPrimaryKeyString(), (string?)"120"), fixture.Port.AddedParties);
    }

    [Fact]
    public async Task Submitting_the_record_hands_the_cases_follow_up_to_the_follow_up_list_so_the_case_can_close()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("handover", "wang");
        var wangId = wang.GetPrimaryKeyString();
        var high = Draft(Ticked(RiskFactor.IdeationNow, RiskFactor.ExpressedIntentToDie)) with { FollowUpPlan = "明天上午回访" };
        await Record(call).SaveDraftAsync(high, wangId);
        var grain = Case(call);
        var followUp = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.FollowUp);
        Assert.Equal(ActionState.Proposed, followUp.State);
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.CloseAsync("sup-zhao", "已稳定", HelpReached.Unknown, null));

        await Record(call).SubmitAsync(high with { ProblemCategories = ["情绪"], Outcome = "情绪稳定" }, wangId);
        var handed = await Eventually.MatchesAsync(grain.GetAsync, c => c.Actions.Single(a => a.ActionId == followUp.ActionId).State == ActionState.Completed, "follow-up handed over");
        foreach (var open in handed.Actions.Where(a => a.IsOpen))
        {
            await grain.CancelActionAsync(open.ActionId, "sup-zhao", "not needed in this test");
        }

        var closed = await grain.CloseAsync("sup-zhao", "已稳定，回访跟进", HelpReached.Unknown, null);

        Assert.Equal("crisis.open-actions", refused.Code);
        Assert.Null(handed.Actions.Single(a => a.ActionId == followUp.ActionId).DeadlineAt);
        Assert.Contains(handed.Timeline, t => t.What == "follow-up handed to the follow-up list" && t.ActionId == followUp.ActionId && t.By == wangId);
        Assert.Contains((await fixture.Grains.GetGrain<ICaseloadGrain>(s.CentreId).GetAsync()).OpenFollowUps, f => f.CallId == call.GetPrimaryKeyString() && f.CounselorId == wangId);
        Assert.Equal(CaseStatus.Closed, closed.Status);
    }

    [Fact]
    public async Task Sheet_still_pending_after_three_minutes_is_sent_again_under_the_same_id()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Directory(s).SetAsync(new LinkageDirectory([], [new LinkageReceiver("xa-110", ActionKind.Police110, "西安110", null, "https://linkage.example.cn/110", "xa-110")], null));
        var (call, wang) = await s.ConnectedCallAsync("lost", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(ImminentHere), wangId);
        var grain = Case(call);
        var police = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Police110);
        await grain.CarryOutAsync(police.ActionId, new CarryOut(ActionChannel.DispatchSheet), wangId);

        fixture.Time.Advance(TimeSpan.FromSeconds(179));
        var before = await grain.GetAsync();
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var resent = await Eventually.MatchesAsync(grain.GetAsync, c => c.Timeline.Any(t => t.What == "dispatch sheet re-sent"), "sheet re-sent");
        var sheets = fixture.Sheets.For(CaseId(call));
        await grain.ReportDeliveryAsync(police.ActionId, new LinkageOutcome(sheets[0].Sheet.SheetId, true, 200, null, 1));
        await Eventually.MatchesAsync(grain.GetAsync, c => c.Actions.Single(a => a.ActionId == police.ActionId).Delivery?.State == DeliveryState.Delivered, "delivered");

        Assert.DoesNotContain(before.Timeline, t => t.What == "dispatch sheet re-sent");
        Assert.Equal(2, sheets.Count);
        Assert.Single(sheets.Select(d => d.Sheet.SheetId).Distinct());
        Assert.Equal(2, resent.Timeline.Count(t => t.What == "callback number disclosed on dispatch sheet" && t.ActionId == police.ActionId));
    }

    [Fact]
    public async Task Failed_action_with_nothing_to_follow_alerts_the_supervisor_and_a_failure_needs_a_reason()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, wang) = await s.ConnectedCallAsync("nonext", "wang");
        var wangId = wang.GetPrimaryKeyString();
        await Record(call).SaveDraftAsync(Draft(ImminentHere), wangId);
        var grain = Case(call);
        var police = (await grain.GetAsync()).Actions.Single(a => a.Kind == ActionKind.Police110);

        var noReason = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.FailActionAsync(police.ActionId, wangId, " "));
        var unchanged = (await grain.GetAsync()).Actions.Single(a => a.ActionId == police.ActionId);
        var failed = await grain.FailActionAsync(police.ActionId, wangId, "110线路忙");
        var alert = await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => list.Any(a => a.Kind == AlertKind.ActionFailed), "failure alert");

        Assert.Equal("crisis.reason-required", noReason.Code);
        Assert.Equal(ActionState.Proposed, unchanged.State);
        Assert.Equal((ActionState.Failed, "110线路忙"), failed.Actions.Where(a => a.ActionId == police.ActionId).Select(a => (a.State, a.Reason)).Single());
        Assert.Equal(2, failed.Actions.Length);
        Assert.Equal((police.ActionId, true), alert.Where(a => a.Kind == AlertKind.ActionFailed).Select(a => (a.ActionId!, a.Critical)).Single());
    }

    [Fact]
    public async Task Green_channel_proposes_youth_hospitals_for_a_minor_and_a_refusal_proposes_the_next_hospital()
    {
        var s = await Scenario.CreateAsync(fixture);
        await Centre(s).AddSupervisorAsync(new SupervisorEntry("sup-zhao", "赵督导"));
        GreenChannelHospital Hospital(string id, string name, string region, Population serves, bool available = true) =>
            new(id, name, region, [serves], "02912345678", null, null, available);
        await Directory(s).SetAsync(new LinkageDirectory(
        [
            Hospital("h-adult", "甲 成人医院", "雁塔区", Population.Adult),
            Hospital("h-youth-b", "B 儿童心理医院", "雁塔区", Population.Youth),
            Hospital("h-youth-a", "A 青少年精神科", "雁塔区", Population.Youth),
            Hospital("h-far", "丁 青少年医院", "长安区", Population.Youth),
            Hospital("h-full", "戊 青少年医院", "雁塔区", Population.Youth, available: false),
        ], [], null));
        var (call, wang) = await s.ConnectedCallAsync("green", "wang");
        var wangId = wang.GetPrimaryKeyString();
        var minor = Ticked(RiskFactor.IdeationNow, RiskFactor.ExpressedIntentToDie) with { CallerIsMinor = true, AcutePsychiatricSymptoms = true, CallerWilling = true };
        await Record(call).SaveDraftAsync(Draft(minor) with { AgeBand = "14-17" }, wangId);
        var grain = Case(call);
        var opened = await grain.GetAsync();
        var green = opened.Actions.Single(a => a.Kind == ActionKind.GreenChannelHospital);

        await grain.ApproveActionAsync(green.ActionId, "sup-zhao");
        await grain.CarryOutAsync(green.ActionId, new CarryOut(ActionChannel.CallOut, opened.MatchingHospitalIds[0]), "sup-zhao");
        var refused = await grain.RecordHospitalAnswerAsync(green.ActionId, accepted: false, "sup-zhao", "无床位");
        var next = refused.Actions.Single(a => a.FollowsActionId == green.ActionId);
        await grain.ApproveActionAsync(next.ActionId, "sup-zhao");
        await grain.CarryOutAsync(next.ActionId, new CarryOut(ActionChannel.CallOut), "sup-zhao");
        var accepted = await grain.RecordHospitalAnswerAsync(next.ActionId, accepted: true, "sup-zhao", "已开通绿色通道");
        var notGreen = await Assert.ThrowsAsync<HotlineRuleException>(() => grain.RecordHospitalAnswerAsync(opened.Actions.Single(a => a.Kind == ActionKind.FollowUp).ActionId, true, "sup-zhao", null));

        Assert.Equal([(ActionKind.GreenChannelHospital, true), (ActionKind.GuardianNotification, true), (ActionKind.FollowUp, false)], opened.Actions.Select(a => (a.Kind, a.RequiresApproval)));
        Assert.Equal(new[] { "h-youth-a", "h-youth-b" }, opened.MatchingHospitalIds.ToArray());
        var first = refused.Actions.Single(a => a.ActionId == green.ActionId);
        Assert.Equal((ActionState.Failed, (bool?)false, "hospital refused: 无床位", "h-youth-a"), (first.State, first.HospitalAccepted, first.Reason, first.ReceiverId));
        Assert.Equal((ActionKind.GreenChannelHospital, "h-youth-b", true), (next.Kind, next.ReceiverId, next.RequiresApproval));
        var second = accepted.Actions.Single(a => a.ActionId == next.ActionId);
        Assert.Equal((ActionState.EnRoute, (bool?)true, "h-youth-b"), (second.State, second.HospitalAccepted, second.ReceiverId));
        Assert.Equal("crisis.not-awaiting-hospital", notGreen.Code);
    }

    [Fact]
    public async Task Unknown_cases_bad_rule_sets_and_bad_directories_are_refused_with_nothing_stored()
    {
        var s = await Scenario.CreateAsync(fixture);
        var rules = fixture.Grains.GetGrain<IEscalationRuleSetGrain>(s.CentreId);
        var gap = HotlineCenter.Grains.Crises.EscalationRules.Default.Rules.RemoveAll(r => r.Action == ActionKind.Ambulance120);

        var unknown = await Assert.ThrowsAsync<HotlineRuleException>(() => fixture.Grains.GetGrain<ICrisisCaseGrain>("case-CAnowhere").GetAsync());
        var unknownClose = await Assert.ThrowsAsync<HotlineRuleException>(() => fixture.Grains.GetGrain<ICrisisCaseGrain>("case-CAnowhere").CloseAsync("sup-zhao", "x", HelpReached.Unknown, null));
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => rules.PublishAsync(gap, "admin"));
        var historyAfterRefusal = await rules.GetHistoryAsync();
        var published = await rules.PublishAsync(HotlineCenter.Grains.Crises.EscalationRules.Default.Rules.RemoveAll(r => r.Action == ActionKind.CommunityReferral), "admin");
        var history = await rules.GetHistoryAsync();
        var badDirectory = await Assert.ThrowsAsync<HotlineRuleException>(() => Directory(s).SetAsync(new LinkageDirectory(
            [new GreenChannelHospital("h1", "市精神卫生中心", "雁塔区", [Population.Youth], "029-1", "http://linkage.example.cn/h1", null, true)], [], null)));

        Assert.Equal(("crisis.unknown-case", "crisis.unknown-case", "crisis.invalid-rule-set", "crisis.invalid-directory"), (unknown.Code, unknownClose.Code, refused.Code, badDirectory.Code));
        Assert.Contains("gap: no rule proposes Ambulance120 for a medical emergency", refused.Message, StringComparison.Ordinal);
        Assert.Equal([1], historyAfterRefusal.Select(v => v.Version));
        Assert.Equal((2, "admin"), (published.Version, published.PublishedBy));
        Assert.Equal([1, 2], history.Select(v => v.Version));
        Assert.Equal(2, (await rules.GetCurrentAsync()).Version);
        Assert.Contains("the 24 h number must be 3–20 digits", badDirectory.Message, StringComparison.Ordinal);
        Assert.Contains("must use https (http only on loopback)", badDirectory.Message, StringComparison.Ordinal);
        Assert.Contains("needs a secret reference", badDirectory.Message, StringComparison.Ordinal);
        Assert.Empty((await Directory(s).GetAsync()).Hospitals);
    }

    private string CaseId(ICallGrain call) => CrisisKeys.CaseId(call.GetPrimaryKeyString());

    private ICrisisCaseGrain Case(ICallGrain call) => fixture.Grains.GetGrain<ICrisisCaseGrain>(CaseId(call));

    private IContactRecordGrain Record(ICallGrain call) => fixture.Grains.GetGrain<IContactRecordGrain>(call.GetPrimaryKeyString());

    private ICentreAlertsGrain Alerts(Scenario s) => fixture.Grains.GetGrain<ICentreAlertsGrain>(s.CentreId);

    private ICentreGrain Centre(Scenario s) => fixture.Grains.GetGrain<ICentreGrain>(s.CentreId);

    private ILinkageDirectoryGrain Directory(Scenario s) => fixture.Grains.GetGrain<ILinkageDirectoryGrain>(s.CentreId);

    private List<(string To, string Message)> OnCall(Scenario s) => [.. fixture.Port.OnCall.Where(n => n.CentreId == s.CentreId).Select(n => (n.To, n.Message))];

    private async Task<CentreAlert?> AlertAsync(Scenario s, string alertId, Func<CentreAlert?, bool> condition, string what) =>
        (await Eventually.MatchesAsync(Alerts(s).GetCurrentAsync, list => condition(list.FirstOrDefault(a => a.AlertId == alertId)), what))
        .FirstOrDefault(a => a.AlertId == alertId);
}
