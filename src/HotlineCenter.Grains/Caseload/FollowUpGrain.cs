using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Rosters;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Caseload;

[GenerateSerializer]
[Alias("hotline.follow-up-state")]
public sealed class FollowUpState
{
    [Id(0)] public string? CentreId { get; set; }
    [Id(1)] public FollowUpItem? Item { get; set; }
    /// <summary>Kept only to dial: the encrypted number never leaves this grain except to the telephony port.</summary>
    [Id(2)] public CallerRef? Caller { get; set; }
    [Id(3)] public List<FollowUpAttemptEntry> Attempts { get; set; } = [];
    [Id(4)] public List<string> PreviousCounselors { get; set; } = [];
    /// <summary>The counsellor the due alert went to (or the supervisor's "unassigned" alert, for one off shift).</summary>
    [Id(5)] public string? DueRaisedFor { get; set; }
    [Id(6)] public bool OverdueRaised { get; set; }
    /// <summary>Every alert id raised, so finishing resolves them all.</summary>
    [Id(7)] public HashSet<string> RaisedAlerts { get; set; } = [];
    /// <summary>The provider's final outcome of each dial, so a re-delivered status callback changes nothing.</summary>
    [Id(8)] public Dictionary<int, FollowUpDialOutcome> DialOutcomes { get; set; } = [];
}

/// <summary>
/// One follow-up (key: the call id). A durable reminder (Redis in production) fires at the due time and at the end
/// of the grace; each firing re-reads the state on <see cref="HotlineTime"/> and raises what is due, so a restart or
/// an early firing changes nothing. Awaits the centre (config, roster of counsellors), the roster grain (shifts) and
/// the telephony port; tells the caseload index and the centre's alerts one-way. Nothing it awaits calls it back.
/// </summary>
public sealed class FollowUpGrain(
    [PersistentState("follow-up", StorageNames.Hotline)] IPersistentState<FollowUpState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    ILogger<FollowUpGrain> logger,
    ICallerNumberVault? vault = null) : Grain, IFollowUpGrain, IRemindable
{
    public const string DueReminder = "follow-up-due";
    private const int MaxNoteLength = 1000;

    // Reminders have a one-minute floor; the period only matters if the grain misses re-registering (a crash mid-firing).
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestReminderWait = TimeSpan.FromDays(30);

    private string CallId => this.GetPrimaryKeyString();

    private FollowUpState S => state.State;

    /// <summary>After a key rotation the number kept for the dial is sealed again under the current key.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (HotlineCenter.Grains.Calls.NumberReseal.Resealed(vault, S.Caller) is { } resealed)
        {
            S.Caller = resealed;
            await state.WriteStateAsync(cancellationToken);
            logger.LogInformation("Follow-up {CallId}: caller number re-sealed under key {KeyId}", CallId, vault!.CurrentKeyId);
        }
    }

    public async Task<FollowUpDetail> ScheduleAsync(FollowUpSchedule schedule)
    {
        Keys.RequireId(schedule.CentreId, "centre");
        Keys.RequireId(schedule.Item.CounselorId, "counsellor");
        if (schedule.Item.CallId != CallId)
        {
            throw new HotlineRuleException("follow-up.wrong-call", "The follow-up's call id must be this grain's key.");
        }

        if (S.Item is { } current)
        {
            if (!current.IsOpen || current.DueAt <= schedule.Item.DueAt)
            {
                return Detail();
            }

            S.Item = Bump(current with { DueAt = schedule.Item.DueAt, OverdueAt = schedule.Item.DueAt + ((current.OverdueAt - current.DueAt) ?? TimeSpan.FromMinutes(FollowUpRules.DefaultOverdueGraceMinutes)), Risk = schedule.Item.Risk });
        }
        else
        {
            var config = await GrainFactory.GetGrain<ICentreGrain>(schedule.CentreId).GetConfigAsync();
            S.CentreId = schedule.CentreId;
            S.Caller = schedule.Caller;
            S.Item = schedule.Item with
            {
                MaskedNumber = schedule.Caller?.MaskedNumber ?? schedule.Item.MaskedNumber,
                // An item handed over from the caseload's older list keeps its attempts; a new one starts open with none.
                Status = schedule.Item.IsOpen ? schedule.Item.Status : FollowUpStatus.Open, ClosedAt = null,
                OverdueAt = schedule.Item.DueAt + FollowUpRules.OverdueGrace(config),
                CanDial = schedule.Caller?.EncryptedNumber is not null,
                Version = 1,
            };
        }

        await SaveAsync();
        Count("due", CallOutcome.FollowUpDue, S.Item.DueAt);
        await CheckAsync();
        logger.LogInformation("Follow-up of call {CallId} scheduled for counsellor {CounselorId}", CallId, S.Item.CounselorId);
        return Detail();
    }

    public async Task<FollowUpDetail> DialAsync(string counselorId)
    {
        var item = RequireOwnedOpen(counselorId);
        if (S.Caller is not { EncryptedNumber: { Length: > 0 } } caller)
        {
            throw new HotlineRuleException("follow-up.no-number", "The caller's number is no longer kept: this follow-up cannot be dialled.");
        }

        var dial = item.Dials + 1;
        S.Item = Bump(item with { LastDialledAt = time.Now, Dials = dial, LastDialOutcome = null });
        await SaveAsync();
        await TelephonyRequests.SendAsync(ct => telephony.DialFollowUpAsync(CallId, dial, caller, counselorId, ct), logger, $"followup-{CallId}");
        logger.LogInformation("Follow-up of call {CallId} dialled by counsellor {CounselorId} (dial {Dial})", CallId, counselorId, dial);
        return Detail();
    }

    public async Task<FollowUpDetail> RecordOutcomeAsync(string counselorId, FollowUpOutcome outcome, string? note)
    {
        var item = RequireOwnedOpen(counselorId);
        if (!Enum.IsDefined(outcome) || note is { Length: > MaxNoteLength })
        {
            throw new HotlineRuleException("follow-up.invalid-outcome", $"An outcome is reached, not reached or wrong number, with a note of at most {MaxNoteLength} characters.");
        }

        // The counsellor's record of a dial takes the place of what the provider reported of it.
        var (dial, replaces) = FollowUpRules.CounselorRecordFor(S.Attempts, item.Dials);
        if (replaces >= 0)
        {
            S.Attempts.RemoveAt(replaces);
            item = item with { FailedAttempts = Math.Max(0, item.FailedAttempts - 1) };
        }

        await RecordAttemptAsync(item, new FollowUpAttemptEntry(time.Now, counselorId, outcome, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), dial));
        logger.LogInformation("Follow-up of call {CallId}: attempt by {CounselorId}, {Outcome}", CallId, counselorId, outcome);
        return Detail();
    }

    public async Task<FollowUpDetail> ApplyDialOutcomeAsync(int dial, FollowUpDialOutcome outcome)
    {
        var item = RequireKnown();
        if (dial < 1 || dial > item.Dials || !Enum.IsDefined(outcome))
        {
            throw new HotlineRuleException("follow-up.unknown-dial", $"Follow-up of call {CallId} has no dial {dial}.");
        }

        if (S.DialOutcomes.TryGetValue(dial, out var known) && (known == outcome || outcome == FollowUpDialOutcome.Answered))
        {
            // Re-delivered, or the "answered" of a dial whose final status is in.
            return Detail();
        }

        S.DialOutcomes[dial] = outcome;
        if (dial == item.Dials)
        {
            item = item with { LastDialOutcome = outcome };
        }

        if (item.IsOpen && FollowUpRules.ProviderOutcomeCounts(S.Attempts, dial, outcome))
        {
            await RecordAttemptAsync(item, new FollowUpAttemptEntry(time.Now, FollowUpRules.ProviderBy, FollowUpOutcome.NotReached, outcome.ToString(), dial));
        }
        else
        {
            S.Item = Bump(item);
            await SaveAsync();
        }

        logger.LogInformation("Follow-up of call {CallId}: dial {Dial} reported {DialOutcome} by the provider", CallId, dial, outcome);
        return Detail();
    }

    /// <summary>Adds an attempt and applies it: reached closes the follow-up; N failures or a wrong number escalate it.</summary>
    private async Task RecordAttemptAsync(FollowUpItem item, FollowUpAttemptEntry attempt)
    {
        var config = await GrainFactory.GetGrain<ICentreGrain>(S.CentreId!).GetConfigAsync();
        var next = FollowUpRules.AfterOutcome(item, attempt.Outcome, attempt.At, FollowUpRules.EscalateAfter(config));
        S.Attempts.Add(attempt);
        S.Item = Bump(next);
        await SaveAsync();
        if (next.Status == FollowUpStatus.Done)
        {
            Count("done", CallOutcome.FollowUpDone, attempt.At);
            await FinishAsync();
        }
        else if (next.Status == FollowUpStatus.Escalated && item.Status != FollowUpStatus.Escalated)
        {
            Raise(FollowUpRules.EscalatedAlertId(CallId), AlertKind.FollowUpEscalated, critical: true, next.CounselorId);
            Resolve(FollowUpRules.DueAlertId(CallId, next.CounselorId));
            await state.WriteStateAsync();
            logger.LogWarning("Follow-up of call {CallId} escalated after {Attempts} failed attempts", CallId, next.FailedAttempts);
        }
    }

    public async Task<FollowUpDetail> ReassignAsync(string supervisorId, string toCounselorId)
    {
        Keys.RequireId(supervisorId, "supervisor");
        var item = RequireOpen();
        if (!Keys.IsValidId(toCounselorId)
            || !(await GrainFactory.GetGrain<ICentreGrain>(S.CentreId!).GetRosterAsync()).Contains(toCounselorId))
        {
            throw new HotlineRuleException("follow-up.unknown-counselor", $"'{toCounselorId}' is not a counsellor of this centre.");
        }

        if (toCounselorId == item.CounselorId && item.Status == FollowUpStatus.Open)
        {
            return Detail();
        }

        // A fresh start for the new counsellor: attempts count again, and the due alert goes to them.
        Resolve(FollowUpRules.DueAlertId(CallId, item.CounselorId));
        Resolve(FollowUpRules.UnassignedAlertId(CallId));
        Resolve(FollowUpRules.EscalatedAlertId(CallId));
        S.PreviousCounselors.Add(item.CounselorId);
        S.DueRaisedFor = null;
        S.Item = Bump(item with { CounselorId = toCounselorId, Status = FollowUpStatus.Open, FailedAttempts = 0 });
        await SaveAsync();
        await CheckAsync();
        logger.LogInformation("Follow-up of call {CallId} reassigned by {SupervisorId} to {CounselorId}", CallId, supervisorId, toCounselorId);
        return Detail();
    }

    public async Task<FollowUpDetail> CloseAsync(string supervisorId, string reason)
    {
        Keys.RequireId(supervisorId, "supervisor");
        var item = RequireOpen();
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxNoteLength)
        {
            throw new HotlineRuleException("follow-up.invalid-reason", $"Closing a follow-up needs a reason of 1–{MaxNoteLength} characters.");
        }

        var now = time.Now;
        S.Item = Bump(item with { Status = FollowUpStatus.Closed, ClosedAt = now, ClosedBy = supervisorId, CloseReason = reason.Trim() });
        await SaveAsync();
        await FinishAsync();
        logger.LogInformation("Follow-up of call {CallId} closed by {SupervisorId}", CallId, supervisorId);
        return Detail();
    }

    public async Task<FollowUpDetail> ForgetNumberAsync(string by)
    {
        Keys.RequireId(by, "staff");
        var item = RequireKnown();
        if (S.Caller is null && !item.CanDial)
        {
            return Detail();
        }

        S.Caller = S.Caller is { } c ? c with { EncryptedNumber = null } : null;
        S.Item = Bump(item with { CanDial = false });
        await SaveAsync();
        logger.LogInformation("Follow-up of call {CallId}: number forgotten by {StaffId}", CallId, by);
        return Detail();
    }

    public async Task<Abstractions.Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff)
    {
        if (S.Item is not { } item)
        {
            return Abstractions.Retention.PurgeOutcome.Gone;
        }

        if (!Retention.RetentionRules.FollowUpDue(item, cutoff))
        {
            return Abstractions.Retention.PurgeOutcome.Kept;
        }

        await UnregisterAsync();
        await state.ClearStateAsync();
        state.State = new FollowUpState();
        logger.LogInformation("Follow-up of call {CallId} purged (retention)", CallId);
        DeactivateOnIdle();
        return Abstractions.Retention.PurgeOutcome.Purged;
    }

    public Task<FollowUpDetail> GetAsync()
    {
        RequireKnown();
        return Task.FromResult(Detail());
    }

    /// <summary>The reminder's callback: whatever is due on the domain clock is raised; then the next firing is set.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => S.Item is null ? UnregisterAsync() : CheckAsync();

    /// <summary>Raises the due alert (or, for a counsellor off shift, the supervisor's), then the overdue one; re-arms or drops the reminder.</summary>
    private async Task CheckAsync()
    {
        var item = S.Item!;
        var now = time.Now;
        var changed = false;
        if (item.Status == FollowUpStatus.Open && now >= item.DueAt && S.DueRaisedFor != item.CounselorId)
        {
            if (await OnShiftAsync(item.CounselorId, now))
            {
                Raise(FollowUpRules.DueAlertId(CallId, item.CounselorId), AlertKind.FollowUpDue, critical: false, item.CounselorId);
            }
            else
            {
                Raise(FollowUpRules.UnassignedAlertId(CallId), AlertKind.FollowUpUnassigned, critical: true, item.CounselorId);
                logger.LogWarning("Follow-up of call {CallId} due while counsellor {CounselorId} is off shift", CallId, item.CounselorId);
            }

            S.DueRaisedFor = item.CounselorId;
            changed = true;
        }

        if (item.IsOpen && item.OverdueAt is { } overdue && now >= overdue && !S.OverdueRaised)
        {
            Raise(FollowUpRules.OverdueAlertId(CallId), AlertKind.FollowUpOverdue, critical: true, item.CounselorId);
            S.OverdueRaised = true;
            changed = true;
            Count("overdue", CallOutcome.FollowUpOverdue, overdue);
            logger.LogWarning("Follow-up of call {CallId} is overdue", CallId);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        await ArmAsync(now);
    }

    /// <summary>The centre's statistics (due in the hour it falls due, done and overdue when they happen), once per follow-up.</summary>
    private void Count(string what, CallOutcome outcome, DateTimeOffset at) =>
        Reports.Stats.Count(GrainFactory, S.CentreId, at, new StatsEvent($"followup:{CallId}:{what}", outcome, 0, false));

    private async Task ArmAsync(DateTimeOffset now)
    {
        var dueRaised = S.DueRaisedFor == S.Item!.CounselorId;
        if (FollowUpRules.NextCheck(S.Item, dueRaised, S.OverdueRaised, now) is not { } next)
        {
            await UnregisterAsync();
            return;
        }

        // Durable: the reminder table (Redis) holds it, so it fires after any restart or move to another silo.
        var wait = next - now;
        wait = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > LongestReminderWait ? LongestReminderWait : wait;
        await this.RegisterOrUpdateReminder(DueReminder, wait, ReminderPeriod);
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(DueReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Reached or closed: every alert it raised is resolved, the encrypted number forgotten (nobody dials it again) and the reminder dropped.</summary>
    private async Task FinishAsync()
    {
        foreach (var id in S.RaisedAlerts)
        {
            _ = Alerts.ResolveAsync(id);
        }

        S.RaisedAlerts.Clear();
        if (S.Caller is { EncryptedNumber: not null } caller)
        {
            S.Caller = caller with { EncryptedNumber = null };
            S.Item = Bump(S.Item! with { CanDial = false });
            _ = GrainFactory.GetGrain<ICaseloadGrain>(S.CentreId!).FollowUpChangedAsync(S.Item);
        }

        await state.WriteStateAsync();
        await UnregisterAsync();
    }

    /// <summary>A centre without a roster has no shifts to be off; otherwise the counsellor must be on the shift covering now.</summary>
    private async Task<bool> OnShiftAsync(string counselorId, DateTimeOffset now)
    {
        var roster = await GrainFactory.GetGrain<IRosterGrain>(S.CentreId!).GetAsync();
        if (roster.Shifts.IsDefaultOrEmpty)
        {
            return true;
        }

        return StaffingRules.CurrentShift(roster.Shifts, now) is { } shift && !shift.CounselorIds.IsDefault && shift.CounselorIds.Contains(counselorId);
    }

    private ICentreAlertsGrain Alerts => GrainFactory.GetGrain<ICentreAlertsGrain>(S.CentreId!);

    private void Raise(string alertId, AlertKind kind, bool critical, string counselorId)
    {
        S.RaisedAlerts.Add(alertId);
        _ = Alerts.RaiseAsync(new AlertRaise(alertId, kind, critical, CallId: CallId, CounselorId: counselorId));
    }

    private void Resolve(string alertId)
    {
        if (S.RaisedAlerts.Remove(alertId))
        {
            _ = Alerts.ResolveAsync(alertId);
        }
    }

    private FollowUpItem RequireKnown() =>
        S.Item ?? throw new HotlineRuleException("follow-up.unknown", $"No follow-up for call {CallId}.");

    private FollowUpItem RequireOpen()
    {
        var item = RequireKnown();
        return item.IsOpen ? item : throw new HotlineRuleException("follow-up.closed", "This follow-up is done or closed.");
    }

    private FollowUpItem RequireOwnedOpen(string counselorId)
    {
        var item = RequireOpen();
        return item.CounselorId == counselorId
            ? item
            : throw new HotlineRuleException("follow-up.not-yours", "Only the counsellor the follow-up is assigned to calls and records it.");
    }

    private static FollowUpItem Bump(FollowUpItem item) => item with { Version = item.Version + 1 };

    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        _ = GrainFactory.GetGrain<ICaseloadGrain>(S.CentreId!).FollowUpChangedAsync(S.Item!);
    }

    private FollowUpDetail Detail() => new(S.CentreId ?? string.Empty, S.Item!, [.. S.Attempts], [.. S.PreviousCounselors]);
}
