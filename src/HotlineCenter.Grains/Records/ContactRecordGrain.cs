using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
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

    /// <summary>
    /// Codes of what is missing before a record may be submitted, for screens to word in their language
    /// (<c>RecordMissing_{code}</c>). Age band and gender have an explicit "unknown" a counsellor picks when the caller
    /// did not say, so the statistics never guess.
    /// </summary>
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

        if (string.IsNullOrWhiteSpace(r.AgeBand))
        {
            missing.Add("age-band");
        }

        if (string.IsNullOrWhiteSpace(r.Gender))
        {
            missing.Add("gender");
        }

        if (r.ThirdParty == true && string.IsNullOrWhiteSpace(r.ThirdPartyRelation))
        {
            missing.Add("relation");
        }

        if (!r.Referrals.IsDefault && r.Referrals.Contains("other") && string.IsNullOrWhiteSpace(r.ReferralOther))
        {
            missing.Add("referral-other");
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
        "age-band" => "the age band is required (unknown is a choice)",
        "gender" => "the gender is required (unknown is a choice)",
        "relation" => "a third-party caller's relation is required",
        "referral-other" => "an 'other' referral needs its description",
        "outcome" => "outcome is required",
        "follow-up" => "a follow-up plan is required for high or imminent risk",
        _ => code,
    };

    public static IReadOnlyList<string> Problems(ContactRecord r, bool submitting)
    {
        var problems = new List<string>();
        foreach (var (name, text) in new[] { ("interventions", r.Interventions), ("referral", r.Referral), ("outcome", r.Outcome), ("followUpPlan", r.FollowUpPlan), ("note", r.Note), ("region", r.Region), ("referralOther", r.ReferralOther) })
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

        Choice(problems, "an age band", r.AgeBand, RecordChoices.AgeBands);
        Choice(problems, "a gender", r.Gender, RecordChoices.Genders);
        Choice(problems, "a relation", r.ThirdPartyRelation, RecordChoices.Relations);
        foreach (var i in (r.InterventionsGiven.IsDefault ? [] : r.InterventionsGiven).Where(i => !RecordChoices.Interventions.Contains(i)))
        {
            problems.Add($"'{i}' is not an intervention");
        }

        foreach (var f in (r.Referrals.IsDefault ? [] : r.Referrals).Where(f => !RecordChoices.Referrals.Contains(f)))
        {
            problems.Add($"'{f}' is not a referral");
        }

        if (r.Province is not null && !ChinaRegions.IsProvince(r.Province))
        {
            problems.Add($"'{r.Province}' is not a province");
        }

        if (r.City is not null && !ChinaRegions.IsCityOf(r.Province, r.City))
        {
            problems.Add($"'{r.City}' is not a city of {r.Province ?? "no province"}");
        }

        if (submitting)
        {
            problems.AddRange(MissingForSubmit(r).Select(Describe));
        }

        return problems;
    }

    private static void Choice(List<string> problems, string what, string? value, System.Collections.Immutable.ImmutableArray<string> choices)
    {
        if (value is not null && !choices.Contains(value))
        {
            problems.Add($"'{value}' is not {what}");
        }
    }
}

[GenerateSerializer]
[Alias("hotline.contact-record-state")]
public sealed class ContactRecordState
{
    // 0–3 and 5–8: the one part a record had before it had parts (read on activation into Parts, never written again).
    [Id(0)] public RecordStatus Status { get; set; }
    [Id(1)] public ContactRecord Record { get; set; } = new();
    [Id(2)] public string? CounselorId { get; set; }
    [Id(3)] public DateTimeOffset? SavedAt { get; set; }
    /// <summary>A crisis case was opened from this record; later assessments update it.</summary>
    [Id(4)] public bool CaseOpened { get; set; }
    [Id(5)] public DateTimeOffset? SubmitDueAt { get; set; }
    [Id(6)] public string? WatchCentreId { get; set; }
    [Id(7)] public string? WatchCounselorId { get; set; }
    [Id(8)] public bool OverdueAlertRaised { get; set; }
    /// <summary>One part per counsellor the call was connected to, by counsellor id.</summary>
    [Id(9)] public Dictionary<string, RecordPartState> Parts { get; set; } = [];
    /// <summary>The counsellors in the order their parts began.</summary>
    [Id(10)] public List<string> PartOrder { get; set; } = [];
    /// <summary>The part saved last (what <c>GetAsync</c> answers).</summary>
    [Id(11)] public string? LastSavedBy { get; set; }

    /// <summary>A record stored before records had parts becomes its one counsellor's part (watch, alert id and all).</summary>
    public void ReadPartBeforeParts(string callId)
    {
        if (Parts.Count > 0 || (Status == RecordStatus.Empty && SubmitDueAt is null) || (CounselorId ?? WatchCounselorId) is not { } owner)
        {
            return;
        }

        Parts[owner] = new RecordPartState
        {
            Status = Status, Record = Record, SavedAt = SavedAt, SubmitDueAt = SubmitDueAt, WatchCentreId = WatchCentreId,
            OverdueAlertRaised = OverdueAlertRaised, OverdueAlertId = $"record-not-submitted:{callId}",
        };
        PartOrder.Add(owner);
        LastSavedBy = owner;
    }
}

/// <summary>One counsellor's part of a call's record.</summary>
[GenerateSerializer]
[Alias("hotline.contact-record-part-state")]
public sealed class RecordPartState
{
    [Id(0)] public RecordStatus Status { get; set; }
    [Id(1)] public ContactRecord Record { get; set; } = new();
    [Id(2)] public DateTimeOffset? SavedAt { get; set; }
    /// <summary>When the part is due (the counsellor's end of the call plus the centre's minutes); null when nobody waits for it.</summary>
    [Id(3)] public DateTimeOffset? SubmitDueAt { get; set; }
    [Id(4)] public string? WatchCentreId { get; set; }
    [Id(5)] public bool OverdueAlertRaised { get; set; }
    /// <summary>The id of the not-submitted alert (a part read from a record before parts keeps its old id).</summary>
    [Id(6)] public string? OverdueAlertId { get; set; }
    /// <summary>Corrections of the submitted part, oldest first: appended, never edited.</summary>
    [Id(7)] public List<RecordAmendment> Amendments { get; set; } = [];

    public bool Watched => SubmitDueAt is not null && Status != RecordStatus.Submitted && !OverdueAlertRaised;
}

/// <summary>
/// One call's contact record, in one part per counsellor who took the call. A submitted part is never edited: corrections
/// are appended amendments (author, time, reason, each field old → new), and the statistics keep the first submission's
/// figures. The call grain decides who may write a part (anyone it was connected to).
/// </summary>
public sealed class ContactRecordGrain(
    [PersistentState("contact-record", StorageNames.Hotline)] IPersistentState<ContactRecordState> state,
    HotlineTime time,
    IOptions<RoutingOptions> options,
    ILogger<ContactRecordGrain> logger) : Grain, IContactRecordGrain, IRemindable
{
    private const string SubmitReminder = "record-submit-due";
    private IGrainTimer? _timer;

    private string CallId => this.GetPrimaryKeyString();

    private ContactRecordState S => state.State;

    private string AlertIdFor(string counselorId) => $"record-not-submitted:{CallId}:{counselorId}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        S.ReadPartBeforeParts(CallId);
        if (S.Parts.Values.Any(p => p.Watched))
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task WatchAsync(string counselorId, string centreId, DateTimeOffset endedAt)
    {
        if (!Keys.IsValidId(counselorId) || !Keys.IsValidId(centreId))
        {
            return;
        }

        var part = PartOf(counselorId);
        if (part.Status == RecordStatus.Submitted || part.SubmitDueAt is not null)
        {
            return;
        }

        var config = await GrainFactory.GetGrain<ICentreGrain>(centreId).GetConfigAsync();
        var minutes = config is { RecordSubmitWithinMinutes: > 0 } c ? c.RecordSubmitWithinMinutes : 30;
        part.SubmitDueAt = endedAt.AddMinutes(minutes);
        part.WatchCentreId = centreId;
        part.OverdueAlertId ??= AlertIdFor(counselorId);
        Keep(counselorId, part);
        await state.WriteStateAsync();

        // The reminder brings the record back after a restart; the timer compares the due times on the domain clock.
        await this.RegisterOrUpdateReminder(SubmitReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        StartTimer();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckOverdueAsync();

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(CheckOverdueAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });

    private async Task CheckOverdueAsync()
    {
        var now = time.Now;
        var due = S.Parts.Where(p => p.Value.Watched && now >= p.Value.SubmitDueAt).ToList();
        foreach (var (counselorId, part) in due)
        {
            part.OverdueAlertRaised = true;
        }

        if (due.Count > 0)
        {
            await state.WriteStateAsync();
        }

        foreach (var (counselorId, part) in due)
        {
            var critical = RiskDerivation.ToRiskLevel(part.Record.Assessment?.Effective ?? CrisisLevel.None) >= RiskLevel.High || part.Record.Risk >= RiskLevel.High;
            _ = GrainFactory.GetGrain<ICentreAlertsGrain>(part.WatchCentreId!).RaiseAsync(
                new AlertRaise(part.OverdueAlertId ?? AlertIdFor(counselorId), AlertKind.RecordNotSubmitted, Critical: critical, CallId, counselorId));
            logger.LogWarning("Contact record of call {CallId} not submitted by {CounselorId} in time: supervisor alerted", CallId, counselorId);
        }

        if (!S.Parts.Values.Any(p => p.Watched))
        {
            await StopWatchingAsync();
        }
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

    public Task<ContactRecordView> GetAsync() =>
        Task.FromResult(S.LastSavedBy is { } last ? View(last) : new ContactRecordView(CallId, RecordStatus.Empty, new ContactRecord(), null, null));

    public Task<ContactRecordView> GetPartAsync(string counselorId) =>
        Task.FromResult(S.Parts.ContainsKey(counselorId ?? string.Empty) ? View(counselorId!) : new ContactRecordView(CallId, RecordStatus.Empty, new ContactRecord(), counselorId, null));

    public Task<ImmutableArray<ContactRecordView>> GetPartsAsync() => Task.FromResult(S.PartOrder.Select(View).ToImmutableArray());

    private async Task<ContactRecordView> StoreAsync(ContactRecord record, string counselorId, bool submitting)
    {
        Keys.RequireId(counselorId, "counsellor");
        var part = S.Parts.GetValueOrDefault(counselorId) ?? new RecordPartState();
        if (part.Status == RecordStatus.Submitted)
        {
            throw new HotlineRuleException("record.submitted", "This record was submitted already.");
        }

        // The level is the server's to derive: whatever a screen computed is replaced before validation.
        var previous = part.Record.Assessment;
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

        // A part belongs to a counsellor the call was connected to: the call is asked, not the screen.
        var call = GrainFactory.GetGrain<ICallGrain>(CallId);
        string? callerKey;
        try
        {
            callerKey = await call.GetCallerKeyForAsync(counselorId);
        }
        catch (HotlineRuleException ex) when (ex.Code == "call.not-yours")
        {
            throw new HotlineRuleException("record.not-yours", "Only a counsellor who took the call writes (their part of) its record.");
        }

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
            if (record.Assessment is null && FollowUpRules.OpensCrisis(record.Risk) && !S.CaseOpened && snapshot.CentreId is { } centre)
            {
                // A record assessed by level only (no structured assessment) still opens a case.
                await OpenCaseAsync(call, centre, record, null, counselorId);
            }

            await ShareSubmittedAsync(call, snapshot, callerKey, record, counselorId);
        }

        part.Record = record;
        part.Status = submitting ? RecordStatus.Submitted : RecordStatus.Draft;
        part.SavedAt = time.Now;
        Keep(counselorId, part);
        S.LastSavedBy = counselorId;
        await state.WriteStateAsync();
        if (submitting && part.SubmitDueAt is not null)
        {
            if (part.OverdueAlertRaised)
            {
                _ = GrainFactory.GetGrain<ICentreAlertsGrain>(part.WatchCentreId!).ResolveAsync(part.OverdueAlertId ?? AlertIdFor(counselorId));
            }

            if (!S.Parts.Values.Any(p => p.Watched))
            {
                await StopWatchingAsync();
            }
        }

        if (submitting)
        {
            // The follow-up and crisis case took the caller reference above: the call may now drop its number. A failure here
            // leaves the number to the purge; it never fails a submission that is stored.
            try
            {
                await call.RecordPartSubmittedAsync(counselorId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogWarning(ex, "Call {CallId} was not told that {CounselorId}'s part is submitted; it keeps the number until the purge", CallId, counselorId);
            }

            logger.LogInformation("Contact record of call {CallId} submitted by {CounselorId} (risk {Risk})", CallId, counselorId, record.Risk);
        }

        return View(counselorId);
    }

    public async Task<ContactRecordView> AmendAsync(string counselorId, ContactRecord corrected, string author, string reason)
    {
        Keys.RequireId(counselorId, "counsellor");
        Keys.RequireId(author, "author");
        var part = S.Parts.GetValueOrDefault(counselorId);
        if (part is not { Status: RecordStatus.Submitted })
        {
            throw new HotlineRuleException("record.not-submitted", "Only a submitted record is amended; a draft is still edited.");
        }

        var problems = RecordAmendments.Problems(part.Record, corrected, reason);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException(problems[0].Code, string.Join("; ", problems.Select(p => p.Text)));
        }

        var changes = RecordAmendments.Diff(part.Record, corrected);
        var amendment = new RecordAmendment(part.Amendments.Count + 1, time.Now, author, reason.Trim(), changes);
        part.Amendments.Add(amendment);
        part.Record = corrected with { Assessment = part.Record.Assessment, Risk = part.Record.Assessment is null ? corrected.Risk : part.Record.Risk };
        await state.WriteStateAsync();
        logger.LogInformation("Contact record of call {CallId}, part of {CounselorId}: amendment {Number} by {Author} ({Fields})",
            CallId, counselorId, amendment.Number, author, string.Join(",", changes.Select(c => c.Field)));
        return View(counselorId);
    }

    public async Task<Abstractions.Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff)
    {
        if (S.Parts.Count == 0 && S.Status == RecordStatus.Empty && S.SubmitDueAt is null)
        {
            return Abstractions.Retention.PurgeOutcome.Gone;
        }

        if (!Retention.RetentionRules.RecordDue(S.Parts.Values.Select(p => p.SavedAt ?? p.SubmitDueAt).Append(S.SavedAt), cutoff))
        {
            return Abstractions.Retention.PurgeOutcome.Kept;
        }

        await StopWatchingAsync();
        await state.ClearStateAsync();
        state.State = new ContactRecordState();
        logger.LogInformation("Contact record of call {CallId} purged (retention)", CallId);
        DeactivateOnIdle();
        return Abstractions.Retention.PurgeOutcome.Purged;
    }

    /// <summary>
    /// What the centre learns from a submitted part: the caller's history, a crisis case, a follow-up, the statistics.
    /// All idempotent per call, and done before the part is saved as submitted, so a failure here is retried by the next submit.
    /// </summary>
    private async Task ShareSubmittedAsync(ICallGrain callGrain, CallSnapshot call, string? callerKey, ContactRecord record, string counselorId)
    {
        var at = call.ConnectedAt ?? time.Now;
        if (callerKey is not null)
        {
            // The caller's history keeps one contact per call: every submitted part together (the highest risk, all categories).
            var parts = S.Parts.Where(p => p.Key != counselorId && p.Value.Status == RecordStatus.Submitted).Select(p => p.Value.Record).Append(record).ToList();
            await GrainFactory.GetGrain<ICallerGrain>(callerKey).RecordContactAsync(new CallerContact(
                CallId, call.CentreId ?? string.Empty, at, counselorId, parts.Max(p => p.Risk),
                [.. parts.SelectMany(p => p.ProblemCategories.IsDefault ? [] : p.ProblemCategories).Distinct()],
                parts.Any(p => !string.IsNullOrWhiteSpace(p.FollowUpPlan))));
        }

        if (call.CentreId is not { } centreId)
        {
            return;
        }

        CountSubmitted(centreId, call.ArrivedAt ?? time.Now, record, counselorId);
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
            if (S.CaseOpened || call.IsCrisis)
            {
                _ = GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(CallId)).FollowUpScheduledAsync(counselorId, due);
            }
        }
    }

    /// <summary>
    /// The record's figures for the hour the call arrived. Keyed by the call, so a call with two parts counts its caller
    /// once (the first part submitted says the age band, gender and first-or-repeat), each category and referral once,
    /// and as high risk if any part assessed it so.
    /// </summary>
    private void CountSubmitted(string centreId, DateTimeOffset arrivedAt, ContactRecord r, string counselorId)
    {
        void Count(string key, CallOutcome outcome, string? label = null) =>
            Stats.Count(GrainFactory, centreId, arrivedAt, new StatsEvent($"{CallId}:record:{key}", outcome, 0, false, label));

        Count($"submitted:{counselorId}", CallOutcome.RecordSubmitted);
        foreach (var category in r.ProblemCategories.IsDefault ? [] : r.ProblemCategories)
        {
            Count($"category:{category}", CallOutcome.Category, category);
        }

        foreach (var referral in r.Referrals.IsDefault ? [] : r.Referrals)
        {
            Count($"referral:{referral}", CallOutcome.Referral, referral);
        }

        Count("age-band", CallOutcome.AgeBand, r.AgeBand ?? RecordChoices.Unknown);
        Count("gender", CallOutcome.Gender, r.Gender ?? RecordChoices.Unknown);
        Count("risk", CallOutcome.Risk, r.Risk.ToString());
        if (r.Risk is RiskLevel.High or RiskLevel.Imminent)
        {
            Count("high-risk", CallOutcome.HighRisk);
        }

        if (r.RepeatCaller is { } repeat)
        {
            Count("caller-history", CallOutcome.CallerHistory, repeat ? RecordChoices.Repeat : RecordChoices.FirstTime);
        }

        if (r.ThirdParty == true)
        {
            Count("third-party", CallOutcome.ThirdParty);
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

    /// <summary>
    /// Opens the call's crisis case when an assessment (any counsellor's part, a draft included) calls for one, or keeps
    /// an opened case's facts current.
    /// </summary>
    private async Task ShareWithCrisisCaseAsync(ICallGrain call, ContactRecord record, RiskAssessment assessment, string counselorId)
    {
        if (S.CaseOpened)
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
        if (opened.Trigger == CaseTrigger.Assessment && !S.CaseOpened)
        {
            await call.NoteCrisisAsync(TimelineKind.CrisisCaseOpened, counselorId, $"{CaseTrigger.Assessment}");
        }

        // Saved with the part below; if that save is lost, the next save opens the same case again (idempotent).
        S.CaseOpened = true;
    }

    /// <summary>What the case (and a dispatch sheet) knows of the person, in the words a receiving service reads.</summary>
    private static CasePerson PersonOf(ContactRecord r) =>
        new(r.AgeBand is { } a ? RecordChoices.AgeBandText(a) : null, r.Gender is { } g ? RecordChoices.GenderText(g) : null, r.Region ?? r.City);

    private static bool SameAssessment(RiskAssessment? a, RiskAssessment b) =>
        a is not null && System.Text.Json.JsonSerializer.Serialize(a with { AssessedAt = null }) == System.Text.Json.JsonSerializer.Serialize(b with { AssessedAt = null });

    private RecordPartState PartOf(string counselorId) => S.Parts.GetValueOrDefault(counselorId) ?? new RecordPartState();

    private void Keep(string counselorId, RecordPartState part)
    {
        if (S.Parts.TryAdd(counselorId, part))
        {
            S.PartOrder.Add(counselorId);
        }
    }

    private ContactRecordView View(string counselorId)
    {
        var part = PartOf(counselorId);
        return new ContactRecordView(CallId, part.Status, part.Record, counselorId, part.SavedAt, [.. part.Amendments]);
    }
}
