using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Grains.Routing;

/// <summary>A call waiting in a queue, as the policy sees it.</summary>
public sealed record RoutableCall(
    string CallId,
    bool IsCrisis,
    int BasePriority,
    DateTimeOffset FirstQueuedAt,
    long ArrivalSequence,
    string? RequiredSkill,
    string? Language,
    IReadOnlySet<string> DeclinedBy,
    bool AtFront = false,
    IReadOnlyDictionary<string, DateTimeOffset>? RetryAt = null);

/// <summary>How an offer of a call to one counsellor ended without an answer.</summary>
public enum TryOutcome
{
    /// <summary>Rung until the ring timeout (or the device reported busy / no answer).</summary>
    Missed = 0,
    /// <summary>The counsellor pressed decline.</summary>
    Declined = 1,
    /// <summary>The provider refused the ring or could not be reached: not the counsellor's doing.</summary>
    RingNotPlaced = 2,
}

/// <summary>One decision: offer this call to this counsellor.</summary>
public readonly record struct Assignment(string CallId, string CounselorId);

/// <summary>
/// The routing policy of domain.md §3 as plain code: crisis first, then effective priority
/// (base + aging), then arrival; each call to the longest-idle counsellor who may take it,
/// with skill level and language requirements relaxed as the call waits.
/// </summary>
public static class RoutingPolicy
{
    public static double WaitedSeconds(RoutableCall call, DateTimeOffset now) =>
        Math.Max(0, (now - call.FirstQueuedAt).TotalSeconds);

    /// <summary>Base priority plus the aging points earned by waiting.</summary>
    public static double EffectivePriority(RoutableCall call, QueueConfig config, DateTimeOffset now) =>
        call.BasePriority + (config.AgingPointsPerSecond * WaitedSeconds(call, now));

    /// <summary>Waiting calls in the order they should be served.</summary>
    public static IReadOnlyList<RoutableCall> Order(IEnumerable<RoutableCall> calls, QueueConfig config, DateTimeOffset now)
    {
        var list = calls.ToList();
        list.Sort((a, b) => Compare(a, b, config, now));
        return list;
    }

    /// <summary>Negative when <paramref name="a"/> is to be served before <paramref name="b"/>.</summary>
    public static int Compare(RoutableCall a, RoutableCall b, QueueConfig config, DateTimeOffset now)
    {
        if (a.IsCrisis != b.IsCrisis)
        {
            return a.IsCrisis ? -1 : 1;
        }

        // A caller whose counsellor's line dropped mid-call goes back to the front, not the end.
        if (a.AtFront != b.AtFront)
        {
            return a.AtFront ? -1 : 1;
        }

        var byPriority = EffectivePriority(b, config, now).CompareTo(EffectivePriority(a, config, now));
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byArrival = a.FirstQueuedAt.CompareTo(b.FirstQueuedAt);
        return byArrival != 0 ? byArrival : a.ArrivalSequence.CompareTo(b.ArrivalSequence);
    }

    /// <summary>The skill level a call needs now, after any widening for its wait.</summary>
    public static int RequiredLevel(RoutableCall call, QueueConfig config, DateTimeOffset now) =>
        WaitedSeconds(call, now) >= config.SkillWideningAfterSeconds
            ? Math.Min(config.MinSkillLevel, config.WidenedMinSkillLevel)
            : config.MinSkillLevel;

    /// <summary>A provider that refused a ring is asked again for the same counsellor no sooner than this.</summary>
    public static readonly TimeSpan RingNotPlacedRetry = TimeSpan.FromSeconds(5);

    /// <summary>Has this counsellor already been tried with this call (missed, declined, or their ring failed)?</summary>
    public static bool WasTried(RoutableCall call, string counselorId) =>
        call.DeclinedBy.Contains(counselorId) || (call.RetryAt?.ContainsKey(counselorId) ?? false);

    /// <summary>
    /// May a counsellor who was already tried with this call be offered it again now? Only after every other
    /// free eligible counsellor (see <see cref="Plan"/>), and not before their retry time; a counsellor remembered
    /// without a retry time (state from before retry times) may be tried again at once.
    /// </summary>
    public static bool MayRetry(RoutableCall call, string counselorId, DateTimeOffset now) =>
        call.RetryAt is null || !call.RetryAt.TryGetValue(counselorId, out var at) || at <= now;

    /// <summary>
    /// When a counsellor whose offer of this call ended unanswered may be offered it again. A crisis call goes back
    /// to them at once (if nobody else is free it must not wait for a colleague); another call waits
    /// <see cref="QueueConfig.RetryAfterMissSeconds"/>; a ring the provider never placed is retried after
    /// <see cref="RingNotPlacedRetry"/> so an unreachable provider is not hammered.
    /// </summary>
    public static DateTimeOffset RetryAt(bool isCrisis, TryOutcome outcome, QueueConfig config, DateTimeOffset now) => outcome switch
    {
        TryOutcome.RingNotPlaced => now + RingNotPlacedRetry,
        _ when isCrisis => now,
        _ => now.AddSeconds(config.RetryAfterMissSeconds),
    };

    /// <summary>May this counsellor take this call now (skills and language; who was tried is ranked by <see cref="Plan"/>)?</summary>
    public static bool IsEligible(RoutableCall call, CounselorAvailability counselor, QueueConfig config, DateTimeOffset now)
    {
        var skill = call.RequiredSkill ?? config.RequiredSkill;
        if (skill is not null)
        {
            var level = 0;
            foreach (var s in counselor.Skills)
            {
                if (string.Equals(s.Skill, skill, StringComparison.Ordinal))
                {
                    level = s.Level;
                    break;
                }
            }

            if (level < Math.Max(1, RequiredLevel(call, config, now)))
            {
                return false;
            }
        }

        if (call.Language is not null && WaitedSeconds(call, now) < config.LanguageWideningAfterSeconds)
        {
            return counselor.Languages.Contains(call.Language, StringComparer.Ordinal);
        }

        return true;
    }

    /// <summary>
    /// Pairs waiting calls with available counsellors: highest-ranked call first, each to the
    /// longest-idle eligible counsellor not already paired who has not been tried with it; only when no such
    /// counsellor is free does it go back to one who was (missed, declined, ring failed), once their retry time
    /// has come. Calls nobody may take are skipped, so a hard-to-serve call never blocks the calls behind it.
    /// </summary>
    public static IReadOnlyList<Assignment> Plan(
        IEnumerable<RoutableCall> waiting,
        IEnumerable<CounselorAvailability> available,
        QueueConfig config,
        DateTimeOffset now)
    {
        var free = available
            .OrderBy(c => c.IdleSince)
            .ThenBy(c => c.CounselorId, StringComparer.Ordinal)
            .ToList();
        var result = new List<Assignment>();
        if (free.Count == 0)
        {
            return result;
        }

        foreach (var call in Order(waiting, config, now))
        {
            var index = BestFor(call, free, config, now);
            if (index < 0)
            {
                continue;
            }

            result.Add(new Assignment(call.CallId, free[index].CounselorId));
            free.RemoveAt(index);
            if (free.Count == 0)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>
    /// The call this counsellor should be offered first among <paramref name="waiting"/> (as <see cref="Plan"/> would
    /// rank it for them alone), or null: what a queue tells a counsellor who serves several queues. A crisis call they
    /// may take but not yet (its ring just failed, see <see cref="RingNotPlacedRetry"/>) still counts: they are kept
    /// for it rather than given a less urgent call of another queue meanwhile.
    /// </summary>
    public static RoutableCall? BestCallFor(IEnumerable<RoutableCall> waiting, CounselorAvailability counselor, QueueConfig config, DateTimeOffset now)
    {
        foreach (var call in Order(waiting, config, now))
        {
            if (BestFor(call, [counselor], config, now) == 0 || IsHeldFor(call, counselor, config, now))
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>A crisis call this counsellor may take once its retry pause for them is over.</summary>
    public static bool IsHeldFor(RoutableCall call, CounselorAvailability counselor, QueueConfig config, DateTimeOffset now) =>
        call.IsCrisis && !MayRetry(call, counselor.CounselorId, now) && IsEligible(call, counselor, config, now);

    /// <summary>Has this counsellor taken the centre's cap of crisis calls this shift (<see cref="QueueConfig.HighRiskCallsPerShift"/>)?</summary>
    public static bool IsAtHighRiskCap(CounselorAvailability counselor, QueueConfig config) =>
        config.HighRiskCallsPerShift > 0 && counselor.HighRiskCallsThisShift >= config.HighRiskCallsPerShift;

    /// <summary>
    /// Index in <paramref name="free"/> (longest idle first) of who gets <paramref name="call"/>, or -1. A crisis call
    /// goes to a counsellor under the centre's crisis-call cap when one may take it, and past the cap only when nobody
    /// else free may.
    /// </summary>
    private static int BestFor(RoutableCall call, List<CounselorAvailability> free, QueueConfig config, DateTimeOffset now)
    {
        if (call.IsCrisis && config.HighRiskCallsPerShift > 0)
        {
            var underCap = BestAmong(call, free, config, now, c => !IsAtHighRiskCap(c, config));
            if (underCap >= 0)
            {
                return underCap;
            }
        }

        return BestAmong(call, free, config, now, _ => true);
    }

    private static int BestAmong(RoutableCall call, List<CounselorAvailability> free, QueueConfig config, DateTimeOffset now, Predicate<CounselorAvailability> allowed)
    {
        var untried = free.FindIndex(c => allowed(c) && !WasTried(call, c.CounselorId) && IsEligible(call, c, config, now));
        return untried >= 0
            ? untried
            : free.FindIndex(c => allowed(c) && MayRetry(call, c.CounselorId, now) && IsEligible(call, c, config, now));
    }

    /// <summary>Seconds of waiting after which a call should overflow.</summary>
    public static int OverflowThreshold(RoutableCall call, QueueConfig config) =>
        call.IsCrisis ? config.CrisisOverflowAfterSeconds : config.OverflowAfterSeconds;
}
