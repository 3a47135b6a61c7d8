using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Counselors;

/// <summary>
/// A counsellor's presence and the one place that decides which call they are reserved for.
/// It awaits its own storage and, when it becomes free with several queues, their always-interleaved candidate
/// reads (so a queue awaiting this grain never deadlocks with it); queues, calls and the feed are told one-way.
/// </summary>
public sealed class CounselorGrain(
    [PersistentState("counselor", StorageNames.Hotline)] IPersistentState<CounselorState> state,
    HotlineTime time,
    IOptions<RoutingOptions> options,
    ILogger<CounselorGrain> logger) : Grain, ICounselorGrain, IRemindable
{
    private const int RecentChangesKept = 50;
    private const int HandledKept = 100;
    private const int DebriefsKept = 20;
    private const int DebriefMaxLength = 2000;

    /// <summary>Holds the end of wrap-up and of decompression across a restart (the name predates decompression).</summary>
    private const string WrapUpReminder = "wrap-up";
    private IGrainTimer? _timer;
    private bool _leftWrapUp;

    /// <summary>The queue whose call was the most urgent for us when we became free; others are refused until then.</summary>
    private string? _preferredQueue;
    private DateTimeOffset _preferredUntil;

    /// <summary>Queues that had nothing for us after all during this spell of being Available.</summary>
    private readonly HashSet<string> _passedQueues = [];

    private string Id => this.GetPrimaryKeyString();

    private CounselorState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsureTimer();

        // Queues keep who is free in memory only; after a restart, tell them again.
        if (S.State == PresenceState.Available)
        {
            AnnounceAvailability();
        }

        return Task.CompletedTask;
    }

    public async Task SetProfileAsync(CounselorProfile profile)
    {
        Keys.RequireId(Id, "counsellor");
        if (CounselorProfileRules.Problems(profile) is { Count: > 0 } problems)
        {
            throw new HotlineRuleException("counselor.invalid-profile", string.Join("; ", problems));
        }

        if (S.Profile is not null && S.Profile.CentreId != profile.CentreId && S.State != PresenceState.Offline)
        {
            throw new HotlineRuleException("counselor.busy", "A counsellor must be Offline to move to another centre.");
        }

        var oldProfile = S.Profile;
        S.Profile = profile;
        S.Sequence++;
        if (S.StateSince == default)
        {
            S.StateSince = time.Now;
        }

        await state.WriteStateAsync();
        if (S.State == PresenceState.Available)
        {
            // The queues served may have changed: choose again among them.
            _passedQueues.Clear();
            await ChooseQueueAsync();
            EnsureTimer();
        }
        foreach (var dropped in (oldProfile?.QueueIds ?? []).Except(profile.QueueIds))
        {
            _ = GrainFactory.GetGrain<IQueueGrain>(Keys.Queue(oldProfile!.CentreId, dropped)).CounselorUnavailableAsync(Id, S.Sequence);
        }

        AnnounceAvailability();
        Publish();
    }

    public Task<CounselorSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<CounselorSnapshot> ChangePresenceAsync(PresenceState target, string reason)
    {
        RequireProfile();
        if (!PresenceRules.IsSelfServiceTarget(target))
        {
            throw new HotlineRuleException("presence.not-self-service", $"{target} is entered by the call flow, not chosen.");
        }

        if (S.State == target)
        {
            return Snapshot();
        }

        if (!PresenceRules.MayChooseFrom(S.State, target))
        {
            throw new HotlineRuleException("presence.decompression", "Decompression after a crisis call ends by itself or when a supervisor ends it.");
        }

        Move(target, string.IsNullOrWhiteSpace(reason) ? "self" : reason);
        S.Reservation = null;
        S.WrapUpUntil = null;
        S.DecompressionUntil = null;
        await SaveAndAnnounceAsync();
        return Snapshot();
    }

    public async Task<bool> TryReserveAsync(OfferTerms terms)
    {
        if (S.Profile is null || S.State != PresenceState.Available)
        {
            return false;
        }

        if (_preferredQueue is { } preferred && preferred != terms.QueueKey && !terms.BySupervisor)
        {
            // A more urgent call waits in another of our queues; that queue is offering it to us now. The choice
            // is not dropped when its window lapses but read again by the tick, so no other queue slips in between.
            logger.LogDebug("Counsellor {CounselorId} keeps itself for {QueueKey}; refused call {CallId}", Id, preferred, terms.CallId);
            return false;
        }

        Move(PresenceState.Offered, $"offer {terms.CallId}");
        S.Reservation = terms;
        S.OfferedAt = time.Now;
        S.OfferRingSeconds = terms.RingTimeoutSeconds;
        await SaveAndAnnounceAsync(exceptQueue: terms.QueueKey);
        logger.LogInformation("Counsellor {CounselorId} reserved for call {CallId} from {QueueKey}", Id, terms.CallId, terms.QueueKey);
        return true;
    }

    public async Task<CounselorSnapshot> AcceptOfferAsync(string callId)
    {
        if (S.State is PresenceState.OnCall && S.Reservation?.CallId == callId)
        {
            return Snapshot();
        }

        var terms = RequireOffer(callId);
        Move(PresenceState.OnCall, $"accepted {callId}");
        S.AcceptedCallIds.Add(callId);
        S.Handled.Add(new HandledCall(callId, terms.QueueKey, time.Now));
        if (S.Handled.Count > HandledKept)
        {
            S.Handled.RemoveAt(0);
        }

        if (S.AcceptedCallIds.Count > 20)
        {
            S.AcceptedCallIds.RemoveAt(0);
        }

        await SaveAndAnnounceAsync();
        _ = Queue(terms.QueueKey).OfferAcceptedAsync(callId, Id);
        _ = GrainFactory.GetGrain<ICallGrain>(callId).OnAcceptedAsync(Id);
        logger.LogInformation("Counsellor {CounselorId} accepted call {CallId}", Id, callId);
        return Snapshot();
    }

    public async Task<CounselorSnapshot> DeclineOfferAsync(string callId)
    {
        var terms = RequireOffer(callId);
        Move(PresenceState.Available, $"declined {callId}");
        S.Reservation = null;
        await SaveAndAnnounceAsync();
        _ = Queue(terms.QueueKey).OfferDeclinedAsync(callId, Id);
        logger.LogInformation("Counsellor {CounselorId} declined call {CallId}", Id, callId);
        return Snapshot();
    }

    public async Task<OfferTimeoutOutcome> OfferTimedOutAsync(string callId)
    {
        if (S.Reservation?.CallId != callId)
        {
            return S.AcceptedCallIds.Contains(callId) ? OfferTimeoutOutcome.AlreadyAccepted : OfferTimeoutOutcome.NotOffered;
        }

        if (S.State != PresenceState.Offered)
        {
            return OfferTimeoutOutcome.AlreadyAccepted;
        }

        Move(PresenceState.NotResponding, $"no answer {callId}");
        S.Reservation = null;
        await SaveAndAnnounceAsync();
        logger.LogWarning("Counsellor {CounselorId} did not answer call {CallId}", Id, callId);
        return OfferTimeoutOutcome.TimedOut;
    }

    public async Task PreferencePassedAsync(string queueKey)
    {
        if (S.State != PresenceState.Available || _preferredQueue != queueKey)
        {
            return;
        }

        _passedQueues.Add(queueKey);
        await ChooseQueueAsync();
        EnsureTimer();
        AnnounceAvailability();
    }

    public async Task<OfferTimeoutOutcome> RingNotPlacedAsync(string callId)
    {
        if (S.Reservation?.CallId != callId)
        {
            return S.AcceptedCallIds.Contains(callId) ? OfferTimeoutOutcome.AlreadyAccepted : OfferTimeoutOutcome.NotOffered;
        }

        if (S.State != PresenceState.Offered)
        {
            return OfferTimeoutOutcome.AlreadyAccepted;
        }

        Move(PresenceState.Available, $"ring not placed {callId}");
        S.Reservation = null;
        await SaveAndAnnounceAsync();
        logger.LogWarning("Counsellor {CounselorId} could not be rung for call {CallId}; back to Available", Id, callId);
        return OfferTimeoutOutcome.TimedOut;
    }

    public async Task CancelOfferAsync(string callId)
    {
        if (S.State != PresenceState.Offered || S.Reservation?.CallId != callId)
        {
            return;
        }

        Move(PresenceState.Available, $"offer withdrawn {callId}");
        S.Reservation = null;
        await SaveAndAnnounceAsync();
    }

    public Task<ImmutableArray<HandledCall>> GetHandledCallsAsync(DateTimeOffset since) =>
        Task.FromResult(S.Handled.Where(h => h.AcceptedAt >= since).OrderByDescending(h => h.AcceptedAt).ToImmutableArray());

    public async Task CallEndedAsync(string callId, CallEndFacts? facts = null)
    {
        if (S.State != PresenceState.OnCall || S.Reservation?.CallId != callId)
        {
            logger.LogDebug("Counsellor {CounselorId}: end of call {CallId} ignored in {State}", Id, callId, S.State);
            return;
        }

        var next = PresenceRules.AfterCall(facts);
        Move(next, $"ended {callId}");
        if (facts?.WasCrisis == true)
        {
            S.HighRiskCallsThisShift++;
        }

        // The record must outlive wrap-up: the server watches it from now until it is submitted.
        if (S.Profile?.CentreId is { } centreId)
        {
            _ = GrainFactory.GetGrain<HotlineCenter.Abstractions.Records.IContactRecordGrain>(callId).WatchAsync(Id, centreId, time.Now);
        }

        var seconds = S.Reservation.WrapUpSeconds;
        if (next == PresenceState.Decompression)
        {
            // The record is written in this time too; it is never shorter than the wrap-up it replaces.
            var minutes = TimeSpan.FromMinutes(facts!.DecompressionMinutes);
            S.DecompressionUntil = time.Now + (minutes > TimeSpan.FromSeconds(seconds) ? minutes : TimeSpan.FromSeconds(seconds));
            await this.RegisterOrUpdateReminder(WrapUpReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
            logger.LogInformation("Counsellor {CounselorId} in decompression after crisis call {CallId}", Id, callId);
        }
        else if (seconds == 0)
        {
            Move(PresenceState.Available, "no wrap-up configured");
            S.Reservation = null;
        }
        else
        {
            S.WrapUpUntil = time.Now.AddSeconds(seconds);

            // A reminder, unlike the tick timer, fires after a crash or a move to another silo.
            await this.RegisterOrUpdateReminder(WrapUpReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        }

        await SaveAndAnnounceAsync();
    }

    public async Task<CounselorSnapshot> CompleteWrapUpAsync()
    {
        if (S.State == PresenceState.Decompression)
        {
            // The record is done; the decompression time is not shortened by it.
            return Snapshot();
        }

        if (S.State != PresenceState.WrapUp)
        {
            throw new HotlineRuleException("presence.not-in-wrap-up", $"Counsellor is {S.State}, not in wrap-up.");
        }

        Move(PresenceState.Available, "wrap-up done");
        S.WrapUpUntil = null;
        S.Reservation = null;
        await SaveAndAnnounceAsync();
        return Snapshot();
    }

    public async Task<CounselorSnapshot> EndDecompressionAsync(string supervisorId, string reason)
    {
        Keys.RequireId(supervisorId, "supervisor");
        if (S.State != PresenceState.Decompression)
        {
            throw new HotlineRuleException("presence.not-in-decompression", $"Counsellor is {S.State}, not in decompression.");
        }

        EndDecompression($"ended early by supervisor:{supervisorId}" + (string.IsNullOrWhiteSpace(reason) ? string.Empty : $" ({Trim(reason, 200)})"));
        await SaveAndAnnounceAsync();
        logger.LogInformation("Counsellor {CounselorId}: decompression ended early by supervisor {SupervisorId}", Id, supervisorId);
        return Snapshot();
    }

    public async Task<CounselorSnapshot> SaveDebriefAsync(string callId, string note)
    {
        RequireProfile();
        if (!S.Handled.Any(h => h.CallId == callId))
        {
            throw new HotlineRuleException("debrief.not-your-call", $"Call {callId} was not handled by this counsellor.");
        }

        if (string.IsNullOrWhiteSpace(note))
        {
            throw new HotlineRuleException("debrief.empty", "A debrief needs a few words.");
        }

        if (note.Length > DebriefMaxLength)
        {
            throw new HotlineRuleException("debrief.too-long", $"A debrief is at most {DebriefMaxLength} characters.");
        }

        S.Debriefs.RemoveAll(d => d.CallId == callId);
        S.Debriefs.Add(new Debrief(callId, note.Trim(), time.Now));
        if (S.Debriefs.Count > DebriefsKept)
        {
            S.Debriefs.RemoveRange(0, S.Debriefs.Count - DebriefsKept);
        }

        await state.WriteStateAsync();
        Publish();
        return Snapshot();
    }

    public Task<ImmutableArray<Debrief>> GetDebriefsAsync() =>
        Task.FromResult(S.Debriefs.AsEnumerable().Reverse().ToImmutableArray());

    private void EndDecompression(string reason)
    {
        Move(PresenceState.Available, reason);
        S.DecompressionUntil = null;
        S.Reservation = null;
    }

    private static string Trim(string text, int max) => text.Length <= max ? text.Trim() : text[..max].Trim();

    public async Task<CounselorSnapshot> SetHandRaisedAsync(bool raised)
    {
        RequireProfile();
        if (raised == S.HandRaisedAt.HasValue)
        {
            return Snapshot();
        }

        var previous = S.HandRaisedAt;
        S.HandRaisedAt = raised ? time.Now : null;
        await state.WriteStateAsync();
        Publish();

        // Critical while they are with a caller: the supervisor may be needed on that call now.
        _ = raised
            ? CentreAlerts?.RaiseAsync(new AlertRaise(HandAlertId(S.HandRaisedAt!.Value), AlertKind.HandRaised, S.State == PresenceState.OnCall, S.Reservation?.CallId, Id))
            : CentreAlerts?.ResolveAsync(HandAlertId(previous!.Value));
        logger.LogInformation("Counsellor {CounselorId} {Hand} a hand", Id, raised ? "raised" : "lowered");
        return Snapshot();
    }

    public Task WakeAsync()
    {
        EnsureTimer();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.State is not (PresenceState.WrapUp or PresenceState.Decompression))
        {
            _leftWrapUp = true;
        }

        await TickAsync();
        await DropWrapUpReminderIfLeftAsync();
    }

    private async Task TickAsync()
    {
        var now = time.Now;
        if (S.State == PresenceState.WrapUp && S.WrapUpUntil is { } until && now >= until)
        {
            Move(PresenceState.Available, "wrap-up time over");
            S.WrapUpUntil = null;
            S.Reservation = null;
            await SaveAndAnnounceAsync();
            logger.LogInformation("Counsellor {CounselorId} wrap-up timed out", Id);
        }
        else if (S.State == PresenceState.Decompression && S.DecompressionUntil is { } calmUntil && now >= calmUntil)
        {
            EndDecompression("decompression time over");
            await SaveAndAnnounceAsync();
            logger.LogInformation("Counsellor {CounselorId} decompression over", Id);
        }
        else if (_preferredQueue is not null && now >= _preferredUntil && S.State == PresenceState.Available)
        {
            // The chosen queue has not offered its call yet (a lost message, or a pause before a retry): look again.
            await ChooseQueueAsync();
            AnnounceAvailability();
        }
        else if (S.State == PresenceState.Offered && S.OfferedAt is { } offeredAt
                 && now >= offeredAt.AddSeconds(S.OfferRingSeconds) + options.Value.OfferOrphanGrace)
        {
            // The queue that rang us never resolved the offer (it crashed before saving it):
            // release ourselves and tell it, so neither the counsellor nor the call is stranded.
            var terms = S.Reservation!;
            Move(PresenceState.NotResponding, $"offer orphaned {terms.CallId}");
            S.Reservation = null;
            await SaveAndAnnounceAsync();
            _ = Queue(terms.QueueKey).OfferDeclinedAsync(terms.CallId, Id);
            logger.LogWarning("Counsellor {CounselorId} released orphaned offer of call {CallId}", Id, terms.CallId);
        }

        EnsureTimer();
    }

    /// <summary>The wrap-up reminder is only needed while in wrap-up; drop it once, when wrap-up ends.</summary>
    private async Task DropWrapUpReminderIfLeftAsync()
    {
        if (!_leftWrapUp)
        {
            return;
        }

        _leftWrapUp = false;
        var reminder = await this.GetReminder(WrapUpReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void EnsureTimer()
    {
        var needed = S.State is PresenceState.WrapUp or PresenceState.Decompression or PresenceState.Offered || _preferredQueue is not null;
        if (needed && _timer is null)
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });
        }
        else if (!needed && _timer is not null)
        {
            _timer.Dispose();
            _timer = null;
        }
    }

    private OfferTerms RequireOffer(string callId)
    {
        if (S.State != PresenceState.Offered || S.Reservation is null || S.Reservation.CallId != callId)
        {
            throw new HotlineRuleException("offer.not-offered", $"Call {callId} is not being offered to this counsellor (state {S.State}).");
        }

        return S.Reservation;
    }

    private void RequireProfile()
    {
        if (S.Profile is null)
        {
            throw new HotlineRuleException("counselor.unknown", $"Counsellor '{Id}' has no profile.");
        }
    }

    private void Move(PresenceState to, string reason)
    {
        var from = S.State;
        if (!PresenceRules.CanMove(from, to))
        {
            throw new HotlineRuleException("presence.illegal-transition", $"A counsellor cannot go from {from} to {to}.");
        }

        var now = time.Now;
        var since = S.StateSince;
        _leftWrapUp |= from is PresenceState.WrapUp or PresenceState.Decompression;
        if (from == PresenceState.Offline)
        {
            // A new shift (signed-in spell): the crisis-call cap counts from here.
            S.ShiftStartedAt = now;
            S.HighRiskCallsThisShift = 0;
        }
        if (from == PresenceState.NotResponding && to != from)
        {
            _ = CentreAlerts?.ResolveAsync(OfferAlertId(since));
        }
        else if (to == PresenceState.NotResponding && to != from)
        {
            _ = CentreAlerts?.RaiseAsync(new AlertRaise(OfferAlertId(now), AlertKind.OfferTimedOut, false, S.Reservation?.CallId, Id));
        }

        if (to != PresenceState.Available)
        {
            _preferredQueue = null;
            _passedQueues.Clear();
        }

        S.State = to;
        S.StateSince = now;
        S.Sequence++;
        if (to == PresenceState.Available)
        {
            S.IdleSince = now;
        }
        else if (from == PresenceState.Available)
        {
            S.IdleSince = null;
        }

        if (to != PresenceState.Offered)
        {
            S.OfferedAt = null;
        }

        S.Recent.Add(new PresenceChange(from, to, now, reason));
        if (S.Recent.Count > RecentChangesKept)
        {
            S.Recent.RemoveRange(0, S.Recent.Count - RecentChangesKept);
        }
    }

    private async Task SaveAndAnnounceAsync(string? exceptQueue = null)
    {
        await state.WriteStateAsync();
        if (S.State == PresenceState.Available)
        {
            await ChooseQueueAsync();
        }

        EnsureTimer();
        AnnounceAvailability(exceptQueue);
        Publish();
        await DropWrapUpReminderIfLeftAsync();
    }

    /// <summary>
    /// Free and serving several queues: read each queue's best call for us (reads that reserve nothing and never wait
    /// behind a queue's turn) and keep ourselves for the most urgent one, so a crisis in one queue is never passed
    /// over for whichever other queue happened to ask first. A failed read only means first come, first served.
    /// </summary>
    private async Task ChooseQueueAsync()
    {
        _preferredQueue = null;
        if (S.Profile is not { } profile || profile.QueueIds.Length < 2)
        {
            return;
        }

        var keys = profile.QueueIds.Select(q => Keys.Queue(profile.CentreId, q)).Where(k => !_passedQueues.Contains(k)).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var me = Availability(profile);
        QueueCandidate?[] candidates;
        try
        {
            candidates = await Task.WhenAll(keys.Select(k => Queue(k).GetCandidateForAsync(me)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Counsellor {CounselorId} could not read its queues' candidates; first come, first served", Id);
            return;
        }

        if (S.State == PresenceState.Available && CrossQueueChoice.Pick(candidates) is { } best)
        {
            _preferredQueue = best.QueueKey;
            _preferredUntil = time.Now + options.Value.CrossQueueWindow;
        }
    }

    private CounselorAvailability Availability(CounselorProfile profile) =>
        new(Id, S.IdleSince ?? S.StateSince, profile.Skills, profile.Languages, S.Sequence, _preferredQueue, S.HighRiskCallsThisShift);

    /// <summary>Tells every queue this counsellor serves whether they can route to them now (one-way).</summary>
    private void AnnounceAvailability(string? exceptQueue = null)
    {
        if (S.Profile is not { } profile)
        {
            return;
        }

        foreach (var queueId in profile.QueueIds)
        {
            var key = Keys.Queue(profile.CentreId, queueId);
            if (key == exceptQueue)
            {
                continue;
            }

            _ = S.State == PresenceState.Available
                ? Queue(key).CounselorAvailableAsync(Availability(profile))
                : Queue(key).CounselorUnavailableAsync(Id, S.Sequence);
        }
    }

    private void Publish()
    {
        if (S.Profile is { } profile)
        {
            _ = GrainFactory.GetGrain<ICentreFeedGrain>(profile.CentreId).PublishCounselorAsync(Snapshot());
        }
    }

    /// <summary>The centre's server-side alerts (one-way only: a counsellor awaits nobody).</summary>
    private ICentreAlertsGrain? CentreAlerts => S.Profile is { } profile ? GrainFactory.GetGrain<ICentreAlertsGrain>(profile.CentreId) : null;

    private string OfferAlertId(DateTimeOffset since) => $"offer-timed-out:{Id}:{since.ToUnixTimeMilliseconds()}";

    private string HandAlertId(DateTimeOffset at) => $"hand-raised:{Id}:{at.ToUnixTimeMilliseconds()}";

    private IQueueGrain Queue(string queueKey) => GrainFactory.GetGrain<IQueueGrain>(queueKey);

    private CounselorSnapshot Snapshot() => new(
        Id,
        S.Profile,
        S.State,
        S.StateSince,
        S.IdleSince,
        S.Reservation?.CallId,
        S.Reservation?.QueueKey,
        S.WrapUpUntil,
        [.. S.Recent.TakeLast(10)],
        S.State == PresenceState.Offered && S.OfferedAt is { } offeredAt ? offeredAt.AddSeconds(S.OfferRingSeconds) : null,
        S.HandRaisedAt,
        S.State == PresenceState.Decompression ? S.DecompressionUntil : null,
        S.HighRiskCallsThisShift,
        S.State == PresenceState.Decompression && S.Reservation is { } calm && S.Debriefs.Any(d => d.CallId == calm.CallId));
}
