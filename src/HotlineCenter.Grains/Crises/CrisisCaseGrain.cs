using System.Collections.Immutable;
using System.Text.Json;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Crises;

[GenerateSerializer]
[Alias("hotline.crisis-case-state")]
public sealed class CrisisCaseState
{
    [Id(0)] public CaseStatus Status { get; set; }
    [Id(1)] public string? CallId { get; set; }
    [Id(2)] public string? CentreId { get; set; }
    [Id(3)] public string? CounselorId { get; set; }
    /// <summary>Hash, masked and encrypted number; the number is decrypted only by the linkage sender.</summary>
    [Id(4)] public CallerRef? Caller { get; set; }
    [Id(5)] public CaseTrigger Trigger { get; set; }
    [Id(6)] public RiskAssessment? Facts { get; set; }
    [Id(7)] public CasePerson? Person { get; set; }
    [Id(8)] public int RuleSetVersion { get; set; }
    [Id(9)] public List<CrisisAction> Actions { get; set; } = [];
    [Id(10)] public List<CaseTimelineEntry> Timeline { get; set; } = [];
    [Id(11)] public DateTimeOffset? OpenedAt { get; set; }
    [Id(12)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(13)] public string? ClosedBy { get; set; }
    [Id(14)] public string? Resolution { get; set; }
    [Id(15)] public HelpReached HelpReached { get; set; }
    [Id(16)] public string? HelpNote { get; set; }
    [Id(17)] public int ActionSequence { get; set; }
    [Id(18)] public List<string> MatchingHospitalIds { get; set; } = [];
    /// <summary>The case is on the centre's board and its alert raised (redone by the next opening if that failed).</summary>
    [Id(19)] public bool Announced { get; set; }
    /// <summary>Sheets sent and not yet settled, kept so a sheet lost with a restarted sender is sent again under its id.</summary>
    [Id(20)] public List<LinkageDispatch> Outbox { get; set; } = [];
}

/// <summary>
/// One crisis case, persisted and never trimmed (deleted only by the retention purge, once closed past retention). Opened by a call (crisis button, IVR danger option) or a record
/// (assessment), at most once per call since its key is derived from the call id. Its actions are proposed by the
/// centre's escalation rules, moved by <see cref="ActionStateMachine"/>, and watched for deadlines by a tick timer
/// (precision) and a reminder (survives restarts) while any action is open. Await order: case → rule set, directory,
/// centre, counsellor, index; it never awaits a call or a record (they await it); alerts and reports go one-way.
/// </summary>
public sealed class CrisisCaseGrain(
    [PersistentState("crisis-case", StorageNames.Hotline)] IPersistentState<CrisisCaseState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    ILinkageSender linkage,
    IOptions<RoutingOptions> options,
    ILogger<CrisisCaseGrain> logger,
    ICallerNumberVault? vault = null) : Grain, ICrisisCaseGrain, IRemindable
{
    private const string DeadlineReminder = "crisis-deadlines";
    private const int MaxText = 1000;

    /// <summary>Longer than the sender's own retries take (about a minute), so only a sheet the sender lost is sent again.</summary>
    private static readonly TimeSpan ResendPendingAfter = TimeSpan.FromMinutes(3);
    private IGrainTimer? _timer;

    /// <summary>Whether this activation registered the reminder already (saves a reminder-table write per change).</summary>
    private bool _reminderArmed;

    private string CaseId => this.GetPrimaryKeyString();

    private CrisisCaseState S => state.State;

    private ICentreAlertsGrain Alerts => GrainFactory.GetGrain<ICentreAlertsGrain>(S.CentreId!);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmTimer();
        if (HotlineCenter.Grains.Calls.NumberReseal.Resealed(vault, S.Caller) is { } resealed)
        {
            // A key rotation: the dispatch sheet's number is sealed again under the current key.
            S.Caller = resealed;
            await state.WriteStateAsync(cancellationToken);
            logger.LogInformation("Crisis case {CaseId}: caller number re-sealed under key {KeyId}", this.GetPrimaryKeyString(), vault!.CurrentKeyId);
        }
    }

    public async Task<CrisisCaseView> OpenAsync(CaseOpening opening)
    {
        Keys.RequireCallId(opening.CallId);
        Keys.RequireId(opening.CentreId, "centre");
        if (CrisisKeys.CaseId(opening.CallId) != CaseId)
        {
            throw new HotlineRuleException("crisis.wrong-case", $"Call {opening.CallId} belongs to case {CrisisKeys.CaseId(opening.CallId)}, not {CaseId}.");
        }

        opening = opening with { Facts = Normalized(opening.Facts) };
        if (opening.Facts is { } facts)
        {
            RequireValid(facts);
        }

        if (S.Status != CaseStatus.None)
        {
            // At most one case per call: a second trigger only adds what the first did not know.
            if (S.Status == CaseStatus.Open)
            {
                var changed = AssignCounselor(opening.CounselorId, opening.OpenedBy);
                if (opening.Facts is { } newer && !SameFacts(S.Facts, newer))
                {
                    await ApplyFactsAsync(newer, opening.Person, opening.OpenedBy);
                    changed = true;
                }

                if (changed)
                {
                    await SaveAsync();
                }

                if (!S.Announced)
                {
                    await AnnounceAsync();
                }
            }

            return View();
        }

        var now = time.Now;
        var rules = await GrainFactory.GetGrain<IEscalationRuleSetGrain>(opening.CentreId).GetCurrentAsync();
        S.Status = CaseStatus.Open;
        S.CallId = opening.CallId;
        S.CentreId = opening.CentreId;
        S.CounselorId = opening.CounselorId;
        S.Caller = opening.Caller;
        S.Trigger = opening.Trigger;
        S.Facts = opening.Facts;
        S.Person = opening.Person;
        S.RuleSetVersion = rules.Version;
        S.OpenedAt = now;
        Note(opening.OpenedBy, "opened", detail: $"{opening.Trigger}; rules v{rules.Version}; level {LevelText(opening.Facts)}");
        ProposeFromRules(rules, opening.OpenedBy);
        await RefreshHospitalsAsync();
        await SaveAsync();
        await AnnounceAsync();
        Reports.Stats.Count(GrainFactory, S.CentreId, now, new Abstractions.Reports.StatsEvent($"case:{CaseId}", Abstractions.Reports.CallOutcome.CrisisCase, 0, true));
        logger.LogWarning("Crisis case {CaseId} opened for call {CallId} at centre {CentreId} ({Trigger}, {Actions} actions proposed)",
            CaseId, opening.CallId, opening.CentreId, opening.Trigger, S.Actions.Count);
        return View();
    }

    public async Task<CrisisCaseView> UpdateFactsAsync(RiskAssessment facts, CasePerson? person, string by)
    {
        RequireOpen();
        facts = Normalized(facts)!;
        RequireValid(facts);
        if (SameFacts(S.Facts, facts) && Equals(S.Person, person ?? S.Person))
        {
            return View();
        }

        await ApplyFactsAsync(facts, person, by);
        await SaveAsync();
        return View();
    }

    public Task<CrisisCaseView> GetAsync()
    {
        RequireExists();
        return Task.FromResult(View());
    }

    public Task<CrisisCaseView> GetForCounselorAsync(string counselorId)
    {
        RequireExists();
        if (string.IsNullOrEmpty(counselorId) || S.CounselorId != counselorId)
        {
            throw new HotlineRuleException("crisis.not-yours", "Only the counsellor on this case's call sees it here.");
        }

        return Task.FromResult(View());
    }

    public async Task<CrisisCaseView> ProposeActionAsync(ActionKind kind, string by, string? note)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        if (!Enum.IsDefined(kind))
        {
            throw new HotlineRuleException("crisis.unknown-action-kind", $"Action kind {(int)kind} is unknown.");
        }

        RequireText(note, "note", optional: true);

        // A supervisor's own proposal is their approval; anyone else's waits for one.
        var bySupervisor = await IsSupervisorAsync(by);
        var action = NewAction(kind, !bySupervisor, ruleId: null, [], next: null) with { Note = note?.Trim() };
        S.Actions.Add(action);
        Note(by, "action proposed", action.ActionId, $"{kind} by hand");
        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> ApproveActionAsync(string actionId, string supervisorId)
    {
        RequireOpen();
        var action = RequireAction(actionId);
        if (!await IsSupervisorAsync(supervisorId))
        {
            throw new HotlineRuleException("crisis.not-supervisor", $"Only a supervisor of centre {S.CentreId} approves crisis actions.");
        }

        Replace(ActionStateMachine.Move(action, ActionState.Approved, time.Now) with { ApprovedBy = supervisorId, Owner = supervisorId }, action);
        Note(supervisorId, "action approved", actionId, action.Kind.ToString());
        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> CarryOutAsync(string actionId, CarryOut how, string by)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        RequireText(how.Note, "note", optional: true);
        var action = RequireAction(actionId);
        var now = time.Now;

        // Checked before anything leaves the building, so a refused move dials nobody and sends nothing.
        var requested = ActionStateMachine.Move(action, ActionState.Requested, now) with { Owner = by, Channel = how.Channel, Note = how.Note?.Trim() ?? action.Note };

        // A green-channel request goes to the hospital named, else the one already proposed, else the first that matches.
        var receiverId = how.ReceiverId ?? action.ReceiverId
            ?? (action.Kind == ActionKind.GreenChannelHospital ? S.MatchingHospitalIds.FirstOrDefault() : null);
        switch (how.Channel)
        {
            case ActionChannel.Conference:
                var party = await ConferencePartyAsync(action, receiverId);
                await ConferenceAsync(action, party.Number, by);
                Replace(requested with { ReceiverId = party.ReceiverId }, action);
                Note(by, "dispatcher conferenced into the call", actionId, party.ReceiverId);
                await SaveAsync();
                break;
            case ActionChannel.CallOut:
                Replace(requested with { ReceiverId = receiverId }, action);
                Note(by, "call-out by supervisor", actionId, receiverId);
                await SaveAsync();
                break;
            case ActionChannel.DispatchSheet:
                await SendSheetAsync(action, requested, receiverId, by, now);
                break;
            default:
                throw new HotlineRuleException("crisis.unknown-channel", "Carry an action out by conference, call-out or dispatch sheet.");
        }

        if (action.Kind != ActionKind.FollowUp)
        {
            // Escalations by receiver (联动 110 / 120 / 绿色通道 …): a case counts once per kind, however many tries it took.
            Reports.Stats.Count(GrainFactory, S.CentreId, now, new Abstractions.Reports.StatsEvent(
                $"case:{CaseId}:escalation:{action.Kind}", Abstractions.Reports.CallOutcome.Escalation, 0, true, action.Kind.ToString()));
        }

        logger.LogWarning("Crisis case {CaseId}: action {ActionId} ({Kind}) requested by {Channel}", CaseId, actionId, action.Kind, how.Channel);
        return View();
    }

    public async Task<CrisisCaseView> AdvanceActionAsync(string actionId, ActionState to, string by, string? note)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        RequireText(note, "note", optional: true);
        if (to is not (ActionState.Acknowledged or ActionState.EnRoute or ActionState.Completed))
        {
            throw new HotlineRuleException("crisis.illegal-transition", $"Use approve, carry out, fail or cancel to move an action to {to}.");
        }

        var action = RequireAction(actionId);
        Replace(ActionStateMachine.Move(action, to, time.Now) with { Note = note?.Trim() ?? action.Note }, action);
        Note(by, $"action {to}", actionId, note?.Trim());
        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> FailActionAsync(string actionId, string by, string reason)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        var action = RequireAction(actionId);
        await FailAsync(action, by, reason);
        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> CancelActionAsync(string actionId, string by, string reason)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        var action = RequireAction(actionId);
        Replace(ActionStateMachine.Move(action, ActionState.Cancelled, time.Now, reason), action);
        Note(by, "action cancelled", actionId, reason.Trim());
        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> RecordHospitalAnswerAsync(string actionId, bool accepted, string by, string? note)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        RequireText(note, "note", optional: true);
        var action = RequireAction(actionId);
        if (action.Kind != ActionKind.GreenChannelHospital || action.State is not (ActionState.Requested or ActionState.Acknowledged))
        {
            throw new HotlineRuleException("crisis.not-awaiting-hospital", $"Action {actionId} is not a green-channel request waiting for the hospital's answer.");
        }

        var now = time.Now;
        if (accepted)
        {
            var acknowledged = action.State == ActionState.Requested ? ActionStateMachine.Move(action, ActionState.Acknowledged, now) : action;
            Replace(ActionStateMachine.Move(acknowledged, ActionState.EnRoute, now) with { HospitalAccepted = true, Note = note?.Trim() ?? action.Note }, action);
            Note(by, "hospital accepted", actionId, action.ReceiverId);
        }
        else
        {
            var refused = action with { HospitalAccepted = false };
            Replace(refused, action);
            await FailAsync(refused, by, string.IsNullOrWhiteSpace(note) ? "hospital refused" : $"hospital refused: {note.Trim()}");
        }

        await SaveAsync();
        return View();
    }

    public async Task<CrisisCaseView> CloseAsync(string by, string resolution, HelpReached helpReached, string? helpNote)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        RequireText(resolution, "resolution", optional: false);
        RequireText(helpNote, "help note", optional: true);
        if (!Enum.IsDefined(helpReached))
        {
            throw new HotlineRuleException("crisis.invalid-help-reached", "Say whether help reached the person: yes, no or unknown.");
        }

        var open = S.Actions.Where(a => a.IsOpen).Select(a => $"{a.ActionId} ({a.Kind}, {a.State})").ToList();
        if (open.Count > 0)
        {
            throw new HotlineRuleException("crisis.open-actions", $"Case {CaseId} cannot close while actions are open: {string.Join(", ", open)}.");
        }

        var now = time.Now;
        S.Status = CaseStatus.Closed;
        S.ClosedAt = now;
        S.ClosedBy = by;
        S.Resolution = resolution.Trim();
        S.HelpReached = helpReached;
        S.HelpNote = helpNote?.Trim();

        // Dispatch sheets needed the number; a closed case sends none, so it forgets it.
        S.Caller = S.Caller is { } caller ? caller with { EncryptedNumber = null } : null;
        for (var i = 0; i < S.Outbox.Count; i++)
        {
            S.Outbox[i] = S.Outbox[i] with { EncryptedCallbackNumber = null };
        }

        Note(by, "closed", detail: $"help reached: {helpReached}");
        await SaveAsync();
        await GrainFactory.GetGrain<ICrisisIndexGrain>(S.CentreId!).ClosedAsync(CaseId, now);
        _ = Alerts.ResolveAsync(OpenedAlertId);
        logger.LogInformation("Crisis case {CaseId} closed by {StaffId} (help reached: {HelpReached})", CaseId, by, helpReached);
        return View();
    }

    public async Task<CrisisCaseView> SendSheetAsync(string actionId, string? receiverId, string by)
    {
        RequireOpen();
        Keys.RequireId(by, "staff");
        var action = RequireAction(actionId);
        if (action.State is not (ActionState.Requested or ActionState.Acknowledged or ActionState.EnRoute))
        {
            throw new HotlineRuleException("crisis.illegal-transition", $"Action {actionId} is {action.State}: carry it out first, then send its sheet.");
        }

        if (action.Delivery is { State: DeliveryState.Pending or DeliveryState.Delivered })
        {
            throw new HotlineRuleException("crisis.sheet-sent", $"The sheet of action {actionId} is {action.Delivery.State} already.");
        }

        // The action keeps its state and deadline: the sheet goes alongside what is already under way.
        await SendSheetAsync(action, action, receiverId ?? action.ReceiverId, by, time.Now);
        logger.LogWarning("Crisis case {CaseId}: sheet sent for action {ActionId} ({Kind}) already under way", CaseId, actionId, action.Kind);
        return View();
    }

    public async Task FollowUpScheduledAsync(string counselorId, DateTimeOffset dueAt)
    {
        if (S.Status != CaseStatus.Open)
        {
            return;
        }

        var now = time.Now;
        var handed = false;
        foreach (var action in S.Actions.Where(a => a.Kind == ActionKind.FollowUp && a.IsOpen).ToList())
        {
            Replace(ActionStateMachine.HandToFollowUps(action, now, $"scheduled for {counselorId}, due {dueAt.ToChina():yyyy-MM-dd HH:mm}"), action);
            Note(counselorId, "follow-up handed to the follow-up list", action.ActionId, $"due {dueAt.ToChina():yyyy-MM-dd HH:mm}");
            handed = true;
        }

        if (handed)
        {
            await SaveAsync();
        }
    }

    public async Task CounselorAssignedAsync(string counselorId)
    {
        if (S.Status == CaseStatus.Open && AssignCounselor(counselorId, counselorId))
        {
            await SaveAsync();
        }
    }

    public async Task ReportDeliveryAsync(string actionId, LinkageOutcome outcome)
    {
        var action = S.Actions.Find(a => a.ActionId == actionId);
        if (action?.Delivery is not { State: DeliveryState.Pending } delivery || delivery.SheetId != outcome.SheetId)
        {
            // Unknown, or already settled: the sender reports each sheet once, a duplicate changes nothing.
            return;
        }

        var now = time.Now;
        var settled = delivery with
        {
            State = outcome.Delivered ? DeliveryState.Delivered : DeliveryState.Failed,
            HttpStatus = outcome.HttpStatus,
            FailureCode = outcome.Delivered ? null : outcome.FailureCode ?? "failed",
            At = now,
        };
        var updated = action with { Delivery = settled };
        Replace(updated, action);
        S.Outbox.RemoveAll(d => d.Sheet.SheetId == settled.SheetId);
        var status = outcome.HttpStatus is { } code ? $"HTTP {code}" : "no HTTP answer";
        if (outcome.Delivered)
        {
            Note("linkage", "dispatch sheet delivered", actionId, $"{settled.SheetId}: {status} after {outcome.Attempts} attempt(s)");
        }
        else
        {
            Note("linkage", "dispatch sheet not delivered", actionId, $"{settled.SheetId}: {settled.FailureCode}, {status} after {outcome.Attempts} attempt(s)");
            if (updated.IsOpen && S.Status == CaseStatus.Open)
            {
                await FailAsync(updated, "linkage", $"dispatch sheet not delivered ({settled.FailureCode}, {status})");
            }
        }

        await SaveAsync();
        logger.Log(outcome.Delivered ? LogLevel.Information : LogLevel.Error,
            "Crisis case {CaseId}: sheet {SheetId} of action {ActionId} {Outcome} ({HttpStatus})", CaseId, settled.SheetId, actionId, settled.State, outcome.HttpStatus);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await CheckDeadlinesAsync();

    public async Task<Abstractions.Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff)
    {
        if (S.CallId is null && S.OpenedAt is null)
        {
            return Abstractions.Retention.PurgeOutcome.Gone;
        }

        if (!Retention.RetentionRules.CaseDue(S.Status, S.ClosedAt, cutoff))
        {
            return Abstractions.Retention.PurgeOutcome.Kept;
        }

        if (S.CentreId is { } centreId)
        {
            await GrainFactory.GetGrain<ICrisisIndexGrain>(centreId).ForgetAsync(CaseId);
        }

        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await state.ClearStateAsync();
        state.State = new CrisisCaseState();
        logger.LogInformation("Crisis case {CaseId} purged (retention)", CaseId);
        DeactivateOnIdle();
        return Abstractions.Retention.PurgeOutcome.Purged;
    }

    private string OpenedAlertId => $"crisis-case:{CaseId}";

    /// <summary>
    /// Puts the saved case on the crisis board and alerts the supervisors. After the case is saved, so a failure
    /// here loses nothing: the trigger's retry (or any later opening) finds the case open and announces it again.
    /// </summary>
    private async Task AnnounceAsync()
    {
        await GrainFactory.GetGrain<ICrisisIndexGrain>(S.CentreId!).OpenedAsync(new CrisisIndexEntry(CaseId, S.CallId!, S.OpenedAt!.Value, null));
        _ = Alerts.RaiseAsync(new AlertRaise(OpenedAlertId, AlertKind.CrisisCaseOpened, true, S.CallId, S.CounselorId, CaseId));
        S.Announced = true;
        await state.WriteStateAsync();
    }

    private async Task ApplyFactsAsync(RiskAssessment facts, CasePerson? person, string by)
    {
        S.Facts = facts;
        S.Person = person ?? S.Person;
        Note(by, "facts updated", detail: $"level {LevelText(facts)}, danger grade {facts.DangerGrade}");
        var rules = await GrainFactory.GetGrain<IEscalationRuleSetGrain>(S.CentreId!).GetVersionAsync(S.RuleSetVersion)
            ?? await GrainFactory.GetGrain<IEscalationRuleSetGrain>(S.CentreId!).GetCurrentAsync();
        ProposeFromRules(rules, by);
        await RefreshHospitalsAsync();
    }

    /// <summary>Adds what the rules propose now and was never proposed by the same rule (an update never withdraws an action).</summary>
    private void ProposeFromRules(EscalationRuleSet rules, string by)
    {
        foreach (var p in EscalationRules.Evaluate(rules, S.Facts))
        {
            if (S.Actions.Any(a => a.RuleId == p.RuleId || (a.Kind == p.Kind && (a.IsOpen || a.State == ActionState.Completed))))
            {
                continue;
            }

            var action = NewAction(p.Kind, p.RequiresApproval, p.RuleId, p.Deadlines, p.NextOnFailure);
            S.Actions.Add(action);
            Note(by, "action proposed", action.ActionId, $"{p.Kind} by rule {p.RuleId}{(p.RequiresApproval ? ", needs approval" : string.Empty)}");
        }
    }

    /// <summary>Fails an action and proposes what follows: its rule's next action, another matching hospital, or an alert for the supervisor.</summary>
    private async Task FailAsync(CrisisAction action, string by, string reason)
    {
        var failed = ActionStateMachine.Move(action, ActionState.Failed, time.Now, reason);
        Replace(failed, action);
        Note(by, "action failed", action.ActionId, failed.Reason);
        var rules = await GrainFactory.GetGrain<IEscalationRuleSetGrain>(S.CentreId!).GetVersionAsync(S.RuleSetVersion)
            ?? await GrainFactory.GetGrain<IEscalationRuleSetGrain>(S.CentreId!).GetCurrentAsync();
        CrisisAction? next = null;
        var covered = false;
        if (action.NextOnFailureRuleId is { } nextRuleId && rules.Rules.FirstOrDefault(r => r.RuleId == nextRuleId) is { } rule)
        {
            // An open action of that kind already does what the next rule would propose.
            covered = S.Actions.Any(a => a.Kind == rule.Action && a.IsOpen);
            next = covered ? null : NewAction(rule.Action, rule.RequiresApproval, rule.RuleId, rule.Deadlines.IsDefault ? [] : rule.Deadlines, rule.NextOnFailure);
        }
        else if (action.Kind == ActionKind.GreenChannelHospital)
        {
            var tried = S.Actions.Where(a => a.Kind == ActionKind.GreenChannelHospital).Select(a => a.ReceiverId).ToHashSet();
            if (S.MatchingHospitalIds.FirstOrDefault(h => !tried.Contains(h)) is { } hospital)
            {
                next = NewAction(ActionKind.GreenChannelHospital, action.RequiresApproval, action.RuleId, action.Deadlines, null) with { ReceiverId = hospital };
            }
        }

        if (next is not null)
        {
            S.Actions.Add(next with { FollowsActionId = action.ActionId });
            Note(by, "action proposed", next.ActionId, $"{next.Kind} after {action.ActionId} failed");
        }
        else if (!covered)
        {
            _ = Alerts.RaiseAsync(new AlertRaise($"action-failed:{CaseId}:{action.ActionId}", AlertKind.ActionFailed, true, S.CallId, S.CounselorId, CaseId, action.ActionId));
        }

        logger.LogWarning("Crisis case {CaseId}: action {ActionId} ({Kind}) failed; next {NextActionId}", CaseId, action.ActionId, action.Kind, next?.ActionId);
    }

    private async Task SendSheetAsync(CrisisAction action, CrisisAction requested, string? receiverId, string by, DateTimeOffset now)
    {
        var directory = await GrainFactory.GetGrain<ILinkageDirectoryGrain>(S.CentreId!).GetAsync();
        var (id, name, endpoint, secretRef) = action.Kind == ActionKind.GreenChannelHospital
            ? directory.Hospitals.Where(h => h.HospitalId == receiverId).Select(h => (h.HospitalId, h.Name, h.LinkageEndpoint, h.SecretRef)).FirstOrDefault()
            : directory.Receivers.Where(r => r.Serves == action.Kind && (receiverId is null || r.ReceiverId == receiverId) && r.LinkageEndpoint is not null)
                .Select(r => (r.ReceiverId, r.Name, r.LinkageEndpoint, r.SecretRef)).FirstOrDefault();
        if (id is null || endpoint is null || secretRef is null)
        {
            throw new HotlineRuleException("crisis.no-linkage-endpoint", $"No linkage endpoint for {action.Kind}{(receiverId is null ? string.Empty : $" at '{receiverId}'")} in centre {S.CentreId}'s directory; conference or call out instead.");
        }

        var sheet = await BuildSheetAsync(action, requested, name, directory.Centre24hNumber, now);
        Replace(requested with { ReceiverId = id, Delivery = new SheetDelivery(sheet.SheetId, id, DeliveryState.Pending, null, null, now) }, action);
        Note(by, "dispatch sheet sent", action.ActionId, $"{sheet.SheetId} to {id}");
        var encrypted = S.Caller?.EncryptedNumber;
        if (encrypted is not null)
        {
            // The number leaves the system unmasked on this sheet only; who, when and for which action is kept.
            Note(by, "callback number disclosed on dispatch sheet", action.ActionId, $"{sheet.SheetId} to {id}");
        }

        var dispatch = new LinkageDispatch(CaseId, action.ActionId, id, endpoint, secretRef, sheet, encrypted);
        S.Outbox.Add(dispatch);
        await SaveAsync();
        await EnqueueAsync(dispatch);
    }

    private async Task EnqueueAsync(LinkageDispatch dispatch)
    {
        try
        {
            await linkage.EnqueueAsync(dispatch, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError("Crisis case {CaseId}: sheet {SheetId} could not be queued ({Error})", CaseId, dispatch.Sheet.SheetId, ex.GetType().Name);
            await ReportDeliveryAsync(dispatch.ActionId, new LinkageOutcome(dispatch.Sheet.SheetId, false, null, "not-queued", 0));
        }
    }

    /// <summary>
    /// The sender keeps its queue in memory: a sheet still pending long after it was sent was lost with a restart.
    /// It goes again with the same sheet id (the receiver de-duplicates), and the number's disclosure is noted again.
    /// </summary>
    private async Task<bool> ResendLostSheetsAsync(DateTimeOffset now)
    {
        var resent = false;
        foreach (var dispatch in S.Outbox.ToList())
        {
            var action = S.Actions.Find(a => a.ActionId == dispatch.ActionId);
            if (action?.Delivery is not { State: DeliveryState.Pending } delivery || delivery.SheetId != dispatch.Sheet.SheetId)
            {
                S.Outbox.Remove(dispatch);
                resent = true;
                continue;
            }

            if (now - delivery.At < ResendPendingAfter)
            {
                continue;
            }

            Replace(action with { Delivery = delivery with { At = now } }, action);
            Note("system", "dispatch sheet re-sent", action.ActionId, delivery.SheetId);
            if (dispatch.EncryptedCallbackNumber is not null)
            {
                Note("system", "callback number disclosed on dispatch sheet", action.ActionId, $"{delivery.SheetId} to {delivery.ReceiverId} (re-sent)");
            }

            await state.WriteStateAsync();
            await EnqueueAsync(dispatch);
            logger.LogWarning("Crisis case {CaseId}: sheet {SheetId} of action {ActionId} still pending, sent again", CaseId, delivery.SheetId, action.ActionId);
            resent = true;
        }

        return resent;
    }

    private async Task<DispatchSheet> BuildSheetAsync(CrisisAction action, CrisisAction requested, string receiverName, string? centreNumber, DateTimeOffset now)
    {
        var centre = GrainFactory.GetGrain<ICentreGrain>(S.CentreId!);
        var config = await centre.GetConfigAsync();
        var supervisors = await centre.GetSupervisorsAsync();
        var supervisorId = action.ApprovedBy ?? requested.Owner;
        var counselorName = S.CounselorId is { } c ? (await GrainFactory.GetGrain<ICounselorGrain>(c).GetAsync()).Profile?.DisplayName : null;
        var f = S.Facts;
        var facts = new List<string>();
        if (f is not null)
        {
            facts.AddRange(f.Factors.IsDefault ? [] : f.Factors.Select(t => t.Factor.ToString()));
            foreach (var (on, code) in new[]
            {
                (f.MedicalEmergencyNow, "MedicalEmergencyNow"), (f.WeaponAtHand, "WeaponAtHand"), (f.DangerToOthersNow, "DangerToOthersNow"),
                (f.AcutePsychiatricSymptoms, "AcutePsychiatricSymptoms"), (f.SevereMentalDisorderKnown, "SevereMentalDisorderKnown"),
                (f.ThirdPartyCaller, "ThirdPartyCaller"), (f.CallerWilling, "CallerWilling"),
            })
            {
                if (on)
                {
                    facts.Add(code);
                }
            }
        }

        return new DispatchSheet
        {
            // One sheet per action: every retry and any re-send carries the same id, so the receiver can de-duplicate.
            SheetId = $"{CaseId}-{action.ActionId}",
            CaseId = CaseId,
            CentreId = S.CentreId!,
            CentreName = config?.DisplayName,
            // Dispatchers read China clock time; the offset keeps the instant exact.
            At = now.ToChina(),
            Receiver = ReceiverCode(action.Kind),
            ReceiverName = receiverName,
            AgeBand = S.Person?.AgeBand,
            Gender = S.Person?.Gender,
            Minor = f?.CallerIsMinor == true,
            Location = f?.LocationKnown == true ? f.Location : null,
            Region = S.Person?.Region,
            Facts = [.. facts],
            Summary = f?.Summary,
            RiskLevel = f?.Effective.ToString(),
            DangerGrade = f?.DangerGrade ?? 0,
            CounselorName = counselorName,
            SupervisorName = supervisors.FirstOrDefault(s => s.SupervisorId == supervisorId)?.DisplayName,
            Centre24hNumber = centreNumber,
        };
    }

    private async Task<(string ReceiverId, string Number)> ConferencePartyAsync(CrisisAction action, string? receiverId)
    {
        var directory = await GrainFactory.GetGrain<ILinkageDirectoryGrain>(S.CentreId!).GetAsync();
        var party = action.Kind == ActionKind.GreenChannelHospital
            ? directory.Hospitals.Where(h => h.HospitalId == receiverId).Select(h => (h.HospitalId, (string?)h.Number24h)).FirstOrDefault()
            : directory.Receivers.Where(r => r.Serves == action.Kind && (receiverId is null || r.ReceiverId == receiverId) && r.DispatcherNumber is not null)
                .Select(r => (r.ReceiverId, r.DispatcherNumber)).FirstOrDefault();
        if (party.Item1 is null || party.Item2 is null)
        {
            throw new HotlineRuleException("crisis.no-dispatcher-number", $"No number to conference for {action.Kind} in centre {S.CentreId}'s directory; call out instead.");
        }

        return (party.Item1, party.Item2);
    }

    private async Task ConferenceAsync(CrisisAction action, string number, string by)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await telephony.SuperviseAsync(S.CallId!, new SupervisionRequest(SupervisionAction.AddParty, by, null, number), cts.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError("Crisis case {CaseId}: conferencing action {ActionId} into call {CallId} failed ({Error})", CaseId, action.ActionId, S.CallId, ex.GetType().Name);
            throw new HotlineRuleException("crisis.conference-failed", $"The dispatcher could not be added to call {S.CallId}; call out on another line instead.");
        }
    }

    private async Task CheckDeadlinesAsync()
    {
        if (S.Status != CaseStatus.Open)
        {
            return;
        }

        var now = time.Now;
        var changed = await ResendLostSheetsAsync(now);
        foreach (var action in S.Actions.Where(a => a.IsOpen && a.DeadlineAt <= now && a.OverdueRaisedFor != a.DeadlineAt).ToList())
        {
            Replace(action with { OverdueRaisedFor = action.DeadlineAt }, action);
            Note("system", "action overdue", action.ActionId, $"{action.State} since {action.StateSince:O}");
            _ = Alerts.RaiseAsync(new AlertRaise(OverdueAlertId(action), AlertKind.ActionOverdue, true, S.CallId, S.CounselorId, CaseId, action.ActionId));
            logger.LogWarning("Crisis case {CaseId}: action {ActionId} overdue in {State}", CaseId, action.ActionId, action.State);
            changed = true;
        }

        if (changed)
        {
            await SaveAsync();
        }
    }

    private static string OverdueAlertId(CrisisAction a) => $"action-overdue:{a.ActionId}:{a.State}:{a.DeadlineAt?.ToUnixTimeSeconds()}";

    private async Task RefreshHospitalsAsync()
    {
        var directory = await GrainFactory.GetGrain<ILinkageDirectoryGrain>(S.CentreId!).GetAsync();
        S.MatchingHospitalIds = [.. HospitalMatcher.Match(directory.Hospitals, S.Person?.Region, S.Facts?.CallerIsMinor == true).Select(h => h.HospitalId)];
    }

    private bool AssignCounselor(string? counselorId, string by)
    {
        if (counselorId is null || S.CounselorId is not null || !Keys.IsValidId(counselorId))
        {
            return false;
        }

        S.CounselorId = counselorId;
        for (var i = 0; i < S.Actions.Count; i++)
        {
            // Proposed before anyone answered (IVR): the counsellor who has the caller now owns what needs no approval.
            if (S.Actions[i] is { IsOpen: true, Owner: null, RequiresApproval: false } unowned)
            {
                S.Actions[i] = unowned with { Owner = counselorId };
            }
        }

        Note(by, "counsellor on the call", detail: counselorId);
        return true;
    }

    private async Task<bool> IsSupervisorAsync(string staffId) =>
        (await GrainFactory.GetGrain<ICentreGrain>(S.CentreId!).GetSupervisorsAsync()).Any(s => s.SupervisorId == staffId);

    private CrisisAction NewAction(ActionKind kind, bool requiresApproval, string? ruleId, ImmutableArray<StateDeadline> deadlines, string? next)
    {
        var now = time.Now;
        return new CrisisAction
        {
            ActionId = $"a{++S.ActionSequence}",
            Kind = kind,
            State = ActionState.Proposed,
            RequiresApproval = requiresApproval,

            // The counsellor may act at once on what needs no approval; the rest waits for the duty supervisors.
            Owner = requiresApproval ? null : S.CounselorId,
            CreatedAt = now,
            StateSince = now,
            RuleId = ruleId,
            NextOnFailureRuleId = next,
            Deadlines = deadlines,
            DeadlineAt = ActionStateMachine.DeadlineFor(deadlines, ActionState.Proposed, now),
        };
    }

    /// <summary>Stores the moved action; an overdue alert of the state it left is resolved.</summary>
    private void Replace(CrisisAction updated, CrisisAction previous)
    {
        var index = S.Actions.FindIndex(a => a.ActionId == previous.ActionId);
        S.Actions[index] = updated;
        if (previous.OverdueRaisedFor is not null && updated.State != previous.State)
        {
            _ = Alerts.ResolveAsync(OverdueAlertId(previous));
            S.Actions[index] = updated with { OverdueRaisedFor = null };
        }
    }

    private CrisisAction RequireAction(string actionId) =>
        S.Actions.Find(a => a.ActionId == actionId)
        ?? throw new HotlineRuleException("crisis.unknown-action", $"Case {CaseId} has no action '{actionId}'.");

    private void RequireExists()
    {
        if (S.Status == CaseStatus.None)
        {
            throw new HotlineRuleException("crisis.unknown-case", $"There is no crisis case '{CaseId}'.");
        }
    }

    private void RequireOpen()
    {
        RequireExists();
        if (S.Status != CaseStatus.Open)
        {
            throw new HotlineRuleException("crisis.case-closed", $"Crisis case {CaseId} is closed.");
        }
    }

    private static void RequireValid(RiskAssessment facts)
    {
        var problems = RiskDerivation.Problems(facts);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("crisis.invalid-assessment", string.Join("; ", problems));
        }
    }

    private static void RequireText(string? text, string what, bool optional)
    {
        if ((optional && text is null) || (!string.IsNullOrWhiteSpace(text) && text.Length <= MaxText))
        {
            return;
        }

        throw new HotlineRuleException("crisis.invalid-text", $"The {what} must be 1–{MaxText} characters.");
    }

    private static RiskAssessment? Normalized(RiskAssessment? f) => f is { Factors.IsDefault: true } ? f with { Factors = [] } : f;

    /// <summary>Assessments compare by content (their arrays compare by reference), ignoring when they were stored.</summary>
    private static bool SameFacts(RiskAssessment? a, RiskAssessment? b) =>
        a is null ? b is null : b is not null && JsonSerializer.Serialize(a with { AssessedAt = null }) == JsonSerializer.Serialize(b with { AssessedAt = null });

    private static string LevelText(RiskAssessment? f) => f is null ? "not assessed" : f.Override is { } o ? $"{f.Derived} (override {o.Level})" : f.Derived.ToString();

    private static string ReceiverCode(ActionKind kind) => kind switch
    {
        ActionKind.Police110 => "110",
        ActionKind.Ambulance120 => "120",
        ActionKind.GreenChannelHospital => "hospital",
        ActionKind.GuardianNotification => "guardian",
        _ => kind.ToString(),
    };

    private void Note(string by, string what, string? actionId = null, string? detail = null) =>
        S.Timeline.Add(new CaseTimelineEntry(time.Now, by, what, actionId, detail));

    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        await ArmDeadlinesAsync();
    }

    /// <summary>A reminder keeps deadlines alive across restarts while any action is open; the timer gives second precision.</summary>
    private async Task ArmDeadlinesAsync()
    {
        var watching = S.Status == CaseStatus.Open && S.Actions.Any(a => a.IsOpen && a.DeadlineAt is not null);
        if (watching)
        {
            if (!_reminderArmed)
            {
                await this.RegisterOrUpdateReminder(DeadlineReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
                _reminderArmed = true;
            }

            ArmTimer();
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
            _reminderArmed = false;
            if (await this.GetReminder(DeadlineReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    private void ArmTimer()
    {
        if (_timer is null && S.Status == CaseStatus.Open && S.Actions.Any(a => a.IsOpen))
        {
            _timer = this.RegisterGrainTimer(CheckDeadlinesAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });
        }
    }

    private CrisisCaseView View() => new()
    {
        CaseId = CaseId,
        Status = S.Status,
        CallId = S.CallId,
        CentreId = S.CentreId,
        CounselorId = S.CounselorId,
        CallerKey = Keys.IsCallerProfileKey(S.Caller?.CallerHash) ? S.Caller!.CallerHash : null,
        MaskedNumber = S.Caller?.MaskedNumber,
        Trigger = S.Trigger,
        Facts = S.Facts,
        Person = S.Person,
        RuleSetVersion = S.RuleSetVersion,
        Actions = [.. S.Actions],
        Timeline = [.. S.Timeline],
        OpenedAt = S.OpenedAt,
        ClosedAt = S.ClosedAt,
        ClosedBy = S.ClosedBy,
        Resolution = S.Resolution,
        HelpReached = S.HelpReached,
        HelpNote = S.HelpNote,
        MatchingHospitalIds = [.. S.MatchingHospitalIds],
    };
}
