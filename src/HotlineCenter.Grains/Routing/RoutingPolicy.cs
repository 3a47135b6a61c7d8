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
    bool AtFront = false);

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

    /// <summary>May this counsellor take this call now?</summary>
    public static bool IsEligible(RoutableCall call, CounselorAvailability counselor, QueueConfig config, DateTimeOffset now)
    {
        if (call.DeclinedBy.Contains(counselor.CounselorId))
        {
            return false;
        }

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
    /// longest-idle eligible counsellor not already paired. Calls nobody may take are skipped,
    /// so a hard-to-serve call never blocks the calls behind it.
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
            var index = free.FindIndex(c => IsEligible(call, c, config, now));
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

    /// <summary>Seconds of waiting after which a call should overflow.</summary>
    public static int OverflowThreshold(RoutableCall call, QueueConfig config) =>
        call.IsCrisis ? config.CrisisOverflowAfterSeconds : config.OverflowAfterSeconds;
}
