using HotlineCenter.Abstractions.Counselors;

namespace HotlineCenter.Abstractions.Queues;

/// <summary>
/// The router of one queue (key <c>centre/queue</c>): waiting calls by priority and aging, which
/// counsellors can serve it and since when they are idle, offers in flight with their ring deadlines.
/// Orleans keeps one activation per key, so each queue has exactly one router.
/// </summary>
[Alias("hotline.queue")]
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>Sets the routing configuration (from the centre).</summary>
    [Alias("configure")]
    Task ConfigureAsync(QueueConfig config);

    /// <summary>
    /// Adds a call (idempotent) and returns its 1-based position once the entry is saved. Interleaved with the queue's
    /// other work, so a burst of arrivals is saved together in one write and never waits behind routing: the caller is
    /// answered and kept however far routing has fallen behind. Routing the new call follows in its own turn.
    /// </summary>
    [Alias("enqueue"), AlwaysInterleave]
    Task<int> EnqueueAsync(QueuedCall call);

    /// <summary>Routes what waits now (posted by the queue to itself after arrivals; harmless from anyone else).</summary>
    [Alias("route-waiting"), OneWay]
    Task RouteWaitingAsync();

    /// <summary>Takes a call out (abandoned or moved elsewhere); false when it was not here.</summary>
    [Alias("remove")]
    Task<bool> RemoveAsync(string callId, QueueExit reason);

    /// <summary>A counsellor serving this queue became Available.</summary>
    [Alias("counselor-available"), OneWay]
    Task CounselorAvailableAsync(CounselorAvailability availability);

    /// <summary>A counsellor serving this queue is no longer Available.</summary>
    [Alias("counselor-unavailable"), OneWay]
    Task CounselorUnavailableAsync(string counselorId, long sequence);

    /// <summary>The counsellor accepted the call this queue offered.</summary>
    [Alias("offer-accepted"), OneWay]
    Task OfferAcceptedAsync(string callId, string counselorId);

    /// <summary>The counsellor declined the call this queue offered.</summary>
    [Alias("offer-declined"), OneWay]
    Task OfferDeclinedAsync(string callId, string counselorId);

    /// <summary>The call could not be moved to the overflow target; keep routing it here and retry later.</summary>
    [Alias("overflow-failed")]
    Task OverflowFailedAsync(string callId, string reason);

    /// <summary>The counsellor's device could not be rung (busy, failed, no answer): re-offer now, not at the deadline.</summary>
    [Alias("ring-failed")]
    Task RingFailedAsync(string callId, string counselorId);

    /// <summary>
    /// The provider refused or could not be reached to ring the counsellor: the offer is withdrawn without counting
    /// against them (they stay Available), the call is re-routed at once and the supervisor alerted.
    /// </summary>
    [Alias("ring-not-placed")]
    Task RingNotPlacedAsync(string callId, string counselorId);

    /// <summary>The waiting caller asked to be called back; the entry keeps its place.</summary>
    [Alias("mark-callback")]
    Task MarkCallbackAsync(string callId);

    /// <summary>
    /// A supervisor offers a waiting call to one counsellor, whatever the routing order and skills say.
    /// The counsellor must be free; a rule error otherwise, and the call keeps its place.
    /// </summary>
    [Alias("offer-to")]
    Task OfferToAsync(string callId, string counselorId);

    /// <summary>
    /// The waiting call this queue would offer <paramref name="counselor"/> first, or null; reserves nothing.
    /// Asked by a counsellor who serves several queues when they become free. Always interleaved: a queue awaits
    /// counsellors (reservations), so this read must never wait behind the queue's own turn — it only reads memory.
    /// </summary>
    [Alias("candidate-for"), AlwaysInterleave]
    Task<QueueCandidate?> GetCandidateForAsync(CounselorAvailability counselor);

    /// <summary>Current picture.</summary>
    [Alias("get"), ReadOnly]
    Task<QueueSnapshot> GetAsync();

    /// <summary>Activates the grain so persisted deadlines are re-armed (after a restart).</summary>
    [Alias("wake")]
    Task WakeAsync();
}
