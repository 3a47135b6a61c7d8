using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// The core's telephony requests carried out on Twilio: a counsellor is rung by adding them as a participant
/// of the caller's conference (<c>call-{CallSid}</c>), on their phone or in the browser softphone; a callback
/// is a new outbound call that joins the same conference. Every REST call runs on <see cref="TwilioCommandQueue"/>.
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

    public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) =>
        commands.PostAsync($"ring {counselorId} for {callId}", async ct =>
        {
            try
            {
                var profile = (await grains.GetGrain<ICounselorGrain>(counselorId).GetAsync()).Profile;
                var to = profile?.Device is { Kind: DeviceKind.Phone, PhoneNumber: { } number } ? number : $"client:{counselorId}";
                var urls = new TwilioUrls(options.Value.PublicBaseUrl);
                await rest.AddParticipantAsync(Conference(callId), new AddParticipantRequest(options.Value.PhoneNumber, to)
                {
                    Label = CounselorLabel(counselorId),
                    StartConferenceOnEnter = true,
                    EndConferenceOnExit = false,
                    Beep = false,
                    Timeout = (int)Math.Clamp(ringTimeout.TotalSeconds, 5, 600),
                    StatusCallback = urls.CounselorStatus(callId, counselorId),
                    StatusCallbackEvents = ["initiated", "ringing", "answered", "completed"],
                }, ct);
            }
            catch (TwilioApiException ex)
            {
                // Twilio refused or could not be reached (HTTP 0): the counsellor was never rung, so this is not
                // their miss. Tell the call now rather than waiting out the ring timeout.
                logger.LogWarning("Ringing counsellor {CounselorId} for call {CallId} failed: Twilio {Code} / HTTP {Status}", counselorId, callId, ex.Code, ex.HttpStatus);
                await grains.GetGrain<ICallGrain>(callId).ApplyAsync(new ProviderEvent(
                    ProviderEventKind.CounselorRingFailed, $"{callId}:{counselorId}:ring-failed:{Guid.NewGuid():N}", default, counselorId));
            }
        }, cancellationToken).AsTask();

    public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync($"stop ringing {counselorId}", async ct =>
            await rest.RemoveParticipantAsync(Conference(callId), CounselorLabel(counselorId), ct), cancellationToken).AsTask();

    /// <summary>On Twilio the counsellor is connected by answering their leg; nothing more to do.</summary>
    public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The caller's call is redirected to the survey's TwiML (which takes them out of the conference, ending it).</summary>
    public Task AskSatisfactionAsync(string callId, CancellationToken cancellationToken) =>
        commands.PostAsync($"survey {callId}", async ct =>
        {
            try
            {
                await rest.UpdateCallAsync(callId, TwilioSurvey.AskUrl(options.Value.PublicBaseUrl, callId), null, complete: false, ct);
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                // The caller hung up first: nobody to ask.
            }
        }, cancellationToken).AsTask();

    public Task CallBackCallerAsync(string callId, CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync($"call back {callId}", async ct =>
        {
            var number = identity.RevealForDialling(caller);
            if (number is null)
            {
                logger.LogError("Call {CallId}: the callback number cannot be decrypted", callId);
                return;
            }

            var urls = new TwilioUrls(options.Value.PublicBaseUrl);
            var twiml = new TwimlResponse()
                .Say("您好，这里是12356心理援助热线，您之前请求了回电，现在为您接通咨询员。", "Polly.Zhiyu", "cmn-CN")
                .Dial(d => d.Conference(Conference(callId), new ConferenceOptions
                {
                    StartConferenceOnEnter = true,
                    EndConferenceOnExit = true,
                    Beep = false,
                    ParticipantLabel = "caller",
                    StatusCallback = urls.ConferenceStatus(callId),
                    StatusCallbackEvents = ["start", "end", "join", "leave"],
                }))
                .ToXml();
            await rest.CreateCallAsync(new CreateCallRequest(number, options.Value.PhoneNumber)
            {
                Twiml = twiml,
                // Answered and the final status: no answer / busy / failed retries the callback, a pick-up counts it answered.
                StatusCallback = urls.CallbackStatus(callId),
                StatusCallbackEvents = ["answered", "completed"],
                Timeout = 30,
            }, ct);
        }, cancellationToken).AsTask();

    public static string FollowUpConference(string followUpId) => $"followup-{followUpId}";

    /// <summary>
    /// Two legs into <c>followup-{id}</c>: the counsellor's device first, then the caller's number, decrypted here for this
    /// REST request only. No status callbacks: the outcome (reached, not reached, wrong number) is recorded by the
    /// counsellor on the desk, so Twilio is never told a webhook the app does not serve.
    /// </summary>
    public Task DialFollowUpAsync(string followUpId, CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        commands.PostAsync($"follow-up {followUpId}", async ct =>
        {
            var number = identity.RevealForDialling(caller);
            if (number is null)
            {
                logger.LogError("Follow-up {FollowUpId}: the number cannot be decrypted", followUpId);
                return;
            }

            var profile = (await grains.GetGrain<ICounselorGrain>(counselorId).GetAsync()).Profile;
            var device = profile?.Device is { Kind: DeviceKind.Phone, PhoneNumber: { } phone } ? phone : $"client:{counselorId}";
            var conference = FollowUpConference(followUpId);
            try
            {
                await rest.AddParticipantAsync(conference, new AddParticipantRequest(options.Value.PhoneNumber, device)
                {
                    Label = CounselorLabel(counselorId), StartConferenceOnEnter = true, EndConferenceOnExit = true, Beep = false, Timeout = 30,
                }, ct);
                await rest.AddParticipantAsync(conference, new AddParticipantRequest(options.Value.PhoneNumber, number)
                {
                    Label = "caller", StartConferenceOnEnter = true, EndConferenceOnExit = true, Beep = false, Timeout = 30,
                }, ct);
            }
            catch (TwilioApiException ex)
            {
                logger.LogWarning("Follow-up {FollowUpId} by counsellor {CounselorId} could not be dialled: Twilio {Code}", followUpId, counselorId, ex.Code);
            }
        }, cancellationToken).AsTask();

    /// <summary>Supervision is awaited (not queued) so the supervisor sees at once whether it worked.</summary>
    public async Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await SuperviseOnTwilioAsync(callId, request, cancellationToken);
        }
        catch (TwilioApiException ex)
        {
            logger.LogWarning("Supervisor {SupervisorId}: {Action} on call {CallId} refused: Twilio {Code} / HTTP {Status}", request.SupervisorId, request.Action, callId, ex.Code, ex.HttpStatus);
            throw TwilioRefusal.From(ex);
        }

        logger.LogInformation("Supervisor {SupervisorId}: {Action} on call {CallId}", request.SupervisorId, request.Action, callId);
    }

    private async Task SuperviseOnTwilioAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken)
    {
        var conference = Conference(callId);
        var label = $"supervisor-{request.SupervisorId}";
        var from = options.Value.PhoneNumber;
        switch (request.Action)
        {
            case SupervisionAction.Monitor:
                await rest.AddParticipantAsync(conference, new AddParticipantRequest(from, $"client:{request.SupervisorId}")
                {
                    Label = label, Muted = true, Beep = false, StartConferenceOnEnter = false, EndConferenceOnExit = false,
                }, cancellationToken);
                break;
            case SupervisionAction.Whisper:
                var leg = request.CounselorLegId ?? throw new TwilioApiException(409, null, "The counsellor's leg is not known yet; whisper needs it.", null);
                await rest.AddParticipantAsync(conference, new AddParticipantRequest(from, $"client:{request.SupervisorId}")
                {
                    Label = label, Muted = false, Coaching = true, CallSidToCoach = leg, Beep = false, EndConferenceOnExit = false,
                }, cancellationToken);
                break;
            case SupervisionAction.Barge:
                await rest.UpdateParticipantAsync(conference, label, new UpdateParticipantRequest { Muted = false, Coaching = false }, cancellationToken);
                break;
            case SupervisionAction.Hold or SupervisionAction.Unhold:
                await rest.UpdateParticipantAsync(conference, "caller", new UpdateParticipantRequest { Hold = request.Action == SupervisionAction.Hold }, cancellationToken);
                break;
            case SupervisionAction.AddParty:
                await rest.AddParticipantAsync(conference, new AddParticipantRequest(from, request.PartyNumber!)
                {
                    Label = $"party-{request.PartyNumber![Math.Max(0, request.PartyNumber!.Length - 4)..]}", EarlyMedia = true, EndConferenceOnExit = false, Beep = false,
                }, cancellationToken);
                break;
            case SupervisionAction.Mute or SupervisionAction.Unmute:
                // Acting party is the counsellor: their own leg, named by its label.
                await rest.UpdateParticipantAsync(conference, CounselorLabel(request.SupervisorId), new UpdateParticipantRequest { Muted = request.Action == SupervisionAction.Mute }, cancellationToken);
                break;
            case SupervisionAction.HangUp:
                await rest.UpdateCallAsync(callId, null, null, complete: true, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Rings the centre's on-call number and speaks the message (no caller data is ever in it), repeated so a
    /// sleepy listener catches it. Queued like every REST call from a grain; a failure is logged by its Twilio code.
    /// </summary>
    public Task NotifyOnCallAsync(string centreId, string toNumber, string message, CancellationToken cancellationToken) =>
        commands.PostAsync($"notify on-call of {centreId}", async ct =>
        {
            try
            {
                var twiml = new TwimlResponse().Say(message, voice: null, language: "zh-CN", loop: 3).ToXml();
                await rest.CreateCallAsync(new CreateCallRequest(toNumber, options.Value.PhoneNumber) { Twiml = twiml, Timeout = 30 }, ct);
                logger.LogWarning("On-call number of centre {CentreId} called about a waiting crisis", centreId);
            }
            catch (TwilioApiException ex)
            {
                logger.LogError("Calling the on-call number of centre {CentreId} failed: Twilio {Code} (HTTP {Status})", centreId, ex.Code, ex.HttpStatus);
            }
        }, cancellationToken).AsTask();

    public Task HangUpAsync(string callId, CancellationToken cancellationToken) =>
        commands.PostAsync($"hang up {callId}", async ct =>
        {
            try
            {
                await rest.UpdateCallAsync(callId, null, null, complete: true, ct);
            }
            catch (TwilioApiException ex) when (ex.HttpStatus == 404)
            {
                // The caller's leg ended already.
            }
        }, cancellationToken).AsTask();
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
}
