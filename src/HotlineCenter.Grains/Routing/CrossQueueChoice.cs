using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Grains.Routing;

/// <summary>
/// Which of its queues a counsellor who serves several should be offered a call from when they become free:
/// the most urgent candidate across all of them — a crisis before any other call, then a caller put back at the
/// front, then effective priority, then the longest wait — never simply the queue that asks first.
/// </summary>
public static class CrossQueueChoice
{
    /// <summary>The winning candidate, or null when no queue has a call for the counsellor.</summary>
    public static QueueCandidate? Pick(IEnumerable<QueueCandidate?> candidates)
    {
        QueueCandidate? best = null;
        foreach (var c in candidates)
        {
            if (c is not null && (best is null || Compare(c, best) < 0))
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>Negative when <paramref name="a"/> is to be served before <paramref name="b"/>.</summary>
    public static int Compare(QueueCandidate a, QueueCandidate b)
    {
        if (a.IsCrisis != b.IsCrisis)
        {
            return a.IsCrisis ? -1 : 1;
        }

        if (a.AtFront != b.AtFront)
        {
            return a.AtFront ? -1 : 1;
        }

        var byPriority = b.EffectivePriority.CompareTo(a.EffectivePriority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byWait = a.FirstQueuedAt.CompareTo(b.FirstQueuedAt);
        return byWait != 0 ? byWait : string.CompareOrdinal(a.QueueKey, b.QueueKey);
    }
}
