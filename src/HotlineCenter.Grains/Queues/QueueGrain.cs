using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Centres;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Queues;

/// <summary>
/// The automatic call distributor of one queue. Decisions come from <see cref="RoutingPolicy"/>;
/// this grain holds the state, reserves counsellors (awaiting them; they never await a queue),
/// drives ring and overflow deadlines from a tick timer, and persists every change to the waiting
/// calls and offers before it answers or rings anyone. Which counsellors are free right now is a hint
/// kept in memory: the counsellor grain is the arbiter (a stale hint only costs a refused reservation),
/// and it is rebuilt from the counsellors themselves when the queue activates. Persisting it would
/// cost a write on every presence change, the queue's main throughput limit.
/// </summary>
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Hotline)] IPersistentState<QueueState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    IOptions<RoutingOptions> options,
    ILogger<QueueGrain> logger) : Grain, IQueueGrain, IRemindable
{
    private const string HeartbeatReminder = "queue-heartbeat";

    /// <summary>A saved offer found unrung is rung again only with at least this much of its ring left.</summary>
    private static readonly TimeSpan MinRingLeft = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, CounselorAvailability> _available = [];
    private readonly Dictionary<string, long> _sequences = [];
    private readonly HashSet<string> _longWaitRaised = [];

    /// <summary>Free counsellors who chose this queue's call over their other queues' and wait for our offer.</summary>
    private readonly HashSet<string> _preferring = [];
    /// <summary>
    /// Offers this activation rang (call → counsellor). A saved offer missing here was made by an activation that was lost
    /// between saving it and ringing (a node crash takes the queued ring with it): the tick rings it again or releases it.
    /// </summary>
    private readonly Dictionary<string, string> _rung = [];
    private DateTimeOffset _lastReconcile = DateTimeOffset.MinValue;
    private bool _reconcileNow = true;

    /// <summary>A change that may wait for the next tick to be saved (see <see cref="OfferAcceptedAsync"/>).</summary>
    private bool _unsaved;

    /// <summary>Group commit: changes are numbered by the saves that ask for them; one write in flight at a time.</summary>
    private long _changeGeneration;
    private long _savedGeneration;
    private Task? _writing;

    /// <summary>A routing turn is posted and not yet run (arrivals share it).</summary>
    private bool _routingScheduled;

    /// <summary>Screens are told at most once per tick, not once per change.</summary>
    private bool _publishPending = true;

    private string Key => this.GetPrimaryKeyString();

    private QueueState S => state.State;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        HotlineMetrics.ForgetQueue(Key);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Ticks re-arm every persisted deadline (ring, overflow) on activation; KeepAlive holds the router in memory.
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task ConfigureAsync(QueueConfig config)
    {
        var (_, queueId) = Keys.ParseQueue(Key);
        var errors = CentreConfigValidator.Validate(config);
        if (config.QueueId != queueId)
        {
            errors = [.. errors, $"queue id '{config.QueueId}' does not match grain key '{Key}'"];
        }

        if (errors.Count > 0)
        {
            throw new HotlineRuleException("queue.invalid-config", string.Join("; ", errors));
        }

        S.Config = config;
        await SaveAsync();

        // A reminder survives silo loss: it re-activates this router elsewhere so waiting calls keep moving.
        await this.RegisterOrUpdateReminder(HeartbeatReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        Publish();
    }

    public async Task<int> EnqueueAsync(QueuedCall call)
    {
        // Interleaved (see IQueueGrain): everything up to the save is synchronous, so it never sees another turn half-done.
        var config = RequireConfig();
        Keys.RequireCallId(call.CallId);
        var existing = S.Waiting.Find(w => w.CallId == call.CallId);
        if (existing is null)
        {
            S.Waiting.Add(new WaitingEntry
            {
                CallId = call.CallId,
                IsCrisis = call.IsCrisis,
                BasePriority = Math.Clamp(call.BasePriority, 0, 1000),
                FirstQueuedAt = call.FirstQueuedAt,
                EnteredAt = time.Now,
                Sequence = ++S.ArrivalSequence,
                RequiredSkill = call.RequiredSkill,
                Language = call.Language,
                AtFront = call.AtFront,
                IsCallback = call.IsCallback,
            });
            logger.LogInformation("Call {CallId} entered {QueueKey} (crisis: {IsCrisis})", call.CallId, Key, call.IsCrisis);
            if (call.IsCrisis)
            {
                _ = CentreAlerts.RaiseAsync(new AlertRaise(CrisisWaitingAlertId(call.CallId), AlertKind.CrisisWaiting, true, call.CallId));
            }
        }

        // Saved before the call counts itself queued; a retried enqueue (the call's write failed) waits for the same save.
        await SaveAsync();
        ScheduleRouting();
        Publish();
        return Position(call.CallId);
    }

    public async Task RouteWaitingAsync()
    {
        _routingScheduled = false;
        if (S.Config is not { } config)
        {
            return;
        }

        var offered = await ReserveAndSaveAsync(config, mustSave: false);
        await AnnounceOffersAsync(offered, config);
        if (offered.Count > 0)
        {
            Publish();
        }
    }

    /// <summary>One routing turn follows any number of arrivals: it is posted once and plans for all of them.</summary>
    private void ScheduleRouting()
    {
        if (!_routingScheduled)
        {
            _routingScheduled = true;
            this.AsReference<IQueueGrain>().RouteWaitingAsync().Ignore();
        }
    }

    public async Task OfferToAsync(string callId, string counselorId)
    {
        Keys.RequireId(counselorId, "counsellor");
        var config = RequireConfig();
        var entry = S.Waiting.Find(w => w.CallId == callId)
            ?? throw new HotlineRuleException("queue.call-not-waiting", "That call is not waiting in this queue.");
        if (entry.OfferedTo is not null || entry.OverflowRequestedAt is not null)
        {
            throw new HotlineRuleException("queue.call-busy", "That call is ringing a counsellor or moving to another queue; wait for the outcome.");
        }

        entry.Offer(counselorId, time.Now.AddSeconds(config.RingTimeoutSeconds));
        _available.Remove(counselorId);
        var save = SaveAsync();
        var reserve = GrainFactory.GetGrain<ICounselorGrain>(counselorId)
            .TryReserveAsync(new OfferTerms(callId, Key, config.WrapUpSeconds, config.RingTimeoutSeconds, BySupervisor: true));
        await Task.WhenAll(save, reserve);
        if (!reserve.Result)
        {
            entry.ClearOffer();
            await SaveAsync();
            throw new HotlineRuleException("counselor.not-available", "That counsellor is not free to take a call.");
        }

        await AnnounceOffersAsync([new Assignment(callId, counselorId)], config);
    }

    public async Task<bool> RemoveAsync(string callId, QueueExit reason)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null)
        {
            return false;
        }

        if (entry.OfferedTo is { } counselorId)
        {
            await GrainFactory.GetGrain<ICounselorGrain>(counselorId).CancelOfferAsync(callId);
            await SafeTelephonyAsync(ct => telephony.StopRingingAsync(callId, counselorId, ct));
        }

        S.Waiting.Remove(entry);
        ResolveAlerts(entry, leavesCentre: reason is QueueExit.Abandoned or QueueExit.Answered or QueueExit.TransferredToBackup
            || (reason == QueueExit.Overflowed && S.Config?.OverflowTargetQueueKey is { } target && Keys.ParseQueue(target).CentreId != CentreId));
        CountExit(reason, time.Now);

        await SaveAsync();
        Publish();
        return true;
    }

    public async Task CounselorAvailableAsync(CounselorAvailability availability)
    {
        if (!IsFresh(availability.CounselorId, availability.Sequence))
        {
            return;
        }

        var changed = S.CounselorIds.Add(availability.CounselorId);
        if (availability.PreferredQueueKey is { } preferred && preferred != Key)
        {
            // Free, but taking a more urgent call of another of their queues first; they announce again if not.
            var wasFree = _available.Remove(availability.CounselorId);
            if (changed)
            {
                await SaveAsync();
            }

            if (wasFree)
            {
                Publish();
            }

            return;
        }

        _available[availability.CounselorId] = availability;
        if (availability.PreferredQueueKey == Key)
        {
            _preferring.Add(availability.CounselorId);
        }

        var offered = S.Config is { } config ? await ReserveAndSaveAsync(config, mustSave: changed) : [];
        if (S.Config is null)
        {
            PassUnserved([]);
            if (changed)
            {
                await SaveAsync();
            }
        }

        await AnnounceOffersAsync(offered, S.Config);
        Publish();
    }

    public Task<QueueCandidate?> GetCandidateForAsync(CounselorAvailability counselor)
    {
        // Interleaved with this queue's turns: it only reads, so a turn suspended mid-change is never disturbed.
        if (S.Config is not { } config)
        {
            return Task.FromResult<QueueCandidate?>(null);
        }

        var now = time.Now;
        // An entry still offered to this counsellor is over from their side (they are free and asking): its
        // outcome is on its way here, so it competes too — a crisis they just declined must not lose to another queue.
        var best = RoutingPolicy.BestCallFor(
            S.Waiting.Where(w => (w.OfferedTo is null || w.OfferedTo == counselor.CounselorId) && w.OverflowRequestedAt is null).Select(ToRoutable),
            counselor,
            config,
            now);
        return Task.FromResult(best is null
            ? null
            : new QueueCandidate(Key, best.CallId, best.IsCrisis, RoutingPolicy.EffectivePriority(best, config, now), best.FirstQueuedAt, best.AtFront));
    }

    public async Task CounselorUnavailableAsync(string counselorId, long sequence)
    {
        if (!IsFresh(counselorId, sequence))
        {
            return;
        }

        var wasFree = _available.Remove(counselorId);
        _preferring.Remove(counselorId);
        if (S.CounselorIds.Add(counselorId))
        {
            await SaveAsync();
        }

        if (wasFree)
        {
            Publish();
        }
    }

    public async Task OfferAcceptedAsync(string callId, string counselorId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.OfferedTo != counselorId)
        {
            return;
        }

        S.Waiting.Remove(entry);
        ResolveAlerts(entry, leavesCentre: true);
        CountExit(QueueExit.Answered, time.Now);
        RecordAnswered(time.Now, entry.FirstQueuedAt, counselorId);

        // Saved with the next write or tick rather than now: this is half of the queue's writes per call.
        // If the silo dies first, the entry comes back offered; at its ring deadline the counsellor
        // answers AlreadyAccepted (it keeps the calls it accepted) and the entry is dropped, never re-rung.
        _unsaved = true;
        Publish();
        await Task.CompletedTask;
    }

    public async Task OfferDeclinedAsync(string callId, string counselorId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.OfferedTo != counselorId)
        {
            return;
        }

        if (S.Config is { } declinedIn)
        {
            entry.ClearOffer(counselorId, TryOutcome.Declined, RoutingPolicy.RetryAt(entry.IsCrisis, TryOutcome.Declined, declinedIn, time.Now));
        }
        else
        {
            entry.ClearOffer();
        }

        var offered = S.Config is { } config ? await ReserveAndSaveAsync(config, mustSave: true) : [];
        _ = GrainFactory.GetGrain<ICallGrain>(callId).OnOfferLapsedAsync(Key, counselorId, declined: true);
        await SafeTelephonyAsync(ct => telephony.StopRingingAsync(callId, counselorId, ct));
        await AnnounceOffersAsync(offered, S.Config);
        Publish();
    }

    public async Task OverflowFailedAsync(string callId, string reason)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null)
        {
            return;
        }

        entry.OverflowRequestedAt = null;
        entry.NextOverflowAt = time.Now + options.Value.OverflowRetryInterval;
        var offered = S.Config is { } config ? await ReserveAndSaveAsync(config, mustSave: true) : [];
        await AnnounceOffersAsync(offered, S.Config);
        Publish();
    }

    public async Task RingFailedAsync(string callId, string counselorId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.OfferedTo != counselorId)
        {
            return;
        }

        // Same path as a ring timeout, only sooner: the counsellor decides the race with a late accept.
        entry.OfferDeadline = time.Now;
        if (await ExpireOffersAsync(time.Now) && S.Config is { } config)
        {
            var offered = await ReserveAndSaveAsync(config, mustSave: true);
            await AnnounceOffersAsync(offered, config);
            Publish();
        }
    }

    public async Task RingNotPlacedAsync(string callId, string counselorId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.OfferedTo != counselorId || S.Config is not { } config)
        {
            return;
        }

        // The counsellor decides the race with an accept that got through anyway.
        var outcome = await GrainFactory.GetGrain<ICounselorGrain>(counselorId).RingNotPlacedAsync(callId);
        var now = time.Now;
        if (outcome == OfferTimeoutOutcome.AlreadyAccepted)
        {
            S.Waiting.Remove(entry);
            ResolveAlerts(entry, leavesCentre: true);
            CountExit(QueueExit.Answered, now);
            RecordAnswered(now, entry.FirstQueuedAt, counselorId);
            await SaveAsync();
            Publish();
            return;
        }

        entry.ClearOffer(counselorId, TryOutcome.RingNotPlaced, RoutingPolicy.RetryAt(entry.IsCrisis, TryOutcome.RingNotPlaced, config, now));
        entry.RingFailureRaised = true;
        _ = CentreAlerts.RaiseAsync(new AlertRaise(RingFailedAlertId(callId), AlertKind.RingFailed, entry.IsCrisis, callId, counselorId));
        logger.LogWarning("Call {CallId}: the provider could not ring counsellor {CounselorId} in {QueueKey}; re-routing", callId, counselorId, Key);
        var offered = await ReserveAndSaveAsync(config, mustSave: true);
        await AnnounceOffersAsync(offered, config);
        Publish();
    }

    public async Task MarkCallbackAsync(string callId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.IsCallback)
        {
            return;
        }

        entry.IsCallback = true;
        await SaveAsync();
        Publish();
    }

    public Task<QueueSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task WakeAsync() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    /// <summary>Ring timeouts, overflow, periodic re-reading of counsellors, then routing.</summary>
    private async Task TickAsync()
    {
        if (_unsaved)
        {
            await SaveAsync();
        }

        FlushPublish();
        if (S.Config is not { } config || (S.Waiting.Count == 0 && !_reconcileNow))
        {
            return;
        }

        var now = time.Now;
        RaiseLongWaits(config, now);
        var reconciled = await ReconcileCounselorsAsync(now);
        var changed = await RingUnrungOffersAsync(config, now);
        changed |= await ExpireOffersAsync(now);
        changed |= RequestOverflows(config, now);
        var offered = await ReserveAndSaveAsync(config, mustSave: changed);
        await AnnounceOffersAsync(offered, config);
        if (changed || reconciled || offered.Count > 0)
        {
            Publish();
        }
    }

    private async Task<bool> ExpireOffersAsync(DateTimeOffset now)
    {
        var changed = false;
        foreach (var entry in S.Waiting.Where(w => w.OfferedTo is not null && w.OfferDeadline <= now).ToList())
        {
            var counselorId = entry.OfferedTo!;
            var outcome = await GrainFactory.GetGrain<ICounselorGrain>(counselorId).OfferTimedOutAsync(entry.CallId);
            changed = true;
            if (outcome == OfferTimeoutOutcome.AlreadyAccepted)
            {
                // The accept won the race; its one-way notice may still be in flight.
                S.Waiting.Remove(entry);
                ResolveAlerts(entry, leavesCentre: true);
                CountExit(QueueExit.Answered, now);
                RecordAnswered(now, entry.FirstQueuedAt, counselorId);
                continue;
            }

            if (outcome == OfferTimeoutOutcome.TimedOut && S.Config is { } config)
            {
                entry.ClearOffer(counselorId, TryOutcome.Missed, RoutingPolicy.RetryAt(entry.IsCrisis, TryOutcome.Missed, config, now));
            }
            else
            {
                entry.ClearOffer();
            }

            if (outcome == OfferTimeoutOutcome.TimedOut)
            {
                _ = GrainFactory.GetGrain<ICallGrain>(entry.CallId).OnOfferLapsedAsync(Key, counselorId, declined: false);
                await SafeTelephonyAsync(ct => telephony.StopRingingAsync(entry.CallId, counselorId, ct));
                logger.LogWarning("Offer of call {CallId} to counsellor {CounselorId} timed out in {QueueKey}", entry.CallId, counselorId, Key);
            }
        }

        return changed;
    }

    /// <summary>
    /// Saved offers this activation never rang: the activation that saved them was lost before or while ringing. With at
    /// least <see cref="MinRingLeft"/> of the ring left the counsellor is rung again (the port leaves a ring that did go
    /// out alone); later than that the offer ends as a ring never placed — not the counsellor's miss, they stay free —
    /// and the call is routed again at once, so no saved offer leaves a call ringing nobody.
    /// </summary>
    private async Task<bool> RingUnrungOffersAsync(QueueConfig config, DateTimeOffset now)
    {
        if (_rung.Count > S.Waiting.Count)
        {
            foreach (var gone in _rung.Keys.Where(id => !S.Waiting.Exists(w => w.CallId == id)).ToList())
            {
                _rung.Remove(gone);
            }
        }

        var changed = false;
        foreach (var entry in S.Waiting.Where(w => w.OfferedTo is { } c && _rung.GetValueOrDefault(w.CallId) != c).ToList())
        {
            var counselorId = entry.OfferedTo!;
            _rung[entry.CallId] = counselorId;
            var left = (entry.OfferDeadline ?? now) - now;
            if (left >= MinRingLeft)
            {
                logger.LogWarning("Offer of call {CallId} to counsellor {CounselorId} in {QueueKey} was saved by a lost activation; ringing again", entry.CallId, counselorId, Key);
                await SafeTelephonyAsync(ct => telephony.RingCounselorAgainAsync(entry.CallId, counselorId, left, ct));
                continue;
            }

            changed = true;
            var outcome = await GrainFactory.GetGrain<ICounselorGrain>(counselorId).RingNotPlacedAsync(entry.CallId);
            if (outcome == OfferTimeoutOutcome.AlreadyAccepted)
            {
                S.Waiting.Remove(entry);
                ResolveAlerts(entry, leavesCentre: true);
                CountExit(QueueExit.Answered, now);
                RecordAnswered(now, entry.FirstQueuedAt, counselorId);
                continue;
            }

            entry.ClearOffer(counselorId, TryOutcome.RingNotPlaced, RoutingPolicy.RetryAt(entry.IsCrisis, TryOutcome.RingNotPlaced, config, now));
            _ = GrainFactory.GetGrain<ICallGrain>(entry.CallId).OnOfferLapsedAsync(Key, counselorId, declined: false);
            await SafeTelephonyAsync(ct => telephony.StopRingingAsync(entry.CallId, counselorId, ct));
            logger.LogWarning("Offer of call {CallId} to counsellor {CounselorId} in {QueueKey} was saved by a lost activation too late to ring; routing again", entry.CallId, counselorId, Key);
        }

        return changed;
    }

    private bool RequestOverflows(QueueConfig config, DateTimeOffset now)
    {
        var changed = false;
        var toBackup = config.OverflowTargetQueueKey is null && config.BackupNumber is not null;
        foreach (var entry in S.Waiting)
        {
            // Overflow counts from the first queue; the backup transfer from this one, so an overflowed call gets its full chance here.
            var since = toBackup ? entry.EnteredAt ?? entry.FirstQueuedAt : entry.FirstQueuedAt;
            if (entry.OfferedTo is not null
                || (now - since).TotalSeconds < RoutingPolicy.OverflowThreshold(ToRoutable(entry), config)
                || entry.NextOverflowAt > now
                || (entry.OverflowRequestedAt is { } requested && now - requested < options.Value.OverflowRetryInterval))
            {
                continue;
            }

            var call = GrainFactory.GetGrain<ICallGrain>(entry.CallId);
            if (config.OverflowTargetQueueKey is null && config.BackupNumber is { } backup && !entry.IsCallback)
            {
                // The end of the line (a provincial centre's queue): the call is transferred to the backup number,
                // never dropped. The call asks the provider first and leaves this queue only once it was accepted.
                entry.OverflowRequestedAt = now;
                changed = true;
                _ = CentreAlerts.RaiseAsync(new AlertRaise(OverflowAlertId(entry.CallId), AlertKind.Overflow, entry.IsCrisis, entry.CallId));
                _ = call.OnTransferToBackupAsync(Key, backup);
                continue;
            }

            if (config.OverflowTargetQueueKey is not { } target)
            {
                if (!entry.OverflowUnavailableReported)
                {
                    entry.OverflowUnavailableReported = true;
                    changed = true;
                    _ = CentreAlerts.RaiseAsync(new AlertRaise(OverflowAlertId(entry.CallId), AlertKind.Overflow, entry.IsCrisis, entry.CallId));
                    _ = call.OnOverflowUnavailableAsync(Key, "no-overflow-target");
                    logger.LogWarning("Call {CallId} is past the overflow threshold in {QueueKey} with no overflow target", entry.CallId, Key);
                }

                continue;
            }

            entry.OverflowRequestedAt = now;
            changed = true;
            _ = CentreAlerts.RaiseAsync(new AlertRaise(OverflowAlertId(entry.CallId), AlertKind.Overflow, entry.IsCrisis, entry.CallId));
            _ = call.OnOverflowAsync(Key, target);
        }

        return changed;
    }

    /// <summary>
    /// Availability notices are one-way and may be lost with a silo; when calls wait and no counsellor
    /// is known free, ask the counsellors themselves (queue → counsellor is the allowed direction).
    /// </summary>
    private async Task<bool> ReconcileCounselorsAsync(DateTimeOffset now)
    {
        if (S.CounselorIds.Count == 0
            || (!_reconcileNow && (_available.Count > 0 || now - _lastReconcile < options.Value.ReconcileInterval)))
        {
            return false;
        }

        _reconcileNow = false;
        _lastReconcile = now;
        var changed = false;
        var snapshots = await Task.WhenAll(S.CounselorIds.Select(id => GrainFactory.GetGrain<ICounselorGrain>(id).GetAsync()));
        foreach (var c in snapshots)
        {
            if (c.State == PresenceState.Available && c.Profile is { } p && p.QueueIds.Any(q => Keys.Queue(p.CentreId, q) == Key))
            {
                changed |= _available.TryAdd(c.CounselorId, new CounselorAvailability(c.CounselorId, c.IdleSince ?? c.StateSince, p.Skills, p.Languages, 0));
            }
        }

        return changed;
    }

    /// <summary>
    /// Saves everything changed so far. Writes never overlap: a save asked for while one is in flight waits for it and
    /// then for one more write, which covers every change made meanwhile — so a burst of interleaved arrivals shares
    /// one write (group commit) instead of queueing one fsync each.
    /// </summary>
    private async Task SaveAsync()
    {
        _unsaved = false;
        var wanted = ++_changeGeneration;
        while (_savedGeneration < wanted)
        {
            if (_writing is { } inFlight)
            {
                await inFlight;
                continue;
            }

            _writing = WriteAsync(_changeGeneration);
            await _writing;
        }
    }

    private async Task WriteAsync(long generation)
    {
        try
        {
            // The storage serialises the state before its first await, on this grain's turn.
            await state.WriteStateAsync();
            _savedGeneration = Math.Max(_savedGeneration, generation);
        }
        finally
        {
            _writing = null;
        }
    }

    /// <summary>
    /// Offers waiting calls to free, eligible counsellors (best call first) and saves. The save and the
    /// reservations run together: the offer is saved as intended while the counsellors arbitrate, and a
    /// refused reservation is undone and saved again. A crash in between leaves a saved offer the
    /// counsellor does not hold, which its ring deadline resolves (NotOffered: the call waits again).
    /// Nobody is rung until both have completed; then call <see cref="AnnounceOffersAsync"/>.
    /// </summary>
    private async Task<List<Assignment>> ReserveAndSaveAsync(QueueConfig config, bool mustSave)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var offered = await ReserveAndSaveTurnAsync(config, mustSave);
        var tags = new System.Diagnostics.TagList { { "queue", Key } };
        HotlineMetrics.RoutingTurn.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        if (offered.Count > 0)
        {
            HotlineMetrics.OffersMade.Add(offered.Count, tags);
        }

        return offered;
    }

    private void CountExit(QueueExit exit, DateTimeOffset at)
    {
        S.CountExit(exit, ChinaTime.DayOf(at));
        HotlineMetrics.QueueExits.Add(1, new System.Diagnostics.TagList { { "queue", Key }, { "exit", exit.ToString() } });
    }

    private void RecordAnswered(DateTimeOffset at, DateTimeOffset firstQueuedAt, string counselorId)
    {
        S.RecordAnswered(at, firstQueuedAt, counselorId);
        HotlineMetrics.WaitUntilAnswered.Record(Math.Max(0, (at - firstQueuedAt).TotalSeconds), new System.Diagnostics.TagList { { "queue", Key } });
    }

    private async Task<List<Assignment>> ReserveAndSaveTurnAsync(QueueConfig config, bool mustSave)
    {
        var offered = new List<Assignment>();
        for (var round = 0; round < 3; round++)
        {
            var now = time.Now;
            var plan = RoutingPolicy.Plan(
                S.Waiting.Where(w => w.OfferedTo is null && w.OverflowRequestedAt is null).Select(ToRoutable),
                _available.Values,
                config,
                now);
            if (plan.Count == 0)
            {
                break;
            }

            var entries = plan.Select(a => S.Waiting.First(w => w.CallId == a.CallId)).ToList();
            for (var i = 0; i < plan.Count; i++)
            {
                _available.Remove(plan[i].CounselorId);
                entries[i].Offer(plan[i].CounselorId, now.AddSeconds(config.RingTimeoutSeconds));
            }

            var save = SaveAsync();
            var reservations = Task.WhenAll(plan.Select(a => GrainFactory.GetGrain<ICounselorGrain>(a.CounselorId)
                .TryReserveAsync(new OfferTerms(a.CallId, Key, config.WrapUpSeconds, config.RingTimeoutSeconds))));
            await Task.WhenAll(save, reservations);
            mustSave = false;
            var reserved = reservations.Result;
            for (var i = 0; i < plan.Count; i++)
            {
                if (reserved[i])
                {
                    offered.Add(plan[i]);
                }
                else
                {
                    entries[i].ClearOffer();
                    mustSave = true;
                }
            }

            if (!mustSave)
            {
                break;
            }
        }

        if (mustSave)
        {
            await SaveAsync();
        }

        PassUnserved(offered);
        return offered;
    }

    /// <summary>
    /// Counsellors who chose this queue but got no offer in this round are told so, and choose among their other
    /// queues (the call went to someone idle longer, was answered, or may not go back to them yet). One still
    /// holding an offer here is not told: the outcome of that offer (decline, ring failure) is on its way; nor one
    /// kept for a crisis call here whose short pause after a failed ring is not over (a tick offers it to them then).
    /// </summary>
    private void PassUnserved(List<Assignment> offered)
    {
        foreach (var counselorId in _preferring.ToList())
        {
            if (offered.Exists(a => a.CounselorId == counselorId))
            {
                _preferring.Remove(counselorId);
            }
            else if (!S.Waiting.Exists(w => w.OfferedTo == counselorId) && !IsHeldHere(counselorId) && !HasCallFor(counselorId))
            {
                _preferring.Remove(counselorId);
                _ = GrainFactory.GetGrain<ICounselorGrain>(counselorId).PreferencePassedAsync(Key);
            }
        }
    }

    /// <summary>Tells the calls and rings the counsellors of offers already saved.</summary>
    private async Task AnnounceOffersAsync(List<Assignment> offered, QueueConfig? config)
    {
        if (config is null)
        {
            return;
        }

        foreach (var a in offered)
        {
            _rung[a.CallId] = a.CounselorId;
            _ = GrainFactory.GetGrain<ICallGrain>(a.CallId).OnOfferedAsync(Key, a.CounselorId);
            await SafeTelephonyAsync(ct => telephony.RingCounselorAsync(a.CallId, a.CounselorId, TimeSpan.FromSeconds(config.RingTimeoutSeconds), ct));
            logger.LogInformation("Call {CallId} offered to counsellor {CounselorId} in {QueueKey}", a.CallId, a.CounselorId, Key);
        }
    }

    /// <summary>Drops availability notices older than the last one seen from that counsellor.</summary>
    private bool IsFresh(string counselorId, long sequence)
    {
        if (_sequences.TryGetValue(counselorId, out var last) && sequence < last)
        {
            return false;
        }

        _sequences[counselorId] = sequence;
        return true;
    }

    /// <summary>
    /// This queue still has a call it would offer this counsellor (a reservation that failed this round, e.g. on a
    /// stale availability, is retried by the next tick): they are not passed on to a less urgent queue meanwhile.
    /// </summary>
    private bool HasCallFor(string counselorId)
    {
        if (S.Config is not { } config || !_available.TryGetValue(counselorId, out var counselor))
        {
            return false;
        }

        var open = S.Waiting.Where(w => w.OfferedTo is null && w.OverflowRequestedAt is null).Select(ToRoutable);
        return RoutingPolicy.BestCallFor(open, counselor, config, time.Now) is not null;
    }

    /// <summary>A free counsellor this queue keeps for one of its crisis calls until their retry pause is over.</summary>
    private bool IsHeldHere(string counselorId)
    {
        if (S.Config is not { } config)
        {
            return false;
        }

        var now = time.Now;
        if (_available.TryGetValue(counselorId, out var counselor))
        {
            return S.Waiting.Exists(w => w.OfferedTo is null && w.OverflowRequestedAt is null && RoutingPolicy.IsHeldFor(ToRoutable(w), counselor, config, now));
        }

        // Her renewed availability may not have arrived yet (the failed ring is still being undone, one-way): a crisis
        // call whose pause for her is running keeps her here rather than passing her on to a less urgent call.
        return S.Waiting.Exists(w => w.IsCrisis && w.OfferedTo is null && w.OverflowRequestedAt is null
            && RoutingPolicy.WasTried(ToRoutable(w), counselorId) && !RoutingPolicy.MayRetry(ToRoutable(w), counselorId, now));
    }

    private QueueConfig RequireConfig() =>
        S.Config ?? throw new HotlineRuleException("queue.not-configured", $"Queue '{Key}' is not configured.");

    private static RoutableCall ToRoutable(WaitingEntry w) =>
        new(w.CallId, w.IsCrisis, w.BasePriority, w.FirstQueuedAt, w.Sequence, w.RequiredSkill, w.Language, w.DeclinedBy, w.AtFront, w.RetryAt);

    /// <summary>1-based place in the serving order, counted in one pass (enqueue is a hot path).</summary>
    private int Position(string callId)
    {
        if (S.Config is not { } config || S.Waiting.Find(w => w.CallId == callId) is not { } entry)
        {
            return 0;
        }

        var now = time.Now;
        var me = ToRoutable(entry);
        var ahead = 0;
        foreach (var other in S.Waiting)
        {
            if (other != entry && RoutingPolicy.Compare(ToRoutable(other), me, config, now) < 0)
            {
                ahead++;
            }
        }

        return ahead + 1;
    }

    private Task SafeTelephonyAsync(Func<CancellationToken, Task> action) => TelephonyRequests.SendAsync(action, logger, Key);

    private string CentreId => Keys.ParseQueue(Key).CentreId;

    /// <summary>The centre's server-side alerts, told one-way (a queue never awaits them).</summary>
    private ICentreAlertsGrain CentreAlerts => GrainFactory.GetGrain<ICentreAlertsGrain>(CentreId);

    private static string CrisisWaitingAlertId(string callId) => $"crisis-waiting:{callId}";

    private static string LongWaitAlertId(string callId) => $"long-wait:{callId}";

    private static string RingFailedAlertId(string callId) => $"ring-failed:{callId}";

    private string OverflowAlertId(string callId) => $"overflow:{callId}:{Key}";

    /// <summary>Each waiting call past the queue's long-wait threshold is reported once per activation (raising is idempotent).</summary>
    private void RaiseLongWaits(QueueConfig config, DateTimeOffset now)
    {
        foreach (var entry in S.Waiting)
        {
            if (!entry.IsCrisis && now - entry.FirstQueuedAt >= TimeSpan.FromSeconds(config.LongWaitAlertSeconds) && _longWaitRaised.Add(entry.CallId))
            {
                _ = CentreAlerts.RaiseAsync(new AlertRaise(LongWaitAlertId(entry.CallId), AlertKind.LongWait, false, entry.CallId));
            }
        }
    }

    /// <summary>
    /// The call left this queue. A crisis or long wait ends only when it leaves the centre's waiting (answered,
    /// abandoned, or overflowed to another centre); a move within the centre keeps the same alert in the new queue.
    /// </summary>
    private void ResolveAlerts(WaitingEntry entry, bool leavesCentre)
    {
        if (entry.OverflowRequestedAt is not null || entry.OverflowUnavailableReported)
        {
            _ = CentreAlerts.ResolveAsync(OverflowAlertId(entry.CallId));
        }

        if (entry.RingFailureRaised)
        {
            _ = CentreAlerts.ResolveAsync(RingFailedAlertId(entry.CallId));
        }

        if (leavesCentre)
        {
            if (entry.IsCrisis)
            {
                _ = CentreAlerts.ResolveAsync(CrisisWaitingAlertId(entry.CallId));
            }

            // Also when this activation never raised it: a restart forgets what was raised, the alerts grain does not.
            var waitedLong = S.Config is { } config && time.Now - entry.FirstQueuedAt >= TimeSpan.FromSeconds(config.LongWaitAlertSeconds);
            if (_longWaitRaised.Remove(entry.CallId) | (waitedLong && !entry.IsCrisis))
            {
                _ = CentreAlerts.ResolveAsync(LongWaitAlertId(entry.CallId));
            }
        }
        else
        {
            _longWaitRaised.Remove(entry.CallId);
        }
    }

    private void Publish() => _publishPending = true;

    private void FlushPublish()
    {
        if (!_publishPending)
        {
            return;
        }

        _publishPending = false;
        HotlineMetrics.ReportQueue(Key, S.Waiting.Count, S.Waiting.Count == 0 ? null : S.Waiting.Min(w => w.FirstQueuedAt));
        var (centreId, _) = Keys.ParseQueue(Key);
        _ = GrainFactory.GetGrain<ICentreFeedGrain>(centreId).PublishQueueAsync(Snapshot());
    }

    private QueueSnapshot Snapshot()
    {
        var now = time.Now;
        var config = S.Config;
        var ordered = config is null ? [] : RoutingPolicy.Order(S.Waiting.Select(ToRoutable), config, now);
        var byId = S.Waiting.ToDictionary(w => w.CallId);
        var estimate = WaitEstimate.From(S.RecentWaits, now);
        var views = ordered.Select((r, i) =>
        {
            var w = byId[r.CallId];
            return new WaitingCallView(
                w.CallId, i + 1, w.IsCrisis, RoutingPolicy.EffectivePriority(r, config!, now), w.FirstQueuedAt, w.OfferedTo,
                w.OverflowRequestedAt is not null, w.IsCallback, w.AtFront, estimate.SecondsFor(i + 1));
        }).ToImmutableArray();
        var (answered, abandoned, overflowed) = S.CountsOn(ChinaTime.DayOf(now));
        return new QueueSnapshot(Key, config?.DisplayName ?? Key, views, _available.Count, abandoned, answered, overflowed, now);
    }
}
