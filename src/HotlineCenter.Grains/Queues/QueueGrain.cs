using System.Collections.Immutable;
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
/// drives ring and overflow deadlines from a tick timer, and persists every change.
/// </summary>
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Hotline)] IPersistentState<QueueState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    IOptions<RoutingOptions> options,
    ILogger<QueueGrain> logger) : Grain, IQueueGrain, IRemindable
{
    private const string HeartbeatReminder = "queue-heartbeat";
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);
    private DateTimeOffset _lastReconcile;

    private string Key => this.GetPrimaryKeyString();

    private QueueState S => state.State;

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
        await state.WriteStateAsync();

        // A reminder survives silo loss: it re-activates this router elsewhere so waiting calls keep moving.
        await this.RegisterOrUpdateReminder(HeartbeatReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        Publish();
    }

    public async Task<int> EnqueueAsync(QueuedCall call)
    {
        var config = RequireConfig();
        Keys.RequireCallId(call.CallId);
        var existing = S.Waiting.FindIndex(w => w.CallId == call.CallId);
        if (existing >= 0)
        {
            return Position(call.CallId);
        }

        S.Waiting.Add(new WaitingEntry
        {
            CallId = call.CallId,
            IsCrisis = call.IsCrisis,
            BasePriority = Math.Clamp(call.BasePriority, 0, 1000),
            FirstQueuedAt = call.FirstQueuedAt,
            Sequence = ++S.ArrivalSequence,
            RequiredSkill = call.RequiredSkill,
            Language = call.Language,
        });
        await state.WriteStateAsync();
        logger.LogInformation("Call {CallId} entered {QueueKey} (crisis: {IsCrisis})", call.CallId, Key, call.IsCrisis);
        await DispatchAsync(config);
        Publish();
        return Position(call.CallId);
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
        RollCounters();
        if (reason == QueueExit.Abandoned)
        {
            S.AbandonedToday++;
        }
        else if (reason == QueueExit.Overflowed)
        {
            S.OverflowedToday++;
        }
        else
        {
            S.AnsweredToday++;
        }

        await state.WriteStateAsync();
        Publish();
        return true;
    }

    public async Task CounselorAvailableAsync(CounselorAvailability availability)
    {
        var known = Known(availability.CounselorId);
        if (availability.Sequence < known.Sequence)
        {
            return;
        }

        known.Sequence = availability.Sequence;
        known.Available = availability;
        await state.WriteStateAsync();
        if (S.Config is { } config)
        {
            await DispatchAsync(config);
        }

        Publish();
    }

    public async Task CounselorUnavailableAsync(string counselorId, long sequence)
    {
        var known = Known(counselorId);
        if (sequence < known.Sequence)
        {
            return;
        }

        known.Sequence = sequence;
        if (known.Available is not null)
        {
            known.Available = null;
            await state.WriteStateAsync();
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
        RollCounters();
        S.AnsweredToday++;
        await state.WriteStateAsync();
        Publish();
    }

    public async Task OfferDeclinedAsync(string callId, string counselorId)
    {
        var entry = S.Waiting.Find(w => w.CallId == callId);
        if (entry is null || entry.OfferedTo != counselorId)
        {
            return;
        }

        entry.OfferedTo = null;
        entry.OfferDeadline = null;
        entry.DeclinedBy.Add(counselorId);
        await state.WriteStateAsync();
        _ = GrainFactory.GetGrain<ICallGrain>(callId).OnOfferLapsedAsync(Key, counselorId, declined: true);
        await SafeTelephonyAsync(ct => telephony.StopRingingAsync(callId, counselorId, ct));
        if (S.Config is { } config)
        {
            await DispatchAsync(config);
        }

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
        await state.WriteStateAsync();
        if (S.Config is { } config)
        {
            await DispatchAsync(config);
        }

        Publish();
    }

    public Task<QueueSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task WakeAsync() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    /// <summary>Ring timeouts, overflow, periodic re-reading of counsellors, then routing.</summary>
    private async Task TickAsync()
    {
        if (S.Config is not { } config || S.Waiting.Count == 0)
        {
            return;
        }

        var now = time.Now;
        var changed = await ExpireOffersAsync(now);
        changed |= RequestOverflows(config, now);
        changed |= await ReconcileCounselorsAsync(now);
        if (changed)
        {
            await state.WriteStateAsync();
        }

        var dispatched = await DispatchAsync(config);
        if (changed || dispatched)
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
                RollCounters();
                S.AnsweredToday++;
                continue;
            }

            entry.OfferedTo = null;
            entry.OfferDeadline = null;
            if (outcome == OfferTimeoutOutcome.TimedOut)
            {
                entry.DeclinedBy.Add(counselorId);
                _ = GrainFactory.GetGrain<ICallGrain>(entry.CallId).OnOfferLapsedAsync(Key, counselorId, declined: false);
                await SafeTelephonyAsync(ct => telephony.StopRingingAsync(entry.CallId, counselorId, ct));
                logger.LogWarning("Offer of call {CallId} to counsellor {CounselorId} timed out in {QueueKey}", entry.CallId, counselorId, Key);
            }
        }

        return changed;
    }

    private bool RequestOverflows(QueueConfig config, DateTimeOffset now)
    {
        var changed = false;
        foreach (var entry in S.Waiting)
        {
            if (entry.OfferedTo is not null
                || (now - entry.FirstQueuedAt).TotalSeconds < RoutingPolicy.OverflowThreshold(ToRoutable(entry), config)
                || entry.NextOverflowAt > now
                || (entry.OverflowRequestedAt is { } requested && now - requested < options.Value.OverflowRetryInterval))
            {
                continue;
            }

            var call = GrainFactory.GetGrain<ICallGrain>(entry.CallId);
            if (config.OverflowTargetQueueKey is not { } target)
            {
                if (!entry.OverflowUnavailableReported)
                {
                    entry.OverflowUnavailableReported = true;
                    changed = true;
                    _ = call.OnOverflowUnavailableAsync(Key, "no-overflow-target");
                    logger.LogWarning("Call {CallId} is past the overflow threshold in {QueueKey} with no overflow target", entry.CallId, Key);
                }

                continue;
            }

            entry.OverflowRequestedAt = now;
            changed = true;
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
        if (S.Counselors.Count == 0 || S.Counselors.Values.Any(c => c.Available is not null)
            || now - _lastReconcile < options.Value.ReconcileInterval)
        {
            return false;
        }

        _lastReconcile = now;
        var changed = false;
        var snapshots = await Task.WhenAll(S.Counselors.Keys.Select(id => GrainFactory.GetGrain<ICounselorGrain>(id).GetAsync()));
        foreach (var c in snapshots)
        {
            if (c.State == PresenceState.Available && c.Profile is { } p && p.QueueIds.Any(q => Keys.Queue(p.CentreId, q) == Key))
            {
                Known(c.CounselorId).Available = new CounselorAvailability(c.CounselorId, c.IdleSince ?? c.StateSince, p.Skills, p.Languages, 0);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Offers as many waiting calls as there are eligible free counsellors. True when anything changed.</summary>
    private async Task<bool> DispatchAsync(QueueConfig config)
    {
        var any = false;
        for (var round = 0; round < 3; round++)
        {
            var now = time.Now;
            var routable = S.Waiting
                .Where(w => w.OfferedTo is null && w.OverflowRequestedAt is null)
                .Select(ToRoutable);
            var free = S.Counselors.Values.Where(c => c.Available is not null).Select(c => c.Available!);
            var plan = RoutingPolicy.Plan(routable, free, config, now);
            if (plan.Count == 0)
            {
                break;
            }

            var results = await Task.WhenAll(plan.Select(async a =>
                (a, Reserved: await GrainFactory.GetGrain<ICounselorGrain>(a.CounselorId)
                    .TryReserveAsync(new OfferTerms(a.CallId, Key, config.WrapUpSeconds, config.RingTimeoutSeconds)))));
            var offered = new List<Assignment>();
            foreach (var (a, reserved) in results)
            {
                Known(a.CounselorId).Available = null;
                if (!reserved)
                {
                    continue;
                }

                var entry = S.Waiting.First(w => w.CallId == a.CallId);
                entry.OfferedTo = a.CounselorId;
                entry.OfferDeadline = now.AddSeconds(config.RingTimeoutSeconds);
                offered.Add(a);
            }

            // Saved before anyone is rung: after a crash the offer and its deadline come back with the queue.
            await state.WriteStateAsync();
            any = true;
            foreach (var a in offered)
            {
                _ = GrainFactory.GetGrain<ICallGrain>(a.CallId).OnOfferedAsync(Key, a.CounselorId);
                await SafeTelephonyAsync(ct => telephony.RingCounselorAsync(a.CallId, a.CounselorId, TimeSpan.FromSeconds(config.RingTimeoutSeconds), ct));
                logger.LogInformation("Call {CallId} offered to counsellor {CounselorId} in {QueueKey}", a.CallId, a.CounselorId, Key);
            }

            if (offered.Count == results.Length)
            {
                break;
            }
        }

        return any;
    }

    private KnownCounselor Known(string counselorId)
    {
        if (!S.Counselors.TryGetValue(counselorId, out var known))
        {
            known = new KnownCounselor();
            S.Counselors[counselorId] = known;
        }

        return known;
    }

    private QueueConfig RequireConfig() =>
        S.Config ?? throw new HotlineRuleException("queue.not-configured", $"Queue '{Key}' is not configured.");

    private static RoutableCall ToRoutable(WaitingEntry w) =>
        new(w.CallId, w.IsCrisis, w.BasePriority, w.FirstQueuedAt, w.Sequence, w.RequiredSkill, w.Language, w.DeclinedBy);

    private int Position(string callId)
    {
        if (S.Config is not { } config)
        {
            return 0;
        }

        var ordered = RoutingPolicy.Order(S.Waiting.Select(ToRoutable), config, time.Now);
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].CallId == callId)
            {
                return i + 1;
            }
        }

        return 0;
    }

    private void RollCounters()
    {
        var today = DateOnly.FromDateTime(time.Now.ToOffset(ChinaStandardTime).DateTime);
        if (S.CountersDay != today)
        {
            S.CountersDay = today;
            S.AnsweredToday = 0;
            S.AbandonedToday = 0;
            S.OverflowedToday = 0;
        }
    }

    private async Task SafeTelephonyAsync(Func<CancellationToken, Task> action)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await action(cts.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Telephony request from queue {QueueKey} failed", Key);
        }
    }

    private void Publish()
    {
        var (centreId, _) = Keys.ParseQueue(Key);
        _ = GrainFactory.GetGrain<ICentreFeedGrain>(centreId).PublishQueueAsync(Snapshot());
    }

    private QueueSnapshot Snapshot()
    {
        var now = time.Now;
        var config = S.Config;
        var ordered = config is null ? [] : RoutingPolicy.Order(S.Waiting.Select(ToRoutable), config, now);
        var byId = S.Waiting.ToDictionary(w => w.CallId);
        var views = ordered.Select((r, i) =>
        {
            var w = byId[r.CallId];
            return new WaitingCallView(w.CallId, i + 1, w.IsCrisis, RoutingPolicy.EffectivePriority(r, config!, now), w.FirstQueuedAt, w.OfferedTo, w.OverflowRequestedAt is not null);
        }).ToImmutableArray();
        var today = DateOnly.FromDateTime(now.ToOffset(ChinaStandardTime).DateTime);
        var fresh = S.CountersDay == today;
        return new QueueSnapshot(
            Key,
            config?.DisplayName ?? Key,
            views,
            S.Counselors.Values.Count(c => c.Available is not null),
            fresh ? S.AbandonedToday : 0,
            fresh ? S.AnsweredToday : 0,
            fresh ? S.OverflowedToday : 0,
            now);
    }
}
