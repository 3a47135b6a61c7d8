using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Grains.Counselors;

[GenerateSerializer]
[Alias("hotline.counselor-state")]
public sealed class CounselorState
{
    [Id(0)] public CounselorProfile? Profile { get; set; }
    [Id(1)] public PresenceState State { get; set; } = PresenceState.Offline;
    [Id(2)] public DateTimeOffset StateSince { get; set; }
    [Id(3)] public DateTimeOffset? IdleSince { get; set; }
    /// <summary>The call this counsellor is reserved for, on call with, or wrapping up.</summary>
    [Id(4)] public OfferTerms? Reservation { get; set; }
    [Id(5)] public DateTimeOffset? WrapUpUntil { get; set; }
    [Id(6)] public List<PresenceChange> Recent { get; set; } = [];
    /// <summary>Bumped on every presence change so queues can drop stale availability notices.</summary>
    [Id(7)] public long Sequence { get; set; }
    [Id(8)] public DateTimeOffset? OfferedAt { get; set; }
    [Id(9)] public int OfferRingSeconds { get; set; }
    /// <summary>The last calls this counsellor accepted, so a queue recovering from a crash never re-offers one.</summary>
    [Id(10)] public List<string> AcceptedCallIds { get; set; } = [];
    [Id(11)] public DateTimeOffset? HandRaisedAt { get; set; }
    [Id(12)] public List<HandledCall> Handled { get; set; } = [];
    [Id(13)] public DateTimeOffset? DecompressionUntil { get; set; }
    /// <summary>Crisis calls handled since signing in (the router's per-shift cap reads it).</summary>
    [Id(14)] public int HighRiskCallsThisShift { get; set; }
    [Id(15)] public DateTimeOffset? ShiftStartedAt { get; set; }
    /// <summary>The latest debriefs, oldest first.</summary>
    [Id(16)] public List<Debrief> Debriefs { get; set; } = [];
}
