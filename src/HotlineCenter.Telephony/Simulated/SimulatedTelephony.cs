using System.Collections.Concurrent;
using HotlineCenter.Abstractions.Telephony;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Simulated;

/// <summary>An on-call notification the simulated network "placed".</summary>
public sealed record SimulatedOnCallNotification(string CentreId, string ToNumber, string Message, DateTimeOffset At);

/// <summary>A follow-up dial the simulated network placed, and whether the simulated caller picked up.</summary>
public sealed record SimulatedFollowUpDial(string FollowUpId, string CounselorId, string CallerHash, bool Answered, DateTimeOffset At);

/// <summary>What the simulated network is doing with one counsellor's device.</summary>
public sealed record SimulatedLeg(string CallId, string CounselorId, string State, DateTimeOffset Since);

/// <summary>
/// The in-process provider used when no telephony account is configured: the simulated network.
/// It keeps the state a carrier would (which device rings, which call is bridged) so the console can
/// show it, and never blocks a grain.
/// </summary>
/// <param name="grains">Where the simulated caller reports picking up a keep-place callback; null (unit tests) reports nothing.</param>
public sealed class SimulatedTelephony(
    HotlineCenter.Abstractions.Common.HotlineTime time,
    ILogger<SimulatedTelephony> logger,
    IGrainFactory? grains = null) : ITelephonyPort
{
    private readonly ConcurrentDictionary<string, SimulatedLeg> _legs = new();
    private readonly ConcurrentQueue<SimulatedOnCallNotification> _onCall = new();
    private readonly ConcurrentQueue<SimulatedFollowUpDial> _followUps = new();
    private long _callbackDials;

    public string Name => "sim";

    /// <summary>Counsellor legs currently ringing or bridged, by counsellor id.</summary>
    public IReadOnlyDictionary<string, SimulatedLeg> Legs => _legs;

    /// <summary>On-call notifications placed, oldest first (the demo console shows them; tests read them).</summary>
    public IReadOnlyCollection<SimulatedOnCallNotification> OnCallNotifications => _onCall;

    public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken)
    {
        _legs[counselorId] = new SimulatedLeg(callId, counselorId, "ringing", time.Now);
        logger.LogDebug("Simulated ring of counsellor {CounselorId} for call {CallId}", counselorId, callId);
        return Task.CompletedTask;
    }

    public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken)
    {
        if (_legs.TryGetValue(counselorId, out var leg) && leg.CallId == callId && leg.State == "ringing")
        {
            _legs.TryRemove(KeyValuePair.Create(counselorId, leg));
        }

        return Task.CompletedTask;
    }

    public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken)
    {
        _legs[counselorId] = new SimulatedLeg(callId, counselorId, "bridged", time.Now);
        return Task.CompletedTask;
    }

    /// <summary>Whether the simulated caller answers a follow-up dial (the demo console and tests switch it).</summary>
    public bool FollowUpCallersAnswer { get; set; } = true;

    /// <summary>Follow-up dials placed, oldest first.</summary>
    public IReadOnlyCollection<SimulatedFollowUpDial> FollowUpDials => _followUps;

    /// <summary>
    /// Records the dial; an answering caller bridges the counsellor into <c>followup-{id}</c>. Like a carrier's status callback,
    /// the simulated network then reports the dial's outcome to the follow-up (picked up, or no answer); the counsellor
    /// records whether they reached the caller on the desk.
    /// </summary>
    public Task DialFollowUpAsync(string followUpId, int dial, Abstractions.Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken)
    {
        var answered = FollowUpCallersAnswer && caller.EncryptedNumber is not null;
        _followUps.Enqueue(new SimulatedFollowUpDial(followUpId, counselorId, caller.CallerHash, answered, time.Now));
        _legs[counselorId] = new SimulatedLeg($"followup-{followUpId}", counselorId, answered ? "bridged" : "no-answer", time.Now);
        logger.LogInformation("Simulated follow-up {FollowUpId} dialled for counsellor {CounselorId} (answered: {Answered})", followUpId, counselorId, answered);
        if (grains is not null)
        {
            // After the grain's turn (it is awaiting this dial), as the carrier's callback would arrive.
            var outcome = answered ? Abstractions.Caseload.FollowUpDialOutcome.Answered : Abstractions.Caseload.FollowUpDialOutcome.NoAnswer;
            _ = Task.Run(async () =>
            {
                try
                {
                    await grains.GetGrain<Abstractions.Caseload.IFollowUpGrain>(followUpId).ApplyDialOutcomeAsync(dial, outcome);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogWarning(ex, "Simulated follow-up outcome for {FollowUpId} not delivered", followUpId);
                }
            }, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task CallBackCallerAsync(string callId, Abstractions.Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken)
    {
        var answered = CallbackCallersAnswer;
        _legs[counselorId] = new SimulatedLeg(callId, counselorId, answered ? "bridged" : "no-answer", time.Now);
        if (grains is not null)
        {
            // Reported after the grain's turn (it is awaiting this dial), as a carrier's status callback would be.
            var dial = Interlocked.Increment(ref _callbackDials);
            var kind = answered ? Abstractions.Calls.ProviderEventKind.CallbackAnswered : Abstractions.Calls.ProviderEventKind.CallbackNotAnswered;
            _ = Task.Run(async () =>
            {
                try
                {
                    await grains.GetGrain<Abstractions.Calls.ICallGrain>(callId).ApplyAsync(new Abstractions.Calls.ProviderEvent(kind, $"{callId}:sim-callback-{dial}", time.Now, null));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogWarning(ex, "Simulated callback result for call {CallId} not delivered", callId);
                }
            }, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the simulated caller picks up a keep-place callback (the demo console and tests switch it).</summary>
    public bool CallbackCallersAnswer { get; set; } = true;

    /// <summary>The simulated network has no audio: supervision is accepted and logged.</summary>
    public Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken)
    {
        logger.LogInformation("Simulated {Action} by {SupervisorId} on call {CallId}", request.Action, request.SupervisorId, callId);
        return Task.CompletedTask;
    }

    /// <summary>Records the notification; the simulated on-call phone always "rings".</summary>
    public Task NotifyOnCallAsync(string centreId, string toNumber, string message, CancellationToken cancellationToken)
    {
        _onCall.Enqueue(new SimulatedOnCallNotification(centreId, toNumber, message, time.Now));
        logger.LogWarning("Simulated on-call notification for centre {CentreId}", centreId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The rating the simulated caller gives when asked (1–5; null: they hang up without pressing a key). The demo console
    /// and tests set it; the answer reaches the call as the Twilio webhook's would, after the grain's turn.
    /// </summary>
    public int? SurveyRating { get; set; } = 5;

    /// <summary>Calls the simulated network asked the satisfaction question of, oldest first.</summary>
    public IReadOnlyCollection<string> SurveysAsked => _surveys;

    private readonly ConcurrentQueue<string> _surveys = new();

    public async Task AskSatisfactionAsync(string callId, CancellationToken cancellationToken)
    {
        _surveys.Enqueue(callId);
        await HangUpAsync(callId, cancellationToken);
        if (grains is not null && SurveyRating is { } rating)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await grains.GetGrain<Abstractions.Calls.ICallGrain>(callId).RateServiceAsync(rating, $"{callId}:sim-survey");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    logger.LogWarning(ex, "Simulated satisfaction answer for call {CallId} not delivered", callId);
                }
            }, CancellationToken.None);
        }
    }

    public Task HangUpAsync(string callId, CancellationToken cancellationToken)
    {
        foreach (var (counselorId, leg) in _legs)
        {
            if (leg.CallId == callId)
            {
                _legs.TryRemove(KeyValuePair.Create(counselorId, leg));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The simulated caller is put through to the backup line: nothing rings here, the call leaves the system.</summary>
    public Task TransferToNumberAsync(string callId, string number, CancellationToken cancellationToken) => HangUpAsync(callId, cancellationToken);
}
