namespace HotlineCenter.Abstractions.Counselors;

/// <summary>
/// One counsellor: profile and presence. The single arbiter of which call a counsellor is reserved for.
/// It never awaits a call, and a queue only through its always-interleaved candidate read (queues await it);
/// everything else it tells them one-way.
/// </summary>
[Alias("hotline.counselor")]
public interface ICounselorGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the profile (skills, languages, queues).</summary>
    [Alias("set-profile")]
    Task SetProfileAsync(CounselorProfile profile);

    /// <summary>Current state, profile and recent changes.</summary>
    [Alias("get"), ReadOnly]
    Task<CounselorSnapshot> GetAsync();

    /// <summary>A counsellor's own presence choice: Offline, Available, Break, Training or Supervision.</summary>
    [Alias("change-presence")]
    Task<CounselorSnapshot> ChangePresenceAsync(PresenceState target, string reason);

    /// <summary>Reserves an Available counsellor for a call; false when someone else got there first.</summary>
    [Alias("try-reserve")]
    Task<bool> TryReserveAsync(Queues.OfferTerms terms);

    /// <summary>The queue this counsellor chose as the most urgent has no call for them after all: choose again.</summary>
    [Alias("preference-passed"), OneWay]
    Task PreferencePassedAsync(string queueKey);

    /// <summary>The counsellor accepts (console) or answers (provider) the call offered to them.</summary>
    [Alias("accept-offer")]
    Task<CounselorSnapshot> AcceptOfferAsync(string callId);

    /// <summary>The counsellor declines the call offered to them; it goes to someone else.</summary>
    [Alias("decline-offer")]
    Task<CounselorSnapshot> DeclineOfferAsync(string callId);

    /// <summary>The queue's ring timer ran out; decides the race with a late accept.</summary>
    [Alias("offer-timed-out")]
    Task<OfferTimeoutOutcome> OfferTimedOutAsync(string callId);

    /// <summary>
    /// The provider could not ring this counsellor for the call: a still-open offer is withdrawn and they are
    /// Available again, without a mark (TimedOut means exactly that here); AlreadyAccepted if they answered anyway.
    /// </summary>
    [Alias("ring-not-placed")]
    Task<OfferTimeoutOutcome> RingNotPlacedAsync(string callId);

    /// <summary>The call offered to this counsellor went away (caller hung up, overflowed).</summary>
    [Alias("cancel-offer")]
    Task CancelOfferAsync(string callId);

    /// <summary>
    /// The call this counsellor is on ended: start wrap-up, or Decompression after a crisis call when the centre has it.
    /// The call tells what it knows (<paramref name="facts"/>), so the counsellor never has to ask the call or the centre.
    /// </summary>
    [Alias("call-ended")]
    Task CallEndedAsync(string callId, CallEndFacts? facts = null);

    /// <summary>A supervisor ends the counsellor's decompression early (they are Available again).</summary>
    [Alias("end-decompression")]
    Task<CounselorSnapshot> EndDecompressionAsync(string supervisorId, string reason);

    /// <summary>The counsellor's short debrief of a crisis call they handled.</summary>
    [Alias("save-debrief")]
    Task<CounselorSnapshot> SaveDebriefAsync(string callId, string note);

    /// <summary>The counsellor's debriefs, newest first (for their supervisor).</summary>
    [Alias("debriefs"), ReadOnly]
    Task<System.Collections.Immutable.ImmutableArray<Debrief>> GetDebriefsAsync();

    /// <summary>The counsellor finished wrap-up early (record submitted).</summary>
    [Alias("complete-wrap-up")]
    Task<CounselorSnapshot> CompleteWrapUpAsync();

    /// <summary>The counsellor asks the duty supervisor for help (raise hand), or withdraws the request.</summary>
    [Alias("set-hand")]
    Task<CounselorSnapshot> SetHandRaisedAsync(bool raised);

    /// <summary>Activates the grain so persisted deadlines are re-armed (after a restart).</summary>
    [Alias("wake")]
    Task WakeAsync();

    /// <summary>Calls this counsellor accepted since the given time, newest first (their shift's work).</summary>
    [Alias("handled-calls"), ReadOnly]
    Task<System.Collections.Immutable.ImmutableArray<HandledCall>> GetHandledCallsAsync(DateTimeOffset since);
}
