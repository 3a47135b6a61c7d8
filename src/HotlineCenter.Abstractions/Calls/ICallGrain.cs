namespace HotlineCenter.Abstractions.Calls;

/// <summary>
/// One call, keyed by the provider's call id. Owns the call's life and timeline and the set of
/// provider event keys already applied. It awaits queues and counsellors; they only notify it one-way.
/// </summary>
[Alias("hotline.call")]
public interface ICallGrain : IGrainWithStringKey
{
    /// <summary>The provider reports a new call; answers what to play.</summary>
    [Alias("arrive")]
    Task<CallInstruction> ArriveAsync(CallArrival arrival);

    /// <summary>The caller chose from the menu; the call is queued.</summary>
    [Alias("choose")]
    Task<CallInstruction> ChooseAsync(IvrChoice choice);

    /// <summary>Applies a provider event once, tolerating duplicates and late arrivals.</summary>
    [Alias("apply")]
    Task<CallSnapshot> ApplyAsync(ProviderEvent providerEvent);

    /// <summary>The waiting caller pressed "call me back": keep the place, let the caller hang up.</summary>
    [Alias("request-callback")]
    Task<CallInstruction> RequestCallbackAsync(string eventKey);

    /// <summary>Stores (or updates) a recording's metadata, applied once per event key.</summary>
    [Alias("apply-recording")]
    Task<CallSnapshot> ApplyRecordingAsync(RecordingInfo recording, string eventKey);

    /// <summary>The counsellor ends the call from the console.</summary>
    [Alias("end-by-counselor")]
    Task<CallSnapshot> EndByCounselorAsync(string counselorId);

    /// <summary>Snapshot with timeline.</summary>
    [Alias("get"), ReadOnly]
    Task<CallSnapshot> GetAsync();

    /// <summary>Queue notification: the call is being offered to a counsellor.</summary>
    [Alias("on-offered"), OneWay]
    Task OnOfferedAsync(string queueKey, string counselorId);

    /// <summary>Queue notification: the offer ran out or was declined; the call waits again.</summary>
    [Alias("on-offer-lapsed"), OneWay]
    Task OnOfferLapsedAsync(string queueKey, string counselorId, bool declined);

    /// <summary>Counsellor notification: they accepted the call.</summary>
    [Alias("on-accepted"), OneWay]
    Task OnAcceptedAsync(string counselorId);

    /// <summary>Queue request: move to another queue (overflow). The call enqueues there, then leaves the old one.</summary>
    [Alias("on-overflow"), OneWay]
    Task OnOverflowAsync(string fromQueueKey, string targetQueueKey);

    /// <summary>
    /// Queue request: the call waited past the overflow threshold in a queue with no overflow target; transfer it to the
    /// centre's backup number. The provider is asked first, the call leaves the queue second; a refusal keeps it waiting.
    /// </summary>
    [Alias("on-transfer-to-backup"), OneWay]
    Task OnTransferToBackupAsync(string fromQueueKey, string number);

    /// <summary>
    /// The provider could not carry out a transfer to the backup number after all (it failed for good after the port had
    /// accepted it): the call goes back to the front of the queue it left, so it is never dropped. Idempotent.
    /// </summary>
    [Alias("transfer-failed")]
    Task TransferFailedAsync();

    /// <summary>Queue notification: overflow is due but no target can take the call; it keeps waiting.</summary>
    [Alias("on-overflow-unavailable"), OneWay]
    Task OnOverflowUnavailableAsync(string queueKey, string reason);

    /// <summary>
    /// The caller's key (keyed hash) for the staff member the call is offered or connected to, or who handled it;
    /// anyone else gets a rule error, so a counsellor cannot read another counsellor's caller.
    /// </summary>
    [Alias("caller-key-for"), ReadOnly]
    Task<string?> GetCallerKeyForAsync(string staffId);

    /// <summary>
    /// The caller reference (hash, masked and encrypted number) for the staff member on the call, so a crisis case
    /// can keep the number for a dispatch sheet; server-side only, the web must never hand it to a browser.
    /// </summary>
    [Alias("caller-ref-for"), ReadOnly]
    Task<CallerRef?> GetCallerRefForAsync(string staffId);

    /// <summary>Time-stamps a risk assessment or a crisis case opening on the call's timeline (staff on the call only).</summary>
    [Alias("note-crisis")]
    Task NoteCrisisAsync(TimelineKind kind, string staffId, string detail);

    /// <summary>The counsellor on the call declares a crisis: the call is marked, the shift is alerted, a case opens.</summary>
    [Alias("declare-crisis")]
    Task<CallSnapshot> DeclareCrisisAsync(string counselorId);

    /// <summary>A supervisor moves a waiting call to another queue of the centre (it keeps its waiting time).</summary>
    [Alias("move-to-queue")]
    Task<CallSnapshot> MoveToQueueAsync(string targetQueueKey, string supervisorId);

    /// <summary>A supervisor (already listening in) takes the call over; the counsellor goes to wrap-up.</summary>
    [Alias("take-over")]
    Task<CallSnapshot> TakeOverAsync(string supervisorId);

    /// <summary>
    /// A supervisor blocks this call's caller for <paramref name="days"/> with a reason (never by a typed number);
    /// refused for a withheld number. Returns the entry the centre's block list shows.
    /// </summary>
    [Alias("block-caller")]
    Task<Callers.BlockedCaller> BlockCallerAsync(string supervisorId, string reason, int days);

    /// <summary>
    /// The provider's id of the call's conference (Twilio's <c>CF…</c> ConferenceSid), learnt from a conference callback or
    /// from adding a participant; a newer conference (a keep-place callback opens one) replaces the old one.
    /// </summary>
    [Alias("note-conference")]
    Task NoteConferenceAsync(string conferenceSid);

    /// <summary>
    /// The provider took the keep-place callback dial (or may have: its status callbacks will tell). Until then a new
    /// activation of the call dials again, since the node that queued the dial may have been lost with it.
    /// </summary>
    [Alias("note-callback-placed")]
    Task NoteCallbackPlacedAsync();

    /// <summary>The provider reports the conference ended; a later one is looked up afresh.</summary>
    [Alias("conference-ended")]
    Task ConferenceEndedAsync(string conferenceSid);

    /// <summary>
    /// Whether the waiting caller should now be offered a keep-place callback: true once per call, when it has waited
    /// the centre's <c>CallbackOfferAfterSeconds</c> and can be called back; the claim is saved, so every node agrees.
    /// </summary>
    [Alias("claim-callback-offer")]
    Task<bool> ClaimCallbackOfferAsync();

    /// <summary>
    /// The caller's answer to the satisfaction question (1–5), once per call and only after it was asked; a repeated
    /// answer is ignored. A rating outside 1–5 or on a call that was not asked is refused.
    /// </summary>
    [Alias("rate-service")]
    Task<CallSnapshot> RateServiceAsync(int rating, string eventKey);

    /// <summary>
    /// The caller reference (with the sealed number) for a break-glass reveal; called only by
    /// <see cref="IUnmaskGrantGrain"/> after it checked a valid grant. Server side only, never handed to a browser.
    /// </summary>
    [Alias("caller-ref-for-unmask")]
    Task<CallerRef?> GetCallerRefForUnmaskAsync();

    /// <summary>
    /// The record grain tells the call that this counsellor's part is submitted (after it handed the caller reference to
    /// the follow-up and crisis case that need it): once the call is over, no callback is pending and every counsellor's
    /// part is in, the call drops the encrypted number (<c>RetentionRules.CallNeedsNumber</c>).
    /// </summary>
    [Alias("record-part-submitted")]
    Task RecordPartSubmittedAsync(string counselorId);

    /// <summary>The retention purge: a call that is over and arrived at or before <paramref name="cutoff"/> is deleted.</summary>
    [Alias("purge")]
    Task<Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff);

    /// <summary>The provider deleted these recordings (retention): their metadata leaves the call, the timeline says so.</summary>
    [Alias("recordings-deleted")]
    Task RecordingsDeletedAsync(System.Collections.Immutable.ImmutableArray<string> recordingSids);
}
