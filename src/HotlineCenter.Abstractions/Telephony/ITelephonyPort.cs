namespace HotlineCenter.Abstractions.Telephony;

/// <summary>
/// What the core asks of a telephony provider, in provider-neutral words. Grains call it; adapters
/// (simulated, Twilio, a SIP trunk) implement it. Implementations must return quickly: slow provider
/// work is queued and its outcome reported back as provider events.
/// </summary>
public interface ITelephonyPort
{
    /// <summary>Short provider name stored on calls, e.g. <c>sim</c> or <c>twilio</c>.</summary>
    string Name { get; }

    /// <summary>Ring a counsellor's device for a call.</summary>
    Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken);

    /// <summary>
    /// Ring a counsellor for an offer that a lost node may or may not have rung (the queue found the saved offer on a new
    /// activation): an adapter that can see the ring already going out leaves it alone, so nobody is rung twice. The
    /// default rings as usual, for providers where a second ring of the same leg changes nothing.
    /// </summary>
    Task RingCounselorAgainAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) =>
        RingCounselorAsync(callId, counselorId, ringTimeout, cancellationToken);

    /// <summary>Stop ringing (offer lapsed, declined or cancelled).</summary>
    Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken);

    /// <summary>Bridge the counsellor into the caller's conference.</summary>
    Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken);

    /// <summary>Dial a caller who asked to be called back and bridge them with the counsellor who took the callback.</summary>
    Task CallBackCallerAsync(string callId, Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken);

    /// <summary>
    /// Call a caller back for a follow-up (回访) from the desk: the counsellor's device and the caller's number (decrypted
    /// by the adapter, on the server) join the conference <c>followup-{followUpId}</c>. The provider reports the caller
    /// leg's final status as dial <paramref name="dial"/> of the follow-up (<c>IFollowUpGrain.ApplyDialOutcomeAsync</c>).
    /// The default refuses, so adapters outside this repository keep compiling and a dial they cannot place is logged, never silent.
    /// </summary>
    Task DialFollowUpAsync(string followUpId, int dial, Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Telephony provider '{Name}' cannot dial follow-ups.");

    /// <summary>A supervisor's action on a live call (monitor, whisper, barge, hold, add a party, hang up).</summary>
    Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken);

    /// <summary>End the call for every party.</summary>
    Task HangUpAsync(string callId, CancellationToken cancellationToken);

    /// <summary>
    /// The counsellor left: take the caller out of the conversation and ask the centre's satisfaction question (the answer
    /// comes back as <c>ICallGrain.RateServiceAsync</c>); the call then ends. The default ends the call without asking, so a
    /// provider that cannot ask still hangs up.
    /// </summary>
    Task AskSatisfactionAsync(string callId, CancellationToken cancellationToken) => HangUpAsync(callId, cancellationToken);

    /// <summary>
    /// Transfer the waiting caller to another number (the province's backup line): the caller leaves the conference and the
    /// provider dials <paramref name="number"/> for them. The default refuses, so the call keeps waiting rather than vanishing.
    /// </summary>
    Task TransferToNumberAsync(string callId, string number, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Telephony provider '{Name}' cannot transfer a call.");

    /// <summary>
    /// Call (or text) a centre's on-call number with a spoken message ("a crisis is waiting at …"), never caller data.
    /// The default refuses, so a provider that cannot do it is recorded as a failed notification rather than a silent one.
    /// </summary>
    Task NotifyOnCallAsync(string centreId, string toNumber, string message, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Telephony provider '{Name}' cannot notify an on-call number.");
}
