using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// How long each kind of Twilio command may keep trying, from when it is posted. A ring that arrives after the
/// counsellor's ring timeout is useless, a supervisor waits for their click, a callback to a caller can wait longer.
/// </summary>
public static class TwilioBudgets
{
    /// <summary>Seconds, not milliseconds: half the ring timeout, between 2 and 10 s (a crisis ring keeps trying).</summary>
    public static TimeSpan Ring(TimeSpan ringTimeout) =>
        TimeSpan.FromSeconds(Math.Clamp(ringTimeout.TotalSeconds / 2, 2, 10));

    public static TimeSpan StopRinging { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Monitor, whisper, barge, hold, mute: a person waits for the outcome.</summary>
    public static TimeSpan Supervision { get; } = TimeSpan.FromSeconds(5);

    public static TimeSpan HangUp { get; } = TimeSpan.FromSeconds(10);

    public static TimeSpan Callback { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Two legs, the counsellor waiting at the desk.</summary>
    public static TimeSpan FollowUp { get; } = TimeSpan.FromSeconds(15);

    public static TimeSpan OfferCallback { get; } = TimeSpan.FromSeconds(5);

    /// <summary>An unacknowledged crisis: worth trying for longer.</summary>
    public static TimeSpan NotifyOnCall { get; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The core's telephony requests carried out on Twilio: a counsellor is rung by adding them as a participant
/// of the caller's conference (<c>call-{CallSid}</c>, created by that first request if need be), on their phone or
/// in the browser softphone; a callback is a new outbound call that joins the same conference. Only that create
/// accepts the friendly name: every later change of a participant (stop ringing, hold, mute, barge) goes through
/// the conference's <c>CF…</c> SID, which the call grain learns from the create's answer and the conference
/// callbacks, else looked up by friendly name. Grain requests run on <see cref="TwilioCommandQueue"/> within
/// <see cref="TwilioBudgets"/>; one that fails for good raises an alert.
/// </summary>
public sealed class TwilioTelephonyPort(
    TwilioCommandQueue commands,
    TwilioRestClient rest,
    IGrainFactory grains,
    CallerIdentityProtector identity,
    IOptions<TwilioOptions> options,
    ILogger<TwilioTelephonyPort> logger) : ITelephonyPort
{
    public string Name => "twilio";

    public static string Conference(string callId) => $"call-{callId}";

    public static string CounselorLabel(string counselorId) => $"counselor-{counselorId}";

    public static string SupervisorLabel(string supervisorId) => $"supervisor-{supervisorId}";

    public const string CallerLabel = "caller";

    public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) =>
        RingAsync(callId, counselorId, ringTimeout, again: false, cancellationToken);

    /// <summary>
    /// A ring a lost node may have sent: the conference's participants are read first (the counsellor's label), and the
    /// counsellor is rung only when their leg is not there, so a ring that did go out is never sent twice.
    /// </summary>
    public Task RingCounselorAgainAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) =>
        RingAsync(callId, counselorId, ringTimeout, again: true, cancellationToken);

    private Task RingAsync(string callId, string counselorId, TimeSpan ringTimeout, bool again, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"ring {counselorId} for {callId}{(again ? " again" : "")}", TwilioBudgets.Ring(ringTimeout), async (api, ct) =>
        {
            try
            {
                if (again && await OnConferenceAsync(callId, api, async sid => await api.FetchParticipantAsync(sid, CounselorLabel(counselorId), ct) is not null, lookAgain: false, ct))
                {
                    logger.LogInformation("Counsellor {CounselorId} is already being rung for call {CallId}; not rung twice", counselorId, callId);
                    return;
                }

                var to = await CounselorDeviceAsync(counselorId);
                var urls = new TwilioUrls(options.Value.PublicBaseUrl);
                var rung = await api.AddParticipantAsync(Conference(callId), new AddParticipantRequest(options.Value.PhoneNumber, to)
                {
                    Label = CounselorLabel(counselorId),
                    StartConferenceOnEnter = true,
                    EndConferenceOnExit = false,
                    Beep = false,
                    Timeout = (int)Math.Clamp(ringTimeout.TotalSeconds, 5, 600),
                    StatusCallback = urls.CounselorStatus(callId, counselorId),
                    StatusCallbackEvents = ["initiated", "ringing", "answered", "completed"],
                }, ct);
                await LearnConferenceAsync(callId, rung.ConferenceSid);
            }
            catch (TwilioApiException ex)
            {
                // Twilio refused or could not be reached (HTTP 0): the counsellor was never rung, so this is not
                // their miss. Tell the call now rather than waiting out the ring timeout.
                logger.LogWarning("Ringing counsellor {CounselorId} for call {CallId} failed: Twilio {Code} / HTTP {Status}", counselorId, callId, ex.Code, ex.HttpStatus);
                if (ex.MayHaveBeenCarriedOut)
                {
                    // It may be ringing all the same: take it back before the call goes to someone else.
                    await TryAsync(() => RemoveParticipantAsync(callId, CounselorLabel(counselorId), rest.Within(TwilioBudgets.StopRinging), ct));
                }

                await grains.GetGrain<ICallGrain>(callId).ApplyAsync(new ProviderEvent(
                    ProviderEventKind.CounselorRingFailed, $"{callId}:{counselorId}:ring-failed:{Guid.NewGuid():N}", default, counselorId));
            }
        }), cancellationToken).AsTask();

    public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"stop ringing {counselorId} for {callId}", TwilioBudgets.StopRinging,
            (api, ct) => RemoveParticipantAsync(callId, CounselorLabel(counselorId), api, ct))
        {
            OnFailed = _ => TwilioFailureAlerts.RaiseForCallAsync(grains, callId, "stop-ringing", counselorId),
        }, cancellationToken).AsTask();

    /// <summary>On Twilio the counsellor is connected by answering their leg; nothing more to do.</summary>
    public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The caller's call is redirected to the survey's TwiML (which takes them out of the conference, ending it); a redirect
    /// that fails for good ends the call as a hang-up would, so no caller is left in an empty conference.
    /// </summary>
    public Task AskSatisfactionAsync(string callId, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"survey {callId}", TwilioBudgets.HangUp, async (api, ct) =>
        {
            try
            {
                await api.UpdateCallAsync(callId, TwilioSurvey.AskUrl(options.Value.PublicBaseUrl, callId), null, complete: false, ct);
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                // The caller hung up first: nobody to ask.
            }
        })
        {
            OnFailed = _ => HangUpAsync(callId, CancellationToken.None),
        }, cancellationToken).AsTask();

    /// <summary>
    /// The caller waited past the last overflow threshold: their call is redirected out of the conference to TwiML that dials
    /// the backup line (the number is configuration, never caller data). A redirect that fails for good puts the call back
    /// in its queue (<c>ICallGrain.TransferFailedAsync</c>) and raises an alert, so it is never dropped.
    /// </summary>
    public Task TransferToNumberAsync(string callId, string number, CancellationToken cancellationToken)
    {
        var twiml = new TwimlResponse()
            .Say(TransferNotice, "Polly.Zhiyu", "cmn-CN")
            .Dial(d => d.Number(number), timeout: 30)
            .ToXml();
        return commands.PostAsync(new TwilioCommand($"transfer {callId}", TwilioBudgets.HangUp, async (api, ct) =>
        {
            try
            {
                await api.UpdateCallAsync(callId, null, twiml, complete: false, ct);
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                // The caller hung up first: nobody to put through, and nothing to put back in the queue.
            }
        })
        {
            OnFailed = async _ =>
            {
                await grains.GetGrain<ICallGrain>(callId).TransferFailedAsync();
                await TwilioFailureAlerts.RaiseForCallAsync(grains, callId, "transfer");
            },
        }, cancellationToken).AsTask();
    }

    /// <summary>What the caller hears before the backup line rings.</summary>
    public const string TransferNotice = "当前咨询员均忙，正在为您转接备用热线，请不要挂机。";

    public Task CallBackCallerAsync(string callId, CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"call back {callId}", TwilioBudgets.Callback, async (api, ct) =>
        {
            var number = identity.RevealForDialling(caller)
                ?? throw new TwilioApiException(0, null, "The callback number cannot be decrypted.", null);
            var urls = new TwilioUrls(options.Value.PublicBaseUrl);
            var twiml = new TwimlResponse()
                .Say("您好，这里是12356心理援助热线，您之前请求了回电，现在为您接通咨询员。", "Polly.Zhiyu", "cmn-CN")
                .Dial(d => d.Conference(Conference(callId), new ConferenceOptions
                {
                    StartConferenceOnEnter = true,
                    EndConferenceOnExit = true,
                    Beep = false,
                    ParticipantLabel = CallerLabel,
                    StatusCallback = urls.ConferenceStatus(callId),
                    StatusCallbackEvents = ["start", "end", "join", "leave"],
                }))
                .ToXml();
            await api.CreateCallAsync(new CreateCallRequest(number, options.Value.PhoneNumber)
            {
                Twiml = twiml,
                // Answered and the final status: no answer / busy / failed retries the callback, a pick-up counts it answered.
                StatusCallback = urls.CallbackStatus(callId),
                StatusCallbackEvents = ["answered", "completed"],
                Timeout = 30,
            }, ct);
            await NoteCallbackPlacedAsync(callId);
        })
        {
            OnFailed = async failure =>
            {
                if (failure is TwilioApiException { MayHaveBeenCarriedOut: true })
                {
                    // Perhaps dialled: never dialled again on a restart, its status callbacks decide.
                    await NoteCallbackPlacedAsync(callId);
                }
                else
                {
                    // Certainly not dialled: the call's own retry schedule takes over, and the counsellor is released.
                    await grains.GetGrain<ICallGrain>(callId).ApplyAsync(new ProviderEvent(
                        ProviderEventKind.CallbackNotAnswered, $"{callId}:callback-not-placed:{Guid.NewGuid():N}", default, null));
                }

                // Perhaps dialled (its status callbacks will tell) or not at all: either way the supervisor should know.
                await TwilioFailureAlerts.RaiseForCallAsync(grains, callId, "callback", counselorId);
            },
        }, cancellationToken).AsTask();

    public static string FollowUpConference(string followUpId) => $"followup-{followUpId}";

    /// <summary>
    /// Two legs into <c>followup-{id}</c>: the counsellor's device first, then the caller's number, decrypted here for this
    /// REST request only. The caller's leg reports its final status (busy, no answer, failed, completed) to the follow-up
    /// webhook as dial <paramref name="dial"/>, which records it on the follow-up beside the counsellor's own record.
    /// </summary>
    public Task DialFollowUpAsync(string followUpId, int dial, CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"follow-up {followUpId} dial {dial}", TwilioBudgets.FollowUp, async (api, ct) =>
        {
            var number = identity.RevealForDialling(caller)
                ?? throw new TwilioApiException(0, null, "The follow-up number cannot be decrypted.", null);
            var device = await CounselorDeviceAsync(counselorId);
            var conference = FollowUpConference(followUpId);
            var urls = new TwilioUrls(options.Value.PublicBaseUrl);
            await api.AddParticipantAsync(conference, new AddParticipantRequest(options.Value.PhoneNumber, device)
            {
                Label = CounselorLabel(counselorId), StartConferenceOnEnter = true, EndConferenceOnExit = true, Beep = false, Timeout = 30,
            }, ct);
            await api.AddParticipantAsync(conference, new AddParticipantRequest(options.Value.PhoneNumber, number)
            {
                Label = CallerLabel, StartConferenceOnEnter = true, EndConferenceOnExit = true, Beep = false, Timeout = 30,
                StatusCallback = urls.FollowUpStatus(followUpId, dial),
                StatusCallbackEvents = ["answered", "completed"],
            }, ct);
        })
        {
            OnFailed = async failure =>
            {
                logger.LogWarning("Follow-up {FollowUpId} by counsellor {CounselorId} could not be dialled", followUpId, counselorId);
                var followUp = grains.GetGrain<IFollowUpGrain>(followUpId);
                if (failure is not TwilioApiException { MayHaveBeenCarriedOut: true })
                {
                    await followUp.ApplyDialOutcomeAsync(dial, FollowUpDialOutcome.Failed);
                }

                await TwilioFailureAlerts.RaiseForCentreAsync(grains, (await followUp.GetAsync()).CentreId, "follow-up", followUpId, counselorId);
            },
        }, cancellationToken).AsTask();

    /// <summary>
    /// Supervision is awaited (not queued) so the supervisor sees at once whether it worked. Add-party may come from a
    /// crisis case grain's turn, so it reads no grain; the other changes read the call's conference SID.
    /// </summary>
    public async Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await SuperviseOnTwilioAsync(callId, request, rest.Within(TwilioBudgets.Supervision), cancellationToken);
        }
        catch (TwilioApiException ex)
        {
            logger.LogWarning("Supervisor {SupervisorId}: {Action} on call {CallId} refused: Twilio {Code} / HTTP {Status}", request.SupervisorId, request.Action, callId, ex.Code, ex.HttpStatus);
            throw TwilioRefusal.From(ex);
        }

        logger.LogInformation("Supervisor {SupervisorId}: {Action} on call {CallId}", request.SupervisorId, request.Action, callId);
    }

    private async Task SuperviseOnTwilioAsync(string callId, SupervisionRequest request, TwilioRestClient api, CancellationToken ct)
    {
        var label = SupervisorLabel(request.SupervisorId);
        var from = options.Value.PhoneNumber;
        switch (request.Action)
        {
            case SupervisionAction.Monitor:
                // Already listening (whispering, barged in): back to listening only, on the same leg.
                if (!await UpdateParticipantAsync(callId, label, new UpdateParticipantRequest { Muted = true, Coaching = false }, api, ct))
                {
                    await api.AddParticipantAsync(Conference(callId), new AddParticipantRequest(from, SupervisorDevice(request.SupervisorId))
                    {
                        Label = label, Muted = true, Beep = false, StartConferenceOnEnter = false, EndConferenceOnExit = false,
                    }, ct);
                }

                break;
            case SupervisionAction.Whisper:
                var leg = request.CounselorLegId ?? throw new TwilioApiException(409, null, "The counsellor's leg is not known yet; whisper needs it.", null);
                if (!await UpdateParticipantAsync(callId, label, new UpdateParticipantRequest { Muted = false, Coaching = true, CallSidToCoach = leg }, api, ct))
                {
                    await api.AddParticipantAsync(Conference(callId), new AddParticipantRequest(from, SupervisorDevice(request.SupervisorId))
                    {
                        Label = label, Muted = false, Coaching = true, CallSidToCoach = leg, Beep = false, EndConferenceOnExit = false,
                    }, ct);
                }

                break;
            case SupervisionAction.Barge:
                await RequireUpdateAsync(callId, label, new UpdateParticipantRequest { Muted = false, Coaching = false }, api, ct);
                break;
            case SupervisionAction.Hold or SupervisionAction.Unhold:
                await RequireUpdateAsync(callId, CallerLabel, new UpdateParticipantRequest { Hold = request.Action == SupervisionAction.Hold }, api, ct);
                break;
            case SupervisionAction.AddParty:
                await api.AddParticipantAsync(Conference(callId), new AddParticipantRequest(from, request.PartyNumber!)
                {
                    Label = $"party-{request.PartyNumber![Math.Max(0, request.PartyNumber!.Length - 4)..]}", EarlyMedia = true, EndConferenceOnExit = false, Beep = false,
                }, ct);
                break;
            case SupervisionAction.Mute or SupervisionAction.Unmute:
                // Acting party is the counsellor: their own leg, named by its label.
                await RequireUpdateAsync(callId, CounselorLabel(request.SupervisorId), new UpdateParticipantRequest { Muted = request.Action == SupervisionAction.Mute }, api, ct);
                break;
            case SupervisionAction.HangUp:
                await api.UpdateCallAsync(callId, null, null, complete: true, ct);
                break;
        }
    }

    /// <summary>
    /// Rings the centre's on-call number and speaks the message (no caller data is ever in it), repeated so a
    /// sleepy listener catches it. Queued like every REST call from a grain; a failure raises an alert in the centre.
    /// </summary>
    public Task NotifyOnCallAsync(string centreId, string toNumber, string message, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"notify on-call of {centreId}", TwilioBudgets.NotifyOnCall, async (api, ct) =>
        {
            var twiml = new TwimlResponse().Say(message, voice: null, language: "zh-CN", loop: 3).ToXml();
            await api.CreateCallAsync(new CreateCallRequest(toNumber, options.Value.PhoneNumber) { Twiml = twiml, Timeout = 30 }, ct);
            logger.LogWarning("On-call number of centre {CentreId} called about a waiting crisis", centreId);
        })
        {
            OnFailed = _ => TwilioFailureAlerts.RaiseForCentreAsync(grains, centreId, "on-call", critical: true),
        }, cancellationToken).AsTask();

    public Task HangUpAsync(string callId, CancellationToken cancellationToken) =>
        commands.PostAsync(new TwilioCommand($"hang up {callId}", TwilioBudgets.HangUp, async (api, ct) =>
        {
            try
            {
                await api.UpdateCallAsync(callId, null, null, complete: true, ct);
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                // The caller's leg ended already.
            }
        })
        {
            OnFailed = _ => TwilioFailureAlerts.RaiseForCallAsync(grains, callId, "hang-up"),
        }, cancellationToken).AsTask();

    private async Task<string> CounselorDeviceAsync(string counselorId)
    {
        var profile = (await grains.GetGrain<ICounselorGrain>(counselorId).GetAsync()).Profile;
        return profile?.Device is { Kind: DeviceKind.Phone, PhoneNumber: { } number } ? number : $"client:{counselorId}";
    }

    /// <summary>The supervisor's configured phone, else their browser softphone on the wallboard.</summary>
    private string SupervisorDevice(string supervisorId) =>
        options.Value.SupervisorPhones.GetValueOrDefault(supervisorId) is { Length: > 0 } phone ? phone : $"client:{supervisorId}";

    private async Task<bool> RemoveParticipantAsync(string callId, string label, TwilioRestClient api, CancellationToken ct) =>
        await OnConferenceAsync(callId, api, sid => api.RemoveParticipantAsync(sid, label, ct), lookAgain: false, ct);

    /// <summary>Changes a participant of the call's conference; false when it (or the conference) is not there.</summary>
    private Task<bool> UpdateParticipantAsync(string callId, string label, UpdateParticipantRequest change, TwilioRestClient api, CancellationToken ct, bool lookAgain = false) =>
        OnConferenceAsync(callId, api, async sid =>
        {
            try
            {
                await api.UpdateParticipantAsync(sid, label, change, ct);
                return true;
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                return false;
            }
        }, lookAgain, ct);

    private async Task RequireUpdateAsync(string callId, string label, UpdateParticipantRequest change, TwilioRestClient api, CancellationToken ct)
    {
        if (!await UpdateParticipantAsync(callId, label, change, api, ct, lookAgain: true))
        {
            throw new TwilioApiException(404, 20404, $"No participant '{label}' in the conference of call {callId}.", null);
        }
    }

    /// <summary>
    /// Runs a participant request against the call's conference by its SID: the one the call learnt, else found by
    /// friendly name. False when there is no live conference or the request found nobody.
    /// </summary>
    /// <param name="lookAgain">
    /// Where finding nobody is the surprise (hold, mute, barge: the participant is on the call), a learnt SID that
    /// found nobody is checked by one look-up, in case the conference it names ended unseen and a callback opened a
    /// new one. Not for a leg that may well have left already (stop ringing), so that costs no extra request.
    /// </param>
    private async Task<bool> OnConferenceAsync(string callId, TwilioRestClient api, Func<string, Task<bool>> request, bool lookAgain, CancellationToken ct)
    {
        var known = (await grains.GetGrain<ICallGrain>(callId).GetAsync()).ConferenceSid;
        var sid = known ?? await LookUpConferenceAsync(callId, api, ct);
        if (sid is null)
        {
            return false;
        }

        if (await request(sid))
        {
            return true;
        }

        return lookAgain && known is not null && await LookUpConferenceAsync(callId, api, ct) is { } fresh && fresh != known && await request(fresh);
    }

    private async Task<string?> LookUpConferenceAsync(string callId, TwilioRestClient api, CancellationToken ct)
    {
        var sid = await api.FindLiveConferenceAsync(Conference(callId), ct);
        if (sid is not null)
        {
            await LearnConferenceAsync(callId, sid);
        }

        return sid;
    }

    /// <summary>Tells the call Twilio took its callback dial, so no restart dials it again; a failure here is logged.</summary>
    private async Task NoteCallbackPlacedAsync(string callId)
    {
        try
        {
            await grains.GetGrain<ICallGrain>(callId).NoteCallbackPlacedAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Call {CallId}: the placed callback dial could not be noted", callId);
        }
    }

    /// <summary>Tells the call its conference's SID; a failure here costs only a look-up later, so it is logged, not thrown.</summary>
    private async Task LearnConferenceAsync(string callId, string conferenceSid)
    {
        try
        {
            await grains.GetGrain<ICallGrain>(callId).NoteConferenceAsync(conferenceSid);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Call {CallId}: its conference SID could not be stored", callId);
        }
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (TwilioApiException ex)
        {
            logger.LogWarning("Best-effort Twilio request failed: Twilio {Code} / HTTP {Status}", ex.Code, ex.HttpStatus);
        }
    }
}

/// <summary>The absolute webhook URLs Twilio is told to call (signatures are checked against these).</summary>
public sealed record TwilioUrls(string PublicBaseUrl)
{
    private string Base => PublicBaseUrl.TrimEnd('/') + TwilioWebhooks.Prefix;

    public string Menu(int attempt) => $"{Base}/voice/menu?attempt={attempt}";

    public string Wait(string callId) => $"{Base}/voice/wait?call={Uri.EscapeDataString(callId)}";

    public string CallbackOffer(string callId) => $"{Base}/voice/callback-offer?call={Uri.EscapeDataString(callId)}";

    public string Callback(string callId) => $"{Base}/voice/callback?call={Uri.EscapeDataString(callId)}";

    public string After => $"{Base}/voice/after";

    public string CallerStatus(string callId) => $"{Base}/status?call={Uri.EscapeDataString(callId)}";

    /// <summary>The keep-place callback leg's status: under the original call's id, marked as the callback leg.</summary>
    public string CallbackStatus(string callId) => $"{Base}/status?call={Uri.EscapeDataString(callId)}&leg=callback";

    public string CounselorStatus(string callId, string counselorId) =>
        $"{Base}/counselor-status?call={Uri.EscapeDataString(callId)}&counselor={Uri.EscapeDataString(counselorId)}";

    public string ConferenceStatus(string callId) => $"{Base}/conference?call={Uri.EscapeDataString(callId)}";

    public string Recording(string callId) => $"{Base}/recording?call={Uri.EscapeDataString(callId)}";

    /// <summary>The follow-up dial's caller leg: which follow-up, which dial of it.</summary>
    public string FollowUpStatus(string followUpId, int dial) =>
        $"{Base}/followup-status?followup={Uri.EscapeDataString(followUpId)}&dial={dial}";
}
