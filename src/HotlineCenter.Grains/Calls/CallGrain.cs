using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Callers;
using HotlineCenter.Grains.Caseload;
using HotlineCenter.Grains.Routing;
using HotlineCenter.Abstractions.Retention;
using HotlineCenter.Grains.Retention;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Calls;

/// <summary>
/// One call's life and timeline, keyed by the provider's call id. Every provider event carries a key
/// and is applied once; late or out-of-order events are recorded without undoing later facts.
/// Await order (never reversed): call → centre, call → queue, call → counsellor.
/// </summary>
public sealed class CallGrain(
    [PersistentState("call", StorageNames.Hotline)] IPersistentState<CallState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    IOptions<RoutingOptions> options,
    ILogger<CallGrain> logger,
    ICallerNumberVault? vault = null) : Grain, ICallGrain, IRemindable
{
    private const string CallbackRetryReminder = "callback-retry";

    /// <summary>Re-activates a call whose keep-place callback dial was queued but not confirmed (its node may be lost).</summary>
    private const string CallbackDialReminder = "callback-dial";
    private const int TimelineMax = 200;
    private const int AppliedKeysMax = 500;

    private IGrainTimer? _callbackRetryTimer;

    /// <summary>This activation queued the current callback dial (a new activation that finds it unconfirmed dials again).</summary>
    private bool _callbackDialQueuedHere;

    private string Id => this.GetPrimaryKeyString();

    private CallState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmCallbackRetryTimer();
        if (NumberReseal.Resealed(vault, S.Caller) is { } resealed)
        {
            // A key rotation: the number is sealed again under the current key, so the old key can be retired.
            S.Caller = resealed;
            await state.WriteStateAsync(cancellationToken);
            logger.LogInformation("Call {CallId}: caller number re-sealed under key {KeyId}", Id, vault!.CurrentKeyId);
        }

        if (CallbackDialUnconfirmed)
        {
            // Once, just after activation: the dial queued by the activation before this one may have died with its node.
            this.RegisterGrainTimer(RedialLostCallbackAsync, new GrainTimerCreationOptions(options.Value.TickInterval, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>A keep-place callback dial was started (counsellor connected) and the provider has not confirmed taking it.</summary>
    private bool CallbackDialUnconfirmed =>
        S.Status == CallStatus.Connected && S.CallbackDials > 0 && !S.CallbackAnswered && S.CallbackPlacedDial < S.CallbackDials && S.Caller is not null && S.CounselorId is not null;

    /// <summary>
    /// The callback dial was saved but never confirmed by the provider, and not queued by this activation: the node that
    /// queued it was lost (its command queue with it), so it is queued again. The counsellor is waiting on the line.
    /// </summary>
    private async Task RedialLostCallbackAsync()
    {
        if (!CallbackDialUnconfirmed || _callbackDialQueuedHere)
        {
            return;
        }

        _callbackDialQueuedHere = true;
        logger.LogWarning("Call {CallId}: callback dial {Dial} was never confirmed by the provider; dialling again", Id, S.CallbackDials);
        await SafeTelephonyAsync(ct => telephony.CallBackCallerAsync(Id, S.Caller!, S.CounselorId!, ct));
    }

    public async Task NoteCallbackPlacedAsync()
    {
        if (!CallbackDialUnconfirmed)
        {
            return;
        }

        S.CallbackPlacedDial = S.CallbackDials;
        await SaveAsync();
        await DropReminderAsync(CallbackDialReminder);
    }

    private async Task DropReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<CallInstruction> ArriveAsync(CallArrival arrival)
    {
        RequireKey(arrival.EventKey);
        if (S.Status != CallStatus.New || S.AppliedKeys.Contains(arrival.EventKey))
        {
            return CurrentInstruction();
        }

        Keys.RequireId(arrival.CentreId, "centre");
        var config = await GetCentreConfigAsync(arrival.CentreId);
        var now = time.Now;
        RegionRoute? route = null;
        if (config.IsProvincial)
        {
            // A call to the province's number: the centre of the caller's city answers it, when open and staffed.
            route = await RouteByRegionAsync(arrival.CentreId, config, arrival.Caller.NumberRegion, now);
            if (route.CentreId != arrival.CentreId)
            {
                config = await GetCentreConfigAsync(route.CentreId);
            }
        }

        S.CentreId = route?.CentreId ?? arrival.CentreId;
        S.Provider = arrival.Provider;

        // Where the number is registered is counted (local or out-of-area) and not kept.
        var origin = CallerOriginRules.Classify(arrival.Caller.NumberRegion, config.Province, config.City);
        S.Caller = arrival.Caller with { NumberRegion = null };
        S.ArrivedAt = now;
        S.Status = CallStatus.InIvr;
        MarkApplied(arrival.EventKey);
        Record(TimelineKind.Arrived, detail: arrival.Provider);
        if (route is not null)
        {
            Record(TimelineKind.RoutedByRegion, detail: $"{arrival.CentreId} → {route.CentreId}: {route.Reason}");
        }

        await SaveAsync();
        Count(CallOutcome.Received, 0);
        Count(CallOutcome.CallerOrigin, 0, origin);

        // The day's retention index: how the purge finds this call (and its record, case and follow-up) by date.
        _ = GrainFactory.GetGrain<IRetentionIndexGrain>(RetentionRules.DayKey(arrival.CentreId, now)).AddAsync(Id, now);
        if (Keys.IsCallerProfileKey(arrival.Caller.CallerHash))
        {
            _ = GrainFactory.GetGrain<ICallerGrain>(arrival.Caller.CallerHash).CallArrivedAsync(Id, now);
        }

        logger.LogInformation("Call {CallId} arrived at centre {CentreId} via {Provider}", Id, S.CentreId, arrival.Provider);
        HotlineMetrics.CallsArrived.Add(1, new System.Diagnostics.TagList { { "centre", S.CentreId }, { "provider", arrival.Provider } });
        return CurrentInstruction();
    }

    public async Task<CallInstruction> ChooseAsync(IvrChoice choice)
    {
        RequireKey(choice.EventKey);
        if (S.Status == CallStatus.New)
        {
            throw new HotlineRuleException("call.unknown", $"Call {Id} has not arrived.");
        }

        if (S.Status != CallStatus.InIvr || S.AppliedKeys.Contains(choice.EventKey))
        {
            return CurrentInstruction();
        }

        var digits = choice.Digits ?? string.Empty;
        if (digits.Length > 8)
        {
            throw new HotlineRuleException("call.invalid-digits", "Menu input is longer than any option.");
        }

        var config = await GetCentreConfigAsync(S.CentreId!);
        var decision = IvrRules.Resolve(config, digits, S.MenuAttempts);
        MarkApplied(choice.EventKey);
        if (decision.Reprompt)
        {
            S.MenuAttempts++;
            Record(TimelineKind.IvrChoice, detail: decision.Detail);
            await SaveAsync();
            return CurrentInstruction() with { Kind = InstructionKind.RepeatMenu };
        }

        var caller = await ReadCallerAtMenuAsync();
        if (!decision.IsCrisis && caller.Blocked)
        {
            // A blocked caller hears the centre's message and the call ends; "I am in danger" would have got through.
            S.Status = CallStatus.Ended;
            S.EndedAt = time.Now;
            Record(TimelineKind.IvrChoice, detail: decision.Detail);
            Record(TimelineKind.CallerBlocked);
            await SaveAsync();
            logger.LogInformation("Call {CallId}: blocked caller, non-danger choice; blocked message played", Id);
            return new CallInstruction(InstructionKind.Blocked, S.CentreId!, null, null);
        }

        var highRisk = config.HighRiskCallerPriorityBoost > 0 && caller.HighRisk;
        S.IsCrisis = decision.IsCrisis;
        S.BasePriority = CallerPriority.BasePriority(decision.BasePriority, highRisk, config.HighRiskCallerPriorityBoost);
        S.RequiredSkill = decision.RequiredSkill;
        S.Language = decision.Language;
        S.QueueKey = Keys.Queue(S.CentreId!, decision.QueueId);
        S.QueuedAt = time.Now;
        Record(TimelineKind.IvrChoice, detail: decision.Detail);
        if (S.IsCrisis)
        {
            // "I am in danger": the case opens before the call waits, so the supervisor is alerted while it rings;
            // the opening is idempotent, so a retried webhook after a failure here opens the same one case.
            await OpenCrisisCaseAsync(CaseTrigger.IvrDanger, counselorId: null, "ivr", save: false);
        }

        // The queue persists the call before we do: if our write fails the webhook is retried and the
        // enqueue, being idempotent, changes nothing — the call is never in neither place.
        await GrainFactory.GetGrain<IQueueGrain>(S.QueueKey).EnqueueAsync(ToQueued());
        S.Status = CallStatus.Queued;
        Record(TimelineKind.Queued, S.QueueKey, detail: S.IsCrisis ? "crisis" : highRisk ? "high-risk-caller" : null);
        await SaveAsync();
        if (S.IsCrisis)
        {
            Count(CallOutcome.CrisisCall, 0);
        }

        logger.LogInformation("Call {CallId} queued in {QueueKey} (crisis: {IsCrisis})", Id, S.QueueKey, S.IsCrisis);
        return CurrentInstruction();
    }

    public async Task<CallSnapshot> ApplyAsync(ProviderEvent providerEvent)
    {
        RequireKey(providerEvent.EventKey);
        if (S.AppliedKeys.Contains(providerEvent.EventKey))
        {
            logger.LogDebug("Call {CallId}: duplicate event {EventKey} ignored", Id, providerEvent.EventKey);
            return Snapshot();
        }

        MarkApplied(providerEvent.EventKey);
        switch (providerEvent.Kind)
        {
            case ProviderEventKind.CallerHungUp:
                await CallerLeftAsync(providerEvent.OccurredAt);
                break;
            case ProviderEventKind.CounselorAnswered when providerEvent.CounselorId is { } counselorId:
                if (providerEvent.LegId is { } legId && S.CounselorId == counselorId)
                {
                    S.CounselorLegId = legId;
                }

                if (S.Status == CallStatus.Offered && S.CounselorId == counselorId)
                {
                    // The counsellor grain arbitrates; its one-way OnAccepted moves this call to Connected.
                    await GrainFactory.GetGrain<ICounselorGrain>(counselorId).AcceptOfferAsync(Id);
                }

                break;
            case ProviderEventKind.CounselorNoAnswer when providerEvent.CounselorId is { } counselorId:
                Record(TimelineKind.RingFailed, S.QueueKey, counselorId);
                if (S.Status is CallStatus.Offered or CallStatus.Queued or CallStatus.CallbackPending && S.QueueKey is { } ringingQueue)
                {
                    await GrainFactory.GetGrain<IQueueGrain>(ringingQueue).RingFailedAsync(Id, counselorId);
                }

                break;
            case ProviderEventKind.CounselorRingFailed when providerEvent.CounselorId is { } counselorId:
                Record(TimelineKind.RingFailed, S.QueueKey, counselorId, "not-placed");
                if (S.Status is CallStatus.Offered or CallStatus.Queued or CallStatus.CallbackPending && S.QueueKey is { } refusedIn)
                {
                    // The queue withdraws the offer (no mark on the counsellor) and re-routes; a new offer it makes
                    // reaches this call one-way, after this turn, so the reset below never undoes it.
                    await GrainFactory.GetGrain<IQueueGrain>(refusedIn).RingNotPlacedAsync(Id, counselorId);
                    if (S.Status == CallStatus.Offered && S.CounselorId == counselorId)
                    {
                        S.Status = CallStatus.Queued;
                        S.CounselorId = null;
                    }
                }

                break;
            case ProviderEventKind.CounselorHungUp when providerEvent.CounselorId is { } counselorId:
                if (S.Status == CallStatus.Connected && S.CounselorId == counselorId && S.TakenOverBy is null)
                {
                    await RequeueAtFrontAsync(counselorId);
                }
                else
                {
                    Record(TimelineKind.ProviderEvent, counselorId: counselorId, detail: providerEvent.Kind.ToString());
                }

                break;
            case ProviderEventKind.CallbackAnswered:
                if (S.Status == CallStatus.Connected && S.CallbackDials > 0 && !S.CallbackAnswered)
                {
                    S.CallbackAnswered = true;
                    Record(TimelineKind.CallbackAnswered, S.QueueKey, S.CounselorId, $"dial {S.CallbackDials}");
                    Count(CallOutcome.Answered, S.WaitSeconds ?? 0);
                    Count(CallOutcome.CallbackDone, 0);
                }

                break;
            case ProviderEventKind.CallbackNotAnswered:
                if (S.Status == CallStatus.Connected && S.CallbackDials > 0 && !S.CallbackAnswered)
                {
                    await CallbackNotAnsweredAsync();
                }

                break;
            case ProviderEventKind.Held:
                Record(TimelineKind.Held, counselorId: providerEvent.CounselorId);
                break;
            case ProviderEventKind.Resumed:
                Record(TimelineKind.Resumed, counselorId: providerEvent.CounselorId);
                break;
            default:
                Record(TimelineKind.ProviderEvent, counselorId: providerEvent.CounselorId, detail: providerEvent.Kind.ToString());
                break;
        }

        await SaveAsync();
        return Snapshot();
    }

    public async Task<CallInstruction> RequestCallbackAsync(string eventKey)
    {
        RequireKey(eventKey);
        if (S.AppliedKeys.Contains(eventKey) || S.Status == CallStatus.CallbackPending)
        {
            return CurrentInstruction();
        }

        if (S.Status is not (CallStatus.Queued or CallStatus.Offered) || S.Caller?.EncryptedNumber is null)
        {
            throw new HotlineRuleException("call.callback-unavailable", $"Call {Id} cannot be called back now (status {S.Status}).");
        }

        MarkApplied(eventKey);
        await GrainFactory.GetGrain<IQueueGrain>(S.QueueKey!).MarkCallbackAsync(Id);
        S.Status = CallStatus.CallbackPending;
        Record(TimelineKind.CallbackRequested, S.QueueKey);
        await SaveAsync();
        Count(CallOutcome.CallbackRequested, 0);
        logger.LogInformation("Call {CallId} keeps its place in {QueueKey} for a callback", Id, S.QueueKey);
        return CurrentInstruction();
    }

    public async Task<CallSnapshot> ApplyRecordingAsync(RecordingInfo recording, string eventKey)
    {
        RequireKey(eventKey);
        if (S.AppliedKeys.Contains(eventKey))
        {
            return Snapshot();
        }

        MarkApplied(eventKey);
        S.Recordings.RemoveAll(r => r.RecordingSid == recording.RecordingSid);
        S.Recordings.Add(recording);
        Record(TimelineKind.Recording, detail: $"{recording.RecordingSid} {recording.Status}");
        await SaveAsync();
        return Snapshot();
    }

    public async Task<CallSnapshot> EndByCounselorAsync(string counselorId)
    {
        if (S.Status is CallStatus.Ended or CallStatus.Abandoned)
        {
            return Snapshot();
        }

        if (S.Status != CallStatus.Connected || S.CounselorId != counselorId)
        {
            throw new HotlineRuleException("call.not-connected", $"Call {Id} is not connected to counsellor {counselorId}.");
        }

        await EndConnectedAsync(time.Now, "counsellor");

        // The caller is still on the line: where the centre asks, they rate the service before the call ends
        // (never after a crisis call, nor of a caller without a number, who could not be told apart from others).
        var config = await GrainFactory.GetGrain<ICentreGrain>(S.CentreId!).GetConfigAsync();
        var survey = config?.SatisfactionSurvey == true && !S.IsCrisis && Keys.IsCallerProfileKey(S.Caller?.CallerHash);
        if (survey)
        {
            S.SurveyAsked = true;
            Record(TimelineKind.SatisfactionSurvey, S.QueueKey);
        }

        await SaveAsync();
        await SafeTelephonyAsync(ct => survey ? telephony.AskSatisfactionAsync(Id, ct) : telephony.HangUpAsync(Id, ct));
        return Snapshot();
    }

    public async Task<CallSnapshot> RateServiceAsync(int rating, string eventKey)
    {
        RequireKey(eventKey);
        if (rating is < 1 or > 5)
        {
            throw new HotlineRuleException("call.invalid-rating", "A satisfaction rating is a key from 1 to 5.");
        }

        if (!S.SurveyAsked || S.IsCrisis)
        {
            throw new HotlineRuleException("call.not-surveyed", $"Call {Id} was not asked the satisfaction question.");
        }

        if (S.SatisfactionRating is not null || S.AppliedKeys.Contains(eventKey))
        {
            return Snapshot();
        }

        MarkApplied(eventKey);
        S.SatisfactionRating = rating;
        Record(TimelineKind.SatisfactionSurvey, S.QueueKey, detail: $"rated {rating}");
        await SaveAsync();
        Count(CallOutcome.Satisfaction, rating);
        logger.LogInformation("Call {CallId} rated {Rating} by its caller", Id, rating);
        return Snapshot();
    }

    public Task<CallSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task<string?> GetCallerKeyForAsync(string staffId)
    {
        RequireStaffOnCall(staffId);
        return Task.FromResult(S.Caller?.CallerHash is { } hash && Keys.IsCallerProfileKey(hash) ? hash : null);
    }

    public async Task<CallSnapshot> DeclareCrisisAsync(string counselorId)
    {
        if (S.Status != CallStatus.Connected || S.CounselorId != counselorId)
        {
            throw new HotlineRuleException("call.not-connected", $"Call {Id} is not connected to counsellor {counselorId}.");
        }

        if (!S.Timeline.Any(t => t.Kind == TimelineKind.CrisisDeclared))
        {
            S.IsCrisis = true;
            Record(TimelineKind.CrisisDeclared, S.QueueKey, counselorId);
            await SaveAsync();
            Count(CallOutcome.CrisisCall, 0);
            logger.LogWarning("Call {CallId}: crisis declared by counsellor {CounselorId}", Id, counselorId);
        }

        await OpenCrisisCaseAsync(CaseTrigger.CrisisButton, counselorId, counselorId, save: true);

        // The caseload's older crisis list is still fed (its grain tests read it); screens read the crisis index.
        await GrainFactory.GetGrain<ICaseloadGrain>(S.CentreId!).OpenCrisisAsync(new CrisisItem(
            Id, counselorId, S.Caller?.MaskedNumber, Abstractions.Records.RiskLevel.NotAssessed, CrisisSource.Declared, time.Now));
        return Snapshot();
    }

    public Task<CallerRef?> GetCallerRefForAsync(string staffId)
    {
        RequireStaffOnCall(staffId);
        return Task.FromResult(S.Caller);
    }

    public Task<CallerRef?> GetCallerRefForUnmaskAsync() => Task.FromResult(S.Caller);

    public async Task NoteCrisisAsync(TimelineKind kind, string staffId, string detail)
    {
        RequireStaffOnCall(staffId);
        if (kind is not (TimelineKind.RiskAssessed or TimelineKind.CrisisCaseOpened) || string.IsNullOrWhiteSpace(detail) || detail.Length > 200)
        {
            throw new HotlineRuleException("call.invalid-note", "Only risk assessments and crisis case openings, with a detail of 1–200 characters, are noted here.");
        }

        // A case opened by the assessment makes this a crisis call, as the crisis button does: the wallboard, the
        // statistics and the counsellor's case panel follow the call's flag.
        if (kind == TimelineKind.CrisisCaseOpened)
        {
            S.IsCrisis = true;
        }

        Record(kind, S.QueueKey, staffId, detail);
        await SaveAsync();
        if (S.IsCrisis)
        {
            Count(CallOutcome.CrisisCall, 0);
        }
    }

    private void RequireStaffOnCall(string staffId)
    {
        if (!IsStaffOnCall(staffId))
        {
            throw new HotlineRuleException("call.not-yours", "Only the staff member on this call sees its caller.");
        }
    }

    /// <summary>
    /// Offered to, connected to, taken over by, or connected earlier to a counsellor whose leg dropped (the caller was
    /// re-queued): each of them writes their part of the record and may read the caller for it.
    /// </summary>
    private bool IsStaffOnCall(string staffId) =>
        !string.IsNullOrEmpty(staffId)
        && (S.CounselorId == staffId || S.TakenOverBy == staffId || S.Counselors.Contains(staffId)
            || S.Timeline.Any(t => t.Kind is TimelineKind.Connected or TimelineKind.CallbackDialled && t.CounselorId == staffId));

    /// <summary>Opens (idempotently) the call's one crisis case and time-stamps it on the timeline the first time.</summary>
    /// <param name="save">False on the IVR path: the entry is saved with the queued call, so a failed enqueue leaves the event unapplied for its retry.</param>
    private async Task OpenCrisisCaseAsync(CaseTrigger trigger, string? counselorId, string by, bool save)
    {
        await GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(Id)).OpenAsync(
            new CaseOpening(Id, S.CentreId!, trigger, counselorId, S.Caller, Facts: null, Person: null, by));
        if (!S.Timeline.Any(t => t.Kind == TimelineKind.CrisisCaseOpened))
        {
            Record(TimelineKind.CrisisCaseOpened, S.QueueKey, counselorId, trigger.ToString());
            if (save)
            {
                await SaveAsync();
            }
        }
    }

    public async Task<CallSnapshot> MoveToQueueAsync(string targetQueueKey, string supervisorId)
    {
        Keys.RequireId(supervisorId, "supervisor");
        var (targetCentre, _) = Keys.ParseQueue(targetQueueKey);
        if (targetCentre != S.CentreId)
        {
            throw new HotlineRuleException("call.move-other-centre", "A waiting call moves within its own centre; overflow reaches other centres.");
        }

        if (S.Status is not (CallStatus.Queued or CallStatus.CallbackPending))
        {
            throw new HotlineRuleException("call.not-waiting", $"Call {Id} is {S.Status}; only a waiting call can be moved.");
        }

        if (S.QueueKey == targetQueueKey)
        {
            return Snapshot();
        }

        var from = S.QueueKey!;

        // Into the target first, out of the source second: at every moment the call is in a queue.
        await GrainFactory.GetGrain<IQueueGrain>(targetQueueKey).EnqueueAsync(ToQueued());
        S.QueueKey = targetQueueKey;
        Record(TimelineKind.Moved, targetQueueKey, detail: $"from {from} by {supervisorId}");
        await SaveAsync();
        await GrainFactory.GetGrain<IQueueGrain>(from).RemoveAsync(Id, QueueExit.Moved);
        logger.LogInformation("Call {CallId} moved from {QueueKey} to {TargetQueueKey} by {SupervisorId}", Id, from, targetQueueKey, supervisorId);
        return Snapshot();
    }

    public async Task<BlockedCaller> BlockCallerAsync(string supervisorId, string reason, int days)
    {
        Keys.RequireId(supervisorId, "supervisor");
        if (S.Status == CallStatus.New || S.CentreId is null)
        {
            throw new HotlineRuleException("call.unknown", $"Call {Id} has not arrived.");
        }

        var hash = S.Caller?.CallerHash;
        var withheld = hash is null || !Keys.IsCallerProfileKey(hash);
        if (BlockRules.Problem(reason, days, withheld) is { } problem)
        {
            throw new HotlineRuleException(problem, "The block cannot be set: " + problem);
        }

        var block = new CallerBlock(reason.Trim(), supervisorId, time.Now, time.Now.AddDays(days), Id);
        var entry = new BlockedCaller(Id, S.Caller!.MaskedNumber, block);
        await GrainFactory.GetGrain<ICallerGrain>(hash!).BlockAsync(block);
        await GrainFactory.GetGrain<IBlockListGrain>(S.CentreId).AddAsync(hash!, entry);
        Record(TimelineKind.CallerBlockSet, S.QueueKey, detail: $"{supervisorId} until {block.Until:O}");
        await SaveAsync();
        logger.LogInformation("Call {CallId}: caller blocked by supervisor {SupervisorId} for {Days} days", Id, supervisorId, days);
        return entry;
    }

    public async Task<CallSnapshot> TakeOverAsync(string supervisorId)
    {
        Keys.RequireId(supervisorId, "supervisor");
        if (S.Status != CallStatus.Connected || S.CounselorId is not { } counselorId)
        {
            throw new HotlineRuleException("call.not-connected", $"Call {Id} is {S.Status}; only a connected call can be taken over.");
        }

        if (S.TakenOverBy is not null)
        {
            return Snapshot();
        }

        S.TakenOverBy = supervisorId;
        Record(TimelineKind.TakenOver, S.QueueKey, counselorId, detail: supervisorId);
        await SaveAsync();
        await GrainFactory.GetGrain<ICounselorGrain>(counselorId).CallEndedAsync(Id, await EndFactsAsync());
        await SafeTelephonyAsync(ct => telephony.StopRingingAsync(Id, counselorId, ct));
        logger.LogWarning("Call {CallId} taken over from counsellor {CounselorId} by supervisor {SupervisorId}", Id, counselorId, supervisorId);
        return Snapshot();
    }

    public async Task NoteConferenceAsync(string conferenceSid)
    {
        if (!IsConferenceSid(conferenceSid))
        {
            throw new HotlineRuleException("call.invalid-conference", "A conference id is CF followed by 32 hex characters.");
        }

        if (S.ConferenceSid == conferenceSid)
        {
            return;
        }

        // A different one is newer: the caller's conference ends when they hang up for a callback, and the callback opens another.
        S.ConferenceSid = conferenceSid;
        await state.WriteStateAsync();
    }

    public async Task ConferenceEndedAsync(string conferenceSid)
    {
        if (S.ConferenceSid is null || S.ConferenceSid != conferenceSid)
        {
            return;
        }

        S.ConferenceSid = null;
        await state.WriteStateAsync();
    }

    public async Task<bool> ClaimCallbackOfferAsync()
    {
        if (S.CallbackOffered || S.Status != CallStatus.Queued || S.Caller?.EncryptedNumber is null || S.QueuedAt is not { } queuedAt || S.CentreId is null)
        {
            return false;
        }

        var config = await GetCentreConfigAsync(S.CentreId);
        if (config.CallbackOfferAfterSeconds <= 0 || time.Now - queuedAt < TimeSpan.FromSeconds(config.CallbackOfferAfterSeconds))
        {
            return false;
        }

        S.CallbackOffered = true;
        await state.WriteStateAsync();
        logger.LogInformation("Call {CallId}: keep-place callback offered after {WaitSeconds:F0} s", Id, (time.Now - queuedAt).TotalSeconds);
        return true;
    }

    private static bool IsConferenceSid(string? value) =>
        value is { Length: 34 } && value.StartsWith("CF", StringComparison.Ordinal) && value[2..].All(char.IsAsciiHexDigit);

    public async Task OnOfferedAsync(string queueKey, string counselorId)
    {
        if (S.QueueKey != queueKey || S.Status is not (CallStatus.Queued or CallStatus.CallbackPending))
        {
            return;
        }

        // A callback stays CallbackPending while the counsellor is rung: the caller is not on the line.
        S.Status = S.Status == CallStatus.CallbackPending ? CallStatus.CallbackPending : CallStatus.Offered;
        S.CounselorId = counselorId;
        Record(TimelineKind.Offered, queueKey, counselorId);

        // The queue already saved this offer and is the authority on it; the call's copy is saved with
        // its next change, which keeps one Redis write off the busiest path.
        PublishSummary();
        await Task.CompletedTask;
    }

    public async Task OnOfferLapsedAsync(string queueKey, string counselorId, bool declined)
    {
        // After a restart the call may not remember the (unsaved) offer; the queue does, so record the lapse anyway.
        if (S.QueueKey != queueKey
            || S.Status is not (CallStatus.Offered or CallStatus.Queued or CallStatus.CallbackPending)
            || (S.Status == CallStatus.Offered && S.CounselorId != counselorId))
        {
            return;
        }

        S.Status = S.Status == CallStatus.CallbackPending ? CallStatus.CallbackPending : CallStatus.Queued;
        S.CounselorId = null;
        Record(declined ? TimelineKind.OfferDeclined : TimelineKind.OfferTimedOut, queueKey, counselorId);
        await SaveAsync();
    }

    public async Task OnAcceptedAsync(string counselorId)
    {
        if (S.Status is CallStatus.Ended or CallStatus.Abandoned || (S.Status == CallStatus.Connected && S.CounselorId != counselorId))
        {
            // The caller left (or someone else has the call) while this counsellor was accepting:
            // release them into wrap-up instead of leaving them on a call that does not exist.
            Record(TimelineKind.Ended, counselorId: counselorId, detail: "accepted-after-caller-left");
            await SaveAsync();
            await GrainFactory.GetGrain<ICounselorGrain>(counselorId).CallEndedAsync(Id);
            return;
        }

        if (S.Status == CallStatus.Connected)
        {
            return;
        }

        var now = time.Now;
        var callback = S.Status == CallStatus.CallbackPending;
        S.Status = CallStatus.Connected;
        S.CounselorId = counselorId;
        S.ConnectedAt = now;
        S.WaitSeconds ??= S.QueuedAt is { } q ? (now - q).TotalSeconds : null;
        if (!S.Counselors.Contains(counselorId))
        {
            S.Counselors.Add(counselorId);
        }

        if (callback)
        {
            S.CallbackDials++;

            // Before the save: a node lost between the save and the provider taking the dial leaves this to dial again.
            await this.RegisterOrUpdateReminder(CallbackDialReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        }

        Record(callback ? TimelineKind.CallbackDialled : TimelineKind.Connected, S.QueueKey, counselorId, callback ? $"dial {S.CallbackDials}" : null);
        await SaveAsync();
        if (S.Timeline.Any(t => t.Kind == TimelineKind.CrisisCaseOpened))
        {
            // The IVR opened the case before anyone answered: now it knows its counsellor.
            _ = GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(Id)).CounselorAssignedAsync(counselorId);
        }

        if (callback)
        {
            // A callback counts as answered when the caller picks up (CallbackAnswered), not when the counsellor does.
            _callbackDialQueuedHere = true;
            await SafeTelephonyAsync(ct => telephony.CallBackCallerAsync(Id, S.Caller!, counselorId, ct));
        }
        else
        {
            Count(CallOutcome.Answered, S.WaitSeconds ?? 0);
            await SafeTelephonyAsync(ct => telephony.ConnectCounselorAsync(Id, counselorId, ct));
        }

        logger.LogInformation("Call {CallId} connected to counsellor {CounselorId}", Id, counselorId);
    }

    public async Task OnOverflowAsync(string fromQueueKey, string targetQueueKey)
    {
        if (S.QueueKey != fromQueueKey)
        {
            return;
        }

        var source = GrainFactory.GetGrain<IQueueGrain>(fromQueueKey);
        if (S.Status is not (CallStatus.Queued or CallStatus.CallbackPending))
        {
            // Not movable now; the source must not keep the call parked waiting for a move that will not come.
            await source.OverflowFailedAsync(Id, $"call-{S.Status}".ToLowerInvariant());
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IQueueGrain>(targetQueueKey).EnqueueAsync(ToQueued());
        }
        catch (HotlineRuleException ex)
        {
            Record(TimelineKind.OverflowUnavailable, fromQueueKey, detail: $"{targetQueueKey}: {ex.Code}");
            await SaveAsync();
            await source.OverflowFailedAsync(Id, ex.Code);
            logger.LogWarning("Call {CallId} could not overflow from {QueueKey} to {TargetQueueKey}: {Code}", Id, fromQueueKey, targetQueueKey, ex.Code);
            return;
        }

        // Enqueued in the target first, removed from the source second: at every moment the call is in a queue.
        S.QueueKey = targetQueueKey;
        Record(TimelineKind.Overflowed, targetQueueKey, detail: $"from {fromQueueKey}");
        await SaveAsync();
        await source.RemoveAsync(Id, QueueExit.Overflowed);
        logger.LogWarning("Call {CallId} overflowed from {QueueKey} to {TargetQueueKey}", Id, fromQueueKey, targetQueueKey);
    }

    public async Task OnTransferToBackupAsync(string fromQueueKey, string number)
    {
        if (S.QueueKey != fromQueueKey)
        {
            return;
        }

        var source = GrainFactory.GetGrain<IQueueGrain>(fromQueueKey);
        if (S.Status != CallStatus.Queued)
        {
            // Ringing someone, or a kept place whose caller hung up: nothing to transfer now; the queue tries again later.
            await source.OverflowFailedAsync(Id, $"call-{S.Status}".ToLowerInvariant());
            return;
        }

        try
        {
            // The provider first: only a transfer it accepted takes the call out of the queue, so it is never dropped.
            await telephony.TransferToNumberAsync(Id, number, CancellationToken.None);
        }
        catch (Exception ex) when (ex is TelephonyRefusedException or NotSupportedException)
        {
            var code = ex is TelephonyRefusedException refused ? refused.ProviderCode ?? refused.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "not-supported";
            Record(TimelineKind.OverflowUnavailable, fromQueueKey, detail: $"backup: {code}");
            await SaveAsync();
            await source.OverflowFailedAsync(Id, "backup-refused");
            logger.LogWarning("Call {CallId} could not be transferred to the backup number from {QueueKey}: {Code}", Id, fromQueueKey, code);
            return;
        }

        var now = time.Now;
        S.Status = CallStatus.Ended;
        S.EndedAt = now;
        S.WaitSeconds = S.QueuedAt is { } queued ? (now - queued).TotalSeconds : null;
        Record(TimelineKind.Transferred, fromQueueKey, detail: "backup-number");
        await SaveAsync();
        await source.RemoveAsync(Id, QueueExit.TransferredToBackup);
        logger.LogWarning("Call {CallId} transferred from {QueueKey} to the backup number", Id, fromQueueKey);
    }

    public async Task TransferFailedAsync()
    {
        var last = S.Timeline.LastOrDefault(t => t.Kind is TimelineKind.Transferred or TimelineKind.OverflowUnavailable);
        if (S.Status != CallStatus.Ended || last is not { Kind: TimelineKind.Transferred, Detail: "backup-number", QueueKey: { } queueKey })
        {
            return;
        }

        // Back at the front of the queue it left; the queue may try the transfer again after its retry interval.
        await GrainFactory.GetGrain<IQueueGrain>(queueKey).EnqueueAsync(ToQueued() with { AtFront = true });
        S.Status = CallStatus.Queued;
        S.EndedAt = null;
        S.QueueKey = queueKey;
        Record(TimelineKind.OverflowUnavailable, queueKey, detail: "backup: failed");
        await SaveAsync();
        logger.LogWarning("Call {CallId}: the transfer to the backup number failed; back in {QueueKey}", Id, queueKey);
    }

    /// <summary>
    /// Reads what region routing needs (the province's city centres, then the matched one's signed-in counsellors) and lets
    /// <see cref="RegionRouting"/> decide. Call → centre and call → counsellor are edges of the graph; a failed read sends the
    /// call to the provincial centre, never nowhere.
    /// </summary>
    private async Task<RegionRoute> RouteByRegionAsync(string provincialId, CentreConfig provincial, string? region, DateTimeOffset now)
    {
        try
        {
            var ids = provincial.ReportsForCentres.IsDefault ? [] : provincial.ReportsForCentres;
            var configs = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<ICentreGrain>(id).GetConfigAsync()));
            var cities = configs.Where(c => c is not null && !c.IsProvincial)
                .Select(c => new CityCentre(c!.CentreId, c.Province, c.City, c.OpeningHours)).ToList();
            if (RegionRouting.MatchCity(region, cities) is { } match && RegionRouting.IsOpen(match.Hours, now))
            {
                var roster = await GrainFactory.GetGrain<ICentreGrain>(match.CentreId).GetRosterAsync();
                var presence = await Task.WhenAll(roster.Select(c => GrainFactory.GetGrain<ICounselorGrain>(c).GetAsync()));
                var signedIn = presence.Count(p => p.State != PresenceState.Offline);
                cities[cities.IndexOf(match)] = match with { SignedIn = signedIn };
            }

            return RegionRouting.Decide(provincialId, region, cities, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Call {CallId}: region routing failed; the provincial centre {CentreId} answers", Id, provincialId);
            return new RegionRoute(provincialId, "routing-failed");
        }
    }

    public async Task OnOverflowUnavailableAsync(string queueKey, string reason)
    {
        var last = S.Timeline.LastOrDefault();
        if (last is { Kind: TimelineKind.OverflowUnavailable } && last.Detail == reason)
        {
            return;
        }

        Record(TimelineKind.OverflowUnavailable, queueKey, detail: reason);
        await SaveAsync();
    }

    /// <summary>
    /// The caller did not pick up the keep-place callback: the counsellor is released, and the call waits out the centre's
    /// spacing outside the queue, then goes back in at its old place for the next dial; after the last dial it is recorded
    /// as abandoned (呼损) with a failed-callback alert to the supervisor.
    /// </summary>
    private async Task CallbackNotAnsweredAsync()
    {
        var counselorId = S.CounselorId!;
        var config = await GetCentreConfigAsync(S.CentreId!);
        await GrainFactory.GetGrain<ICounselorGrain>(counselorId).CallEndedAsync(Id);
        var now = time.Now;
        if (S.CallbackDials < FollowUpRules.CallbackAttempts(config))
        {
            S.Status = CallStatus.CallbackPending;
            S.CounselorId = null;
            S.CallbackRetryAt = now + FollowUpRules.CallbackRetry(config);
            Record(TimelineKind.CallbackNotAnswered, S.QueueKey, counselorId, $"dial {S.CallbackDials}; retry at {S.CallbackRetryAt:O}");
            await this.RegisterOrUpdateReminder(CallbackRetryReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
            ArmCallbackRetryTimer();
            logger.LogInformation("Call {CallId}: callback dial {Dial} not answered; retried later", Id, S.CallbackDials);
            return;
        }

        S.Status = CallStatus.Abandoned;
        S.EndedAt = now;
        S.CounselorId = null;
        Record(TimelineKind.CallbackNotAnswered, S.QueueKey, counselorId, $"dial {S.CallbackDials}");
        Record(TimelineKind.CallbackFailed, S.QueueKey, detail: $"{S.CallbackDials} dials");
        Count(CallOutcome.Abandoned, S.WaitSeconds ?? 0);
        _ = GrainFactory.GetGrain<ICentreAlertsGrain>(S.CentreId!).RaiseAsync(new AlertRaise($"callback-failed-{Id}", AlertKind.CallbackFailed, Critical: true, CallId: Id));
        logger.LogWarning("Call {CallId}: keep-place callback failed after {Dials} dials", Id, S.CallbackDials);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == CallbackDialReminder)
        {
            if (CallbackDialUnconfirmed)
            {
                await RedialLostCallbackAsync();
            }
            else
            {
                await DropReminderAsync(CallbackDialReminder);
            }

            return;
        }

        if (S.CallbackRetryAt is null)
        {
            if (await this.GetReminder(CallbackRetryReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        ArmCallbackRetryTimer();
        await RetryCallbackIfDueAsync();
    }

    private void ArmCallbackRetryTimer()
    {
        if (S.CallbackRetryAt is not null && _callbackRetryTimer is null)
        {
            _callbackRetryTimer = this.RegisterGrainTimer(RetryCallbackIfDueAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });
        }
    }

    /// <summary>Back into the queue with its original wait, as a callback, once the spacing has passed on the domain clock.</summary>
    private async Task RetryCallbackIfDueAsync()
    {
        if (S.CallbackRetryAt is not { } at || time.Now < at)
        {
            return;
        }

        if (S.Status == CallStatus.CallbackPending && S.QueueKey is { } queueKey)
        {
            await GrainFactory.GetGrain<IQueueGrain>(queueKey).EnqueueAsync(ToQueued());
            Record(TimelineKind.Queued, queueKey, detail: $"callback retry {S.CallbackDials + 1}");
        }

        S.CallbackRetryAt = null;
        await SaveAsync();
        _callbackRetryTimer?.Dispose();
        _callbackRetryTimer = null;
        if (await this.GetReminder(CallbackRetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>The counsellor's leg dropped while the caller is still there: back to the front of the queue.</summary>
    private async Task RequeueAtFrontAsync(string counselorId)
    {
        await GrainFactory.GetGrain<ICounselorGrain>(counselorId).CallEndedAsync(Id);
        S.Status = CallStatus.Queued;
        S.CounselorId = null;
        Record(TimelineKind.Requeued, S.QueueKey, counselorId);
        await GrainFactory.GetGrain<IQueueGrain>(S.QueueKey!).EnqueueAsync(ToQueued() with { AtFront = true });
        logger.LogWarning("Call {CallId}: counsellor {CounselorId} dropped; caller back at the front of {QueueKey}", Id, counselorId, S.QueueKey);
    }

    private async Task CallerLeftAsync(DateTimeOffset occurredAt)
    {
        switch (S.Status)
        {
            case CallStatus.CallbackPending:
                // Expected: the caller hangs up after asking for a callback; the place is kept.
                break;
            case CallStatus.Connected:
                await EndConnectedAsync(occurredAt, "caller");
                break;
            case CallStatus.Queued or CallStatus.Offered:
                await GrainFactory.GetGrain<IQueueGrain>(S.QueueKey!).RemoveAsync(Id, QueueExit.Abandoned);
                Abandon(occurredAt);
                Count(CallOutcome.Abandoned, S.WaitSeconds ?? 0);
                logger.LogInformation("Call {CallId} abandoned after {WaitSeconds:F0} s in {QueueKey}", Id, S.WaitSeconds, S.QueueKey);
                break;
            case CallStatus.InIvr:
                // Hung up in the menu: 呼损 too, counted apart as the menu's.
                Abandon(occurredAt);
                Count(CallOutcome.Abandoned, 0);
                Count(CallOutcome.AbandonedInIvr, 0);
                break;
            case CallStatus.New:
                Abandon(occurredAt);
                break;
        }
    }

    private void Abandon(DateTimeOffset occurredAt)
    {
        var at = Later(occurredAt);
        S.Status = CallStatus.Abandoned;
        S.EndedAt = at;
        S.WaitSeconds = S.QueuedAt is { } q ? Math.Max(0, (at - q).TotalSeconds) : 0;
        S.CounselorId = null;
        Record(TimelineKind.Abandoned, S.QueueKey, detail: $"wait {S.WaitSeconds:F0}s");
    }

    private async Task EndConnectedAsync(DateTimeOffset occurredAt, string by)
    {
        S.Status = CallStatus.Ended;
        S.EndedAt = Later(occurredAt);
        Record(TimelineKind.Ended, S.QueueKey, S.CounselorId, detail: by);
        Count(CallOutcome.Handled, S.ConnectedAt is { } connected ? Math.Max(0, (S.EndedAt.Value - connected).TotalSeconds) : 0);

        // Saved by the caller of this method; if that save is lost the provider re-sends the event.
        await GrainFactory.GetGrain<ICounselorGrain>(S.CounselorId!).CallEndedAsync(Id, await EndFactsAsync());
        logger.LogInformation("Call {CallId} ended by {EndedBy}", Id, by);
    }

    /// <summary>A late event must not move the clock backwards past facts already recorded.</summary>
    private DateTimeOffset Later(DateTimeOffset occurredAt)
    {
        var floor = S.ConnectedAt ?? S.QueuedAt ?? S.ArrivedAt ?? occurredAt;
        var at = occurredAt == default ? time.Now : occurredAt;
        return at < floor ? floor : at;
    }

    /// <summary>
    /// Feeds the centre's statistics for the hour the call arrived (one-way; each outcome keyed by the call, so a
    /// replayed provider event or a second counsellor's answer counts once).
    /// </summary>
    private void Count(CallOutcome outcome, double seconds, string? label = null)
    {
        if (S.CentreId is { } centreId && S.ArrivedAt is { } arrived)
        {
            Stats.Count(GrainFactory, centreId, arrived, new StatsEvent($"{Id}:{outcome}", outcome, seconds, S.IsCrisis, label));
        }
    }

    /// <summary>
    /// One read of the caller at the menu choice: whether a supervisor's block is in force and whether the centre knows
    /// them as high risk. Call → caller is a safe await: the caller grain awaits nobody. A failed read never keeps a
    /// caller from help: it counts as neither blocked nor known.
    /// </summary>
    /// <summary>How long the menu choice waits for the caller's history before answering without it.</summary>
    private static readonly TimeSpan MenuReadBudget = TimeSpan.FromSeconds(2);

    private async Task<(bool Blocked, bool HighRisk)> ReadCallerAtMenuAsync()
    {
        if (S.Caller?.CallerHash is not { } hash || !Keys.IsCallerProfileKey(hash))
        {
            return (false, false);
        }

        try
        {
            // Bounded: one caller's grain swamped (a number dialling again and again) must not hold up this caller's menu.
            var facts = await GrainFactory.GetGrain<ICallerGrain>(hash).GetMenuFactsAsync(Id).WaitAsync(MenuReadBudget);
            return (BlockRules.InForce(facts.Block, time.Now), CallerPriority.IsHighRisk(facts.Context));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Call {CallId}: the caller's history could not be read; answered as usual, without a high-risk boost", Id);
            return (false, false);
        }
    }

    /// <summary>
    /// What the counsellor leaving a conversation needs to know: a crisis call sends them into the centre's decompression.
    /// A configuration that cannot be read falls back to the default decompression rather than none.
    /// </summary>
    private async Task<CallEndFacts?> EndFactsAsync()
    {
        if (!S.IsCrisis)
        {
            return null;
        }

        try
        {
            return new CallEndFacts(true, (await GetCentreConfigAsync(S.CentreId!)).DecompressionMinutes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Call {CallId}: centre configuration unreadable at the end; default decompression", Id);
            return new CallEndFacts(true, CentreConfig.DefaultDecompressionMinutes);
        }
    }

    private async Task<CentreConfig> GetCentreConfigAsync(string centreId) =>
        await GrainFactory.GetGrain<ICentreGrain>(centreId).GetConfigAsync()
        ?? throw new HotlineRuleException("centre.unknown", $"Centre '{centreId}' is not configured.");

    private QueuedCall ToQueued() =>
        new(Id, S.IsCrisis, S.BasePriority, S.QueuedAt ?? time.Now, S.RequiredSkill, S.Language, IsCallback: S.Status == CallStatus.CallbackPending);

    private CallInstruction CurrentInstruction() => S.Status switch
    {
        CallStatus.InIvr => new CallInstruction(InstructionKind.PlayMenu, S.CentreId!, null, null),
        CallStatus.Queued or CallStatus.Offered or CallStatus.Connected =>
            new CallInstruction(InstructionKind.WaitInQueue, S.CentreId!, S.QueueKey, $"call-{Id}"),
        CallStatus.CallbackPending => new CallInstruction(InstructionKind.CallbackConfirmed, S.CentreId!, S.QueueKey, null),
        _ => new CallInstruction(InstructionKind.HangUp, S.CentreId ?? string.Empty, S.QueueKey, null),
    };

    private static void RequireKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200)
        {
            throw new HotlineRuleException("event.invalid-key", "Every provider event needs a key of 1–200 characters.");
        }
    }

    private void MarkApplied(string key)
    {
        if (S.AppliedKeys.Count >= AppliedKeysMax)
        {
            S.AppliedKeys.Clear();
        }

        S.AppliedKeys.Add(key);
    }

    private void Record(TimelineKind kind, string? queueKey = null, string? counselorId = null, string? detail = null)
    {
        if (S.Timeline.Count >= TimelineMax)
        {
            S.Timeline.RemoveAt(1);
        }

        S.Timeline.Add(new TimelineEntry(time.Now, kind, queueKey, counselorId, detail));
    }

    public async Task RecordPartSubmittedAsync(string counselorId)
    {
        if (!Keys.IsValidId(counselorId) || !S.Counselors.Contains(counselorId) || !S.PartsSubmitted.Add(counselorId))
        {
            return;
        }

        await SaveAsync();
    }

    public async Task<PurgeOutcome> PurgeAsync(DateTimeOffset cutoff)
    {
        if (S.Status == CallStatus.New && S.ArrivedAt is null)
        {
            return PurgeOutcome.Gone;
        }

        if (!RetentionRules.CallDue(S.Status, S.ArrivedAt, cutoff))
        {
            return PurgeOutcome.Kept;
        }

        if (S.Caller?.CallerHash is { } hash && Keys.IsCallerProfileKey(hash))
        {
            _ = GrainFactory.GetGrain<ICallerGrain>(hash).ForgetCallAsync(Id);
        }

        if (await this.GetReminder(CallbackRetryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _callbackRetryTimer?.Dispose();
        await state.ClearStateAsync();
        state.State = new CallState();
        logger.LogInformation("Call {CallId} purged (retention)", Id);
        DeactivateOnIdle();
        return PurgeOutcome.Purged;
    }

    public async Task RecordingsDeletedAsync(System.Collections.Immutable.ImmutableArray<string> recordingSids)
    {
        var removed = S.Recordings.RemoveAll(r => recordingSids.Contains(r.RecordingSid));
        if (removed == 0)
        {
            return;
        }

        Record(TimelineKind.Recording, detail: $"{removed} deleted (retention)");
        await SaveAsync();
        logger.LogInformation("Call {CallId}: {Count} recordings deleted (retention)", Id, removed);
    }

    /// <summary>Once nothing needs it (<see cref="RetentionRules.CallNeedsNumber"/>), the encrypted number leaves the call before the write.</summary>
    private void DropNumberWhenUnneeded()
    {
        if (S.Caller is { EncryptedNumber: not null } caller && !RetentionRules.CallNeedsNumber(S.Status, S.Counselors, S.PartsSubmitted))
        {
            S.Caller = caller with { EncryptedNumber = null };
            S.NumberDroppedAt = time.Now;
            logger.LogInformation("Call {CallId}: encrypted number dropped (no callback or record needs it)", Id);
        }
    }

    private async Task SaveAsync()
    {
        DropNumberWhenUnneeded();
        await state.WriteStateAsync();
        PublishSummary();
    }

    private void PublishSummary()
    {
        if (S.CentreId is { } centreId)
        {
            _ = GrainFactory.GetGrain<ICentreFeedGrain>(centreId).PublishCallAsync(new CallSummary(
                Id, S.Status, S.QueueKey, S.IsCrisis, S.CounselorId, S.Caller?.MaskedNumber, S.QueuedAt, S.ConnectedAt, time.Now));
        }
    }

    private Task SafeTelephonyAsync(Func<CancellationToken, Task> action) => TelephonyRequests.SendAsync(action, logger, Id);

    private CallSnapshot Snapshot() => new(
        Id, S.CentreId, S.Status, S.Caller?.MaskedNumber, S.QueueKey, S.IsCrisis, S.BasePriority, S.CounselorId,
        S.ArrivedAt, S.QueuedAt, S.ConnectedAt, S.EndedAt, S.WaitSeconds, [.. S.Timeline], [.. S.Recordings], S.CounselorLegId, S.ConferenceSid,
        S.SatisfactionRating, [.. CounselorsInTurn()]);

    /// <summary>The counsellors connected in turn; calls stored before the list existed read it off their timeline.</summary>
    private IEnumerable<string> CounselorsInTurn() =>
        S.Counselors.Count > 0
            ? S.Counselors
            : S.Timeline.Where(t => t.Kind is TimelineKind.Connected or TimelineKind.CallbackDialled && t.CounselorId is not null).Select(t => t.CounselorId!).Distinct();
}
