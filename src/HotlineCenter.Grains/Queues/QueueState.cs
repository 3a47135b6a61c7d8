using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Queues;

[GenerateSerializer]
[Alias("hotline.queue-state")]
public sealed class QueueState
{
    [Id(0)] public QueueConfig? Config { get; set; }
    [Id(1)] public List<WaitingEntry> Waiting { get; set; } = [];
    [Id(3)] public long ArrivalSequence { get; set; }
    [Id(4)] public DateOnly CountersDay { get; set; }
    [Id(5)] public int AnsweredToday { get; set; }
    [Id(6)] public int AbandonedToday { get; set; }
    [Id(7)] public int OverflowedToday { get; set; }
    /// <summary>Counsellors who serve this queue. Who is free right now is kept in memory only (see QueueGrain).</summary>
    [Id(8)] public HashSet<string> CounselorIds { get; set; } = [];
    /// <summary>Waits of the most recently answered calls, oldest first (at most <see cref="WaitEstimate.Kept"/>).</summary>
    [Id(9)] public List<AnsweredWait> RecentWaits { get; set; } = [];

    /// <summary>Remembers how long an answered call waited, keeping only the most recent.</summary>
    public void RecordAnswered(DateTimeOffset at, DateTimeOffset firstQueuedAt, string counselorId)
    {
        RecentWaits.Add(new AnsweredWait(at, Math.Max(0, (at - firstQueuedAt).TotalSeconds), counselorId));
        if (RecentWaits.Count > WaitEstimate.Kept)
        {
            RecentWaits.RemoveRange(0, RecentWaits.Count - WaitEstimate.Kept);
        }
    }

    /// <summary>Counts a call leaving the queue on the China day <paramref name="today"/>; a new day starts from zero.</summary>
    public void CountExit(QueueExit exit, DateOnly today)
    {
        if (CountersDay != today)
        {
            (CountersDay, AnsweredToday, AbandonedToday, OverflowedToday) = (today, 0, 0, 0);
        }

        switch (exit)
        {
            case QueueExit.Abandoned:
                AbandonedToday++;
                break;
            case QueueExit.Overflowed or QueueExit.TransferredToBackup:
                OverflowedToday++;
                break;
            case QueueExit.Answered:
                AnsweredToday++;
                break;
            case QueueExit.Moved:
                // Counted by the queue it moved to, where it is answered or abandoned.
                break;
        }
    }

    /// <summary>The day's counters as of <paramref name="today"/>: yesterday's counts read as zero.</summary>
    public (int Answered, int Abandoned, int Overflowed) CountsOn(DateOnly today) =>
        CountersDay == today ? (AnsweredToday, AbandonedToday, OverflowedToday) : (0, 0, 0);
}

/// <summary>How long one answered call waited, and who answered it.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.queue-answered-wait")]
public sealed record AnsweredWait([property: Id(0)] DateTimeOffset At, [property: Id(1)] double Seconds, [property: Id(2)] string CounselorId);

[GenerateSerializer]
[Alias("hotline.queue-waiting-entry")]
public sealed class WaitingEntry
{
    [Id(0)] public required string CallId { get; set; }
    [Id(1)] public bool IsCrisis { get; set; }
    [Id(2)] public int BasePriority { get; set; }
    [Id(3)] public DateTimeOffset FirstQueuedAt { get; set; }
    [Id(4)] public long Sequence { get; set; }
    [Id(5)] public string? RequiredSkill { get; set; }
    [Id(6)] public string? Language { get; set; }
    /// <summary>Counsellors who missed or declined this call (tried again only after everyone else free).</summary>
    [Id(7)] public HashSet<string> DeclinedBy { get; set; } = [];
    /// <summary>Counsellor being rung for this call, with the ring deadline.</summary>
    [Id(8)] public string? OfferedTo { get; set; }
    [Id(9)] public DateTimeOffset? OfferDeadline { get; set; }
    /// <summary>When the move to the overflow target was requested; the call is not routed here meanwhile.</summary>
    [Id(10)] public DateTimeOffset? OverflowRequestedAt { get; set; }
    /// <summary>Earliest time another overflow may be tried (after a failed one).</summary>
    [Id(11)] public DateTimeOffset? NextOverflowAt { get; set; }
    [Id(12)] public bool OverflowUnavailableReported { get; set; }
    [Id(13)] public bool AtFront { get; set; }
    /// <summary>The caller hung up after asking to be called back; offering it means dialling them.</summary>
    [Id(14)] public bool IsCallback { get; set; }
    /// <summary>Counsellors already tried with this call, and from when they may be offered it again.</summary>
    [Id(15)] public Dictionary<string, DateTimeOffset> RetryAt { get; set; } = [];
    /// <summary>A ring-failed alert was raised for this call (resolved when it leaves the queue).</summary>
    [Id(16)] public bool RingFailureRaised { get; set; }
    /// <summary>When the call entered this queue (after an overflow: later than <see cref="FirstQueuedAt"/>); null before the field existed.</summary>
    [Id(70)] public DateTimeOffset? EnteredAt { get; set; }

    /// <summary>Rings <paramref name="counselorId"/> until <paramref name="deadline"/>.</summary>
    public void Offer(string counselorId, DateTimeOffset deadline) => (OfferedTo, OfferDeadline) = (counselorId, deadline);

    /// <summary>The offer ended leaving no mark (a reservation that failed, an offer withdrawn).</summary>
    public void ClearOffer() => (OfferedTo, OfferDeadline) = (null, null);

    /// <summary>
    /// The offer to <paramref name="counselorId"/> ended without an answer: they are remembered as tried, so the
    /// call goes to someone else first and back to them from <paramref name="retryAt"/>. A missed or declined offer
    /// also counts against them (<see cref="DeclinedBy"/>); a ring the provider never placed does not.
    /// </summary>
    public void ClearOffer(string counselorId, TryOutcome outcome, DateTimeOffset retryAt)
    {
        ClearOffer();
        if (outcome != TryOutcome.RingNotPlaced)
        {
            DeclinedBy.Add(counselorId);
        }

        RetryAt[counselorId] = retryAt;
    }
}
