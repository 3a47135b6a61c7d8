using Microsoft.Extensions.Options;
using HotlineCenter.Grains.Routing;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Caseload;
using HotlineCenter.Grains.Crises;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Records;

/// <summary>What a submitted record must hold, as plain code.</summary>
public static class ContactRecordValidator
{
    private const int MaxText = 4000;

    /// <summary>Codes of what is missing before a record may be submitted, for screens to word in their language.</summary>
    public static IReadOnlyList<string> MissingForSubmit(ContactRecord r)
    {
        var missing = new List<string>();
        if (r.Risk == RiskLevel.NotAssessed)
        {
            missing.Add("risk");
        }

        if (r.ProblemCategories.IsDefaultOrEmpty)
        {
            missing.Add("category");
        }

        if (string.IsNullOrWhiteSpace(r.Outcome))
        {
            missing.Add("outcome");
        }

        if (r.Risk is RiskLevel.High or RiskLevel.Imminent && string.IsNullOrWhiteSpace(r.FollowUpPlan))
        {
            missing.Add("follow-up");
        }

        return missing;
    }

    /// <summary>The English wording of a missing-field code, for API callers.</summary>
    private static string Describe(string code) => code switch
    {
        "risk" => "risk must be assessed",
        "category" => "at least one problem category is required",
        "outcome" => "outcome is required",
        "follow-up" => "a follow-up plan is required for high or imminent risk",
        _ => code,
    };

    public static IReadOnlyList<string> Problems(ContactRecord r, bool submitting)
    {
        var problems = new List<string>();
        foreach (var (name, text) in new[] { ("interventions", r.Interventions), ("referral", r.Referral), ("outcome", r.Outcome), ("followUpPlan", r.FollowUpPlan), ("note", r.Note), ("ageBand", r.AgeBand), ("gender", r.Gender), ("region", r.Region) })
        {
            if (text is { Length: > MaxText })
            {
                problems.Add($"{name} is longer than {MaxText} characters");
            }
        }

        var categories = r.ProblemCategories.IsDefault ? [] : r.ProblemCategories;
        foreach (var c in categories.Where(c => !ContactRecord.Categories.Contains(c)))
        {
            problems.Add($"'{c}' is not a problem category");
        }

        if (submitting)
        {
            problems.AddRange(MissingForSubmit(r).Select(Describe));
        }

        return problems;
    }
}

[GenerateSerializer]
[Alias("hotline.contact-record-state")]
public sealed class ContactRecordState
{
    [Id(0)] public RecordStatus Status { get; set; }
    [Id(1)] public ContactRecord Record { get; set; } = new();
    [Id(2)] public string? CounselorId { get; set; }
    [Id(3)] public DateTimeOffset? SavedAt { get; set; }
    /// <summary>A crisis case was opened from this record; later assessments update it.</summary>
    [Id(4)] public bool CaseOpened { get; set; }
    /// <summary>When the record is due (the call ended plus the centre's minutes); null when nobody waits for it.</summary>
    [Id(5)] public DateTimeOffset? SubmitDueAt { get; set; }
    [Id(6)] public string? WatchCentreId { get; set; }
    [Id(7)] public string? WatchCounselorId { get; set; }
    [Id(8)] public bool OverdueAlertRaised { get; set; }
}

/// <summary>One call's contact record. A submitted record is final here; corrections are a later feature.</summary>
public sealed class ContactRecordGrain(
    [PersistentState("contact-record", StorageNames.Hotline)] IPersistentState<ContactRecordState> state,
    HotlineTime time,
    IOptions<RoutingOptions> options,
    ILogger<ContactRecordGrain> logger) : Grain, IContactRecordGrain, IRemindable
{
    private const string SubmitReminder = "record-submit-due";
    private IGrainTimer? _timer;

    private string CallId => this.GetPrimaryKeyString();

    private string OverdueAlertId => $"record-not-submitted:{CallId}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.SubmitDueAt is not null && state.State.Status != RecordStatus.Submitted && !state.State.OverdueAlertRaised)
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task WatchAsync(string counselorId, string centreId, DateTimeOffset endedAt)
    {
        if (state.State.Status == RecordStatus.Submitted || state.State.SubmitDueAt is not null || !Keys.IsValidId(centreId))
        {
            return;
        }

        var config = await GrainFactory.GetGrain<ICentreGrain>(centreId).GetConfigAsync();
        var minutes = config is { RecordSubmitWithinMinutes: > 0 } c ? c.RecordSubmitWithinMinutes : 30;
        state.State.SubmitDueAt = endedAt.AddMinutes(minutes);
        state.State.WatchCentreId = centreId;
        state.State.WatchCounselorId = counselorId;
        await state.WriteStateAsync();

        // The reminder brings the record back after a restart; the timer compares the due time on the domain clock.
        await this.RegisterOrUpdateReminder(SubmitReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        StartTimer();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckOverdueAsync();

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(CheckOverdueAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });

    private async Task CheckOverdueAsync()
    {
        if (state.State.Status == RecordStatus.Submitted || state.State.SubmitDueAt is not { } due || state.State.OverdueAlertRaised)
        {
            await StopWatchingAsync();
            return;
        }

        if (time.Now < due)
        {
            return;
        }

        state.State.OverdueAlertRaised = true;
        await state.WriteStateAsync();
        _ = GrainFactory.GetGrain<ICentreAlertsGrain>(state.State.WatchCentreId!).RaiseAsync(
            new AlertRaise(OverdueAlertId, AlertKind.RecordNotSubmitted, Critical: RiskDerivation.ToRiskLevel(state.State.Record.Assessment?.Effective ?? CrisisLevel.None) >= RiskLevel.High || state.State.Record.Risk >= RiskLevel.High,
                CallId, state.State.WatchCounselorId));
        logger.LogWarning("Contact record of call {CallId} not submitted by {CounselorId} in time: supervisor alerted", CallId, state.State.WatchCounselorId);
        await StopWatchingAsync();
    }

    private async Task StopWatchingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(SubmitReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<ContactRecordView> SaveDraftAsync(ContactRecord record, string counselorId) => StoreAsync(record, counselorId, submitting: false);

    public Task<ContactRecordView> SubmitAsync(ContactRecord record, string counselorId) => StoreAsync(record, counselorId, submitting: true);

    public Task<ContactRecordView> GetAsync() => Task.FromResult(View());

    private async Task<ContactRecordView> StoreAsync(ContactRecord record, string counselorId, bool submitting)
    {
        Keys.RequireId(counselorId, "counsellor");
        if (state.State.Status == RecordStatus.Submitted)
        {
            throw new HotlineRuleException("record.submitted", "This record was submitted already.");
        }

        if (state.State.CounselorId is { } owner && owner != counselorId)
        {
            throw new HotlineRuleException("record.not-yours", "Only the counsellor who took the call writes its record.");
        }

        // The level is the server's to derive: whatever a screen computed is replaced before validation.
        var previous = state.State.Record.Assessment;
        var assessmentProblems = record.Assessment is { } sent ? RiskDerivation.Problems(sent) : [];
        if (assessmentProblems.Count == 0 && record.Assessment is { } assessment)
        {
            assessment = assessment.Factors.IsDefault ? assessment with { Factors = [] } : assessment;
            var derived = Derive(assessment, previous, counselorId);
            record = record with { Assessment = derived, Risk = RiskDerivation.ToRiskLevel(derived.Effective) };
        }

        var problems = assessmentProblems.Concat(ContactRecordValidator.Problems(record, submitting)).ToList();
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("record.invalid", string.Join("; ", problems));
        }

        // The record belongs to the call's counsellor: the call is asked, not the screen.
        var call = GrainFactory.GetGrain<ICallGrain>(CallId);
        var callerKey = await call.GetCallerKeyForAsync(counselorId);
        if (record.Assessment is { } stored && !SameAssessment(previous, stored))
        {
            var (_, row) = RiskDerivation.Explain(stored);
            await call.NoteCrisisAsync(TimelineKind.RiskAssessed, counselorId,
                $"derived {stored.Derived} ({row}); effective {stored.Effective}{(stored.Override is null ? string.Empty : " by override")}; danger grade {stored.DangerGrade}");
            await ShareWithCrisisCaseAsync(call, record, stored, counselorId);
        }

        if (submitting)
        {
            var snapshot = await call.GetAsync();
            if (record.Assessment is null && FollowUpRules.OpensCrisis(record.Risk) && !state.State.CaseOpened && snapshot.CentreId is { } centre)
            {
                // A record assessed by level only (no structured assessment) still opens a case.
                await OpenCaseAsync(call, centre, record, null, counselorId);
            }

            await ShareSubmittedAsync(call, snapshot, callerKey, record, counselorId);
        }

        state.State.Record = record;
        state.State.CounselorId = counselorId;
        state.State.Status = submitting ? RecordStatus.Submitted : RecordStatus.Draft;
        state.State.SavedAt = time.Now;
        await state.WriteStateAsync();
        if (submitting && state.State.SubmitDueAt is not null)
        {
            if (state.State.OverdueAlertRaised)
            {
                _ = GrainFactory.GetGrain<ICentreAlertsGrain>(state.State.WatchCentreId!).ResolveAsync(OverdueAlertId);
            }

            await StopWatchingAsync();
        }

        if (submitting)
        {
            logger.LogInformation("Contact record of call {CallId} submitted by {CounselorId} (risk {Risk})", CallId, counselorId, record.Risk);
        }

        return View();
    }

    /// <summary>
    /// What the centre learns from a submitted record: the caller's history, a crisis case, a follow-up.
    /// All idempotent per call, and done before the record is saved as submitted, so a failure here is retried by the next submit.
    /// </summary>
    private async Task ShareSubmittedAsync(ICallGrain callGrain, CallSnapshot call, string? callerKey, ContactRecord record, string counselorId)
    {
        var at = call.ConnectedAt ?? time.Now;
        if (callerKey is not null)
        {
            await GrainFactory.GetGrain<ICallerGrain>(callerKey).RecordContactAsync(new CallerContact(
                CallId, call.CentreId ?? string.Empty, at, counselorId, record.Risk,
                record.ProblemCategories.IsDefault ? [] : record.ProblemCategories, !string.IsNullOrWhiteSpace(record.FollowUpPlan)));
        }

        if (call.CentreId is not { } centreId)
        {
            return;
        }

        var caseload = GrainFactory.GetGrain<ICaseloadGrain>(centreId);
        if (FollowUpRules.OpensCrisis(record.Risk))
        {
            await caseload.OpenCrisisAsync(new CrisisItem(CallId, counselorId, call.MaskedNumber, record.Risk, CrisisSource.RiskAssessed, time.Now));
        }

        if (FollowUpRules.DueAt(record.Risk, time.Now) is { } due)
        {
            // The follow-up grain keeps the caller reference (encrypted number) so the desk can dial it; screens get the masked number only.
            var caller = await callGrain.GetCallerRefForAsync(counselorId);
            await caseload.PlanFollowUpAsync(new FollowUpSchedule(centreId, new FollowUpItem(
                CallId, counselorId, call.MaskedNumber, record.Risk, time.Now, due, FollowUpStatus.Open, 0, null, null), caller));
            if (state.State.CaseOpened || call.IsCrisis)
            {
                _ = GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(CallId)).FollowUpScheduledAsync(counselorId, due);
            }
        }
    }

    /// <summary>The assessment as stored: the derived level and rule version set here, an override stamped with who and when.</summary>
    private RiskAssessment Derive(RiskAssessment sent, RiskAssessment? previous, string counselorId)
    {
        var now = time.Now;
        var overriding = sent.Override is { } o
            ? previous?.Override is { } kept && kept.Level == o.Level && kept.Reason == o.Reason.Trim()
                ? kept
                : new RiskOverride(o.Level, o.Reason.Trim(), counselorId, now)
            : null;
        return sent with { Derived = RiskDerivation.Derive(sent), RuleVersion = RiskDerivation.Version, Override = overriding, AssessedAt = now };
    }

    /// <summary>Opens the call's crisis case when the assessment calls for one, or keeps an opened case's facts current.</summary>
    private async Task ShareWithCrisisCaseAsync(ICallGrain call, ContactRecord record, RiskAssessment assessment, string counselorId)
    {
        if (state.State.CaseOpened)
        {
            await GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(CallId)).UpdateFactsAsync(assessment, PersonOf(record), counselorId);
            return;
        }

        if (!RiskDerivation.OpensCase(assessment) || (await call.GetAsync()).CentreId is not { } centreId)
        {
            return;
        }

        await OpenCaseAsync(call, centreId, record, assessment, counselorId);
    }

    private async Task OpenCaseAsync(ICallGrain call, string centreId, ContactRecord record, RiskAssessment? assessment, string counselorId)
    {
        var caller = await call.GetCallerRefForAsync(counselorId);
        var opened = await GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(CallId)).OpenAsync(
            new CaseOpening(CallId, centreId, CaseTrigger.Assessment, counselorId, caller, assessment, PersonOf(record), counselorId));
        if (opened.Trigger == CaseTrigger.Assessment && !state.State.CaseOpened)
        {
            await call.NoteCrisisAsync(TimelineKind.CrisisCaseOpened, counselorId, $"{CaseTrigger.Assessment}");
        }

        // Saved with the record below; if that save is lost, the next save opens the same case again (idempotent).
        state.State.CaseOpened = true;
    }

    private static CasePerson PersonOf(ContactRecord r) => new(r.AgeBand, r.Gender, r.Region);

    private static bool SameAssessment(RiskAssessment? a, RiskAssessment b) =>
        a is not null && System.Text.Json.JsonSerializer.Serialize(a with { AssessedAt = null }) == System.Text.Json.JsonSerializer.Serialize(b with { AssessedAt = null });

    private ContactRecordView View() => new(CallId, state.State.Status, state.State.Record, state.State.CounselorId, state.State.SavedAt);
}
