using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Telephony.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Twilio's voice webhooks, all in one signature-checked group. Voice webhooks always answer valid TwiML:
/// if the core cannot be reached the caller is put through to the backup line rather than hearing an
/// error. Status callbacks answer 204. Malformed requests get 400 with the reason.
/// </summary>
public static class TwilioWebhooks
{
    public const string Prefix = "/webhooks/twilio";

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup(Prefix).DisableAntiforgery().AllowAnonymous().AddEndpointFilter<TwilioSignatureFilter>();
        hooks.MapPost("/voice", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, v.IncomingAsync));
        hooks.MapPost("/voice/menu", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, v.MenuAsync));
        hooks.MapPost("/voice/wait", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, v.WaitAsync));
        hooks.MapPost("/voice/callback-offer", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, v.CallbackOfferAsync));
        hooks.MapPost("/voice/callback", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, v.CallbackAsync));
        hooks.MapPost("/voice/after", (HttpRequest r, TwilioVoice v) => v.VoiceAsync(r, (_, _) => Task.FromResult(new TwimlResponse().Hangup())));
        hooks.MapPost("/voice/survey", (HttpRequest r, TwilioVoice v, TwilioSurvey s) => v.VoiceAsync(r, s.AskAsync));
        hooks.MapPost("/voice/survey/answer", (HttpRequest r, TwilioVoice v, TwilioSurvey s) => v.VoiceAsync(r, s.AnswerAsync));
        hooks.MapPost("/status", (HttpRequest r, TwilioVoice v) => v.CallbackEventAsync(r, v.CallerStatusAsync));
        hooks.MapPost("/counselor-status", (HttpRequest r, TwilioVoice v) => v.CallbackEventAsync(r, v.CounselorStatusAsync));
        hooks.MapPost("/conference", (HttpRequest r, TwilioVoice v) => v.CallbackEventAsync(r, v.ConferenceAsync, requireCallSid: false));
        hooks.MapPost("/recording", (HttpRequest r, TwilioVoice v) => v.CallbackEventAsync(r, v.RecordingAsync));
        hooks.MapPost("/followup-status", (HttpRequest r, TwilioVoice v) => v.CallbackEventAsync(r, v.FollowUpStatusAsync));

        // The number's fallback URL: static TwiML from configuration, no Orleans, no Redis.
        hooks.MapPost("/fallback", (TwilioVoice v) => Results.Text(v.FallbackTwiml(), TwimlResponse.ContentType));
        return app;
    }
}

/// <summary>A webhook that lacks or garbles a field: answered 400 with the reason.</summary>
public sealed class BadWebhookException(string reason) : Exception(reason);

/// <summary>What each voice webhook does: translate, call the grains, render the answer as TwiML.</summary>
public sealed class TwilioVoice(
    IGrainFactory grains,
    CallerIdentityProtector identity,
    TwilioCommandQueue commands,
    TwilioRestClient rest,
    IOptions<TwilioOptions> options,
    HotlineTime time,
    ILogger<TwilioVoice> logger)
{
    private const string FallbackSorry = "系统繁忙，正在为您转接备用热线，请不要挂机。";

    private TwilioUrls Urls => new(options.Value.PublicBaseUrl);

    /// <summary>The posted form plus our own query parameters (attempt, call, counselor) on the URLs we gave Twilio.</summary>
    private static async Task<IFormCollection> InputAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var merged = form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            merged[key] = value;
        }

        return new FormCollection(merged);
    }

    public async Task<IResult> VoiceAsync(HttpRequest request, Func<IFormCollection, string, Task<TwimlResponse>> handle)
    {
        var form = await InputAsync(request);
        string callSid;
        try
        {
            callSid = CallSid(form);
        }
        catch (BadWebhookException ex)
        {
            return Results.Problem(statusCode: 400, title: "Bad webhook", detail: ex.Message);
        }

        try
        {
            // Bounded: a grain call stuck on a store that is down (Redis restarting) or a silo being declared dead would
            // otherwise hold the caller in silence; past the bound they are put through to the backup line. The grain
            // call itself runs on, and a late outcome is reconciled by the call's own later events.
            var answer = await handle(form, callSid).WaitAsync(options.Value.VoiceWebhookTimeout, TimeProvider.System);
            return Results.Text(answer.ToXml(), TwimlResponse.ContentType);
        }
        catch (TimeoutException)
        {
            logger.LogError("Voice webhook {Path} for call {CallId} took longer than {Timeout}; sending the caller to the backup line", request.Path, callSid, options.Value.VoiceWebhookTimeout);
            return Results.Text(FallbackTwiml(), TwimlResponse.ContentType);
        }
        catch (BadWebhookException ex)
        {
            return Results.Problem(statusCode: 400, title: "Bad webhook", detail: ex.Message);
        }
        catch (HotlineRuleException ex)
        {
            // A webhook the call cannot take in its state (a menu answer for a call never seen, a late retry): the
            // person on the line still gets through to the backup line; a refusal, not a failure of ours.
            logger.LogWarning("Voice webhook {Path} for call {CallId} refused ({Code}); sending the caller to the backup line", request.Path, callSid, ex.Code);
            return Results.Text(FallbackTwiml(), TwimlResponse.ContentType);
        }
        catch (TwilioApiException ex)
        {
            logger.LogError("Voice webhook {Path} for call {CallId} failed (Twilio {Code} / HTTP {Status}); sending the caller to the backup line", request.Path, callSid, ex.Code, ex.HttpStatus);
            return Results.Text(FallbackTwiml(), TwimlResponse.ContentType);
        }
        catch (Exception ex)
        {
            // A caller must never hear an error: whatever broke, put them through to the backup line.
            logger.LogError(ex, "Voice webhook {Path} for call {CallId} failed; sending the caller to the backup line", request.Path, callSid);
            return Results.Text(FallbackTwiml(), TwimlResponse.ContentType);
        }
    }

    public async Task<IResult> CallbackEventAsync(HttpRequest request, Func<IFormCollection, string, Task> handle, bool requireCallSid = true)
    {
        var form = await InputAsync(request);
        try
        {
            // Conference-wide events (start, end) name no participant call.
            await handle(form, requireCallSid ? CallSid(form) : form["CallSid"].ToString());
            return Results.NoContent();
        }
        catch (BadWebhookException ex)
        {
            return Results.Problem(statusCode: 400, title: "Bad webhook", detail: ex.Message);
        }
        catch (HotlineRuleException ex)
        {
            logger.LogWarning("Status callback {Path} refused: {Code}", request.Path, ex.Code);
            return Results.Problem(statusCode: 400, title: ex.Code, detail: ex.Message);
        }
        catch (TwilioApiException ex)
        {
            logger.LogError("Status callback {Path} could not be applied: Twilio {Code} / HTTP {Status}", request.Path, ex.Code, ex.HttpStatus);
            return Results.Problem(statusCode: 503, title: "Temporarily unavailable", detail: "The event could not be recorded now; send it again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The core is unreachable (a silo moving, Redis failing over): say so; the event is keyed, so a re-send is harmless.
            logger.LogError(ex, "Status callback {Path} could not be applied", request.Path);
            return Results.Problem(statusCode: 503, title: "Temporarily unavailable", detail: "The event could not be recorded now; send it again.");
        }
    }

    public async Task<TwimlResponse> IncomingAsync(IFormCollection form, string callSid)
    {
        var to = form["To"].ToString();
        var centreId = options.Value.CentreByNumber.GetValueOrDefault(to) ?? options.Value.DefaultCentreId;
        var from = form["From"].ToString();
        // Withheld (anonymous, Restricted, +266696687, …) or no E.164 number: no caller profile at all.
        var caller = from.StartsWith('+') ? identity.ProtectCaller(from) : CallerIdentityProtector.Withheld;
        var instruction = await Call(callSid).ArriveAsync(new CallArrival(centreId, "twilio", caller, $"{callSid}:incoming"));
        return await RenderAsync(instruction, callSid, attempt: 1, first: true);
    }

    public async Task<TwimlResponse> MenuAsync(IFormCollection form, string callSid)
    {
        var attempt = int.TryParse(form.TryGetValue("attempt", out var a) ? a.ToString() : null, out var n) ? n : 1;
        var digits = form["Digits"].ToString();
        if (digits.Length > 8 || !digits.All(c => char.IsAsciiDigit(c) || c is '*' or '#'))
        {
            throw new BadWebhookException("Digits must be keypad characters.");
        }

        var instruction = await Call(callSid).ChooseAsync(new IvrChoice(digits.TrimEnd('#'), $"{callSid}:menu:{attempt}"));
        return await RenderAsync(instruction, callSid, attempt + 1, first: false);
    }

    public async Task<TwimlResponse> WaitAsync(IFormCollection form, string callSid)
    {
        var call = await Call(callSid).GetAsync();
        var config = call.CentreId is { Length: > 0 } c ? await grains.GetGrain<ICentreGrain>(c).GetConfigAsync() : null;
        var prompts = config?.Prompts ?? new CentrePrompts();
        var twiml = new TwimlResponse();
        if (call.QueueKey is { } queueKey && config is not null)
        {
            var queue = await grains.GetGrain<IQueueGrain>(queueKey).GetAsync();
            if (queue.Waiting.FirstOrDefault(w => w.CallId == callSid) is { Position: > 0 } waiting)
            {
                twiml.Say(WaitAnnouncement.Text(prompts, waiting), prompts.Voice, prompts.Language);
            }

            // The call grain decides (once per call, saved): any node may serve this webhook, and a restart forgets nothing.
            var waited = call.QueuedAt is { } q ? (time.Now - q).TotalSeconds : 0;
            if (config.CallbackOfferAfterSeconds > 0 && waited >= config.CallbackOfferAfterSeconds
                && call.Status == CallStatus.Queued && await Call(callSid).ClaimCallbackOfferAsync())
            {
                // A conference's wait music cannot gather keys: take the caller out briefly to ask, then back in.
                await commands.PostAsync(new TwilioCommand($"offer callback {callSid}", TwilioBudgets.OfferCallback,
                    (api, ct) => api.UpdateCallAsync(callSid, Urls.CallbackOffer(callSid), null, complete: false, ct))
                {
                    OnFailed = _ => TwilioFailureAlerts.RaiseForCallAsync(grains, callSid, "offer-callback"),
                }, default);
            }
        }

        if (prompts.HoldMusicUrl is { } music)
        {
            twiml.Play(music);
        }
        else if (prompts.SelfHelpAudioUrl is { } selfHelp)
        {
            twiml.Play(selfHelp);
        }
        else
        {
            twiml.Pause(config?.AnnounceIntervalSeconds ?? 60);
        }

        return twiml;
    }

    public async Task<TwimlResponse> CallbackOfferAsync(IFormCollection form, string callSid)
    {
        var prompts = await PromptsAsync(callSid);
        return new TwimlResponse()
            .Gather(g => g.Say(prompts.CallbackOffer, prompts.Voice, prompts.Language), Urls.Callback(callSid), numDigits: 1, timeout: 6);
    }

    public async Task<TwimlResponse> CallbackAsync(IFormCollection form, string callSid)
    {
        if (form["Digits"].ToString() == "1")
        {
            var instruction = await Call(callSid).RequestCallbackAsync($"{callSid}:callback");
            return await RenderAsync(instruction, callSid, 1, first: false);
        }

        var call = await Call(callSid).GetAsync();
        return await RenderAsync(new CallInstruction(InstructionKind.WaitInQueue, call.CentreId ?? string.Empty, call.QueueKey, TwilioTelephonyPort.Conference(callSid)), callSid, 1, first: false);
    }

    public async Task CallerStatusAsync(IFormCollection form, string callSid)
    {
        // A callback leg reports under the original call's id (?call=).
        var callId = form.TryGetValue("call", out var original) && Keys.IsValidCallId(original) ? original.ToString() : callSid;
        var callbackLeg = form.TryGetValue("leg", out var leg) && leg.ToString() == "callback";
        var translated = callbackLeg
            ? TwilioEventTranslator.CallbackLeg(callSid, form["CallStatus"], form["Timestamp"])
            : TwilioEventTranslator.CallerLeg(callSid, form["CallStatus"], form["Timestamp"]);
        if (translated is { } ev)
        {
            await Call(callId).ApplyAsync(ev);
        }
    }

    public async Task CounselorStatusAsync(IFormCollection form, string legSid)
    {
        var callId = form["call"].ToString();
        var counselorId = form["counselor"].ToString();
        if (!Keys.IsValidCallId(callId) || !Keys.IsValidId(counselorId))
        {
            throw new BadWebhookException("call and counselor must identify the caller's call and the counsellor.");
        }

        if (TwilioEventTranslator.CounselorLeg(legSid, counselorId, form["CallStatus"], form["Timestamp"]) is not { } ev)
        {
            return;
        }

        if (ev.Kind == ProviderEventKind.CounselorHungUp && (await Call(callId).GetAsync()).Status == CallStatus.Connected)
        {
            // When the caller hangs up, the conference ends and both legs report "completed" in either order.
            // Ask Twilio about the caller's leg first, so a caller who left is never put back in the queue.
            var callerStatus = await CallerLegStatusAsync(callId);
            if (TwilioEventTranslator.CallerLeg(callId, callerStatus, null) is { } callerEnded)
            {
                await Call(callId).ApplyAsync(callerEnded);
            }
        }

        await Call(callId).ApplyAsync(ev);
    }

    public async Task ConferenceAsync(IFormCollection form, string participantSid)
    {
        var conferenceSid = form["ConferenceSid"].ToString();
        if (!TwilioRestClient.IsConferenceSid(conferenceSid))
        {
            throw new BadWebhookException("ConferenceSid is missing or malformed.");
        }

        var callId = form["call"].ToString();
        if (!Keys.IsValidCallId(callId))
        {
            return;
        }

        // Participants are changed through this SID from now on (only creating one accepts the friendly name).
        switch (TwilioEventTranslator.ConferenceLifecycle(conferenceSid, form["StatusCallbackEvent"]))
        {
            case { Ended: false }:
                await Call(callId).NoteConferenceAsync(conferenceSid);
                break;
            case { Ended: true }:
                await Call(callId).ConferenceEndedAsync(conferenceSid);
                break;
        }

        var label = form.TryGetValue("ParticipantLabel", out var l) ? l.ToString() : null;
        if (TwilioEventTranslator.Conference(conferenceSid, form["StatusCallbackEvent"], label, form["SequenceNumber"], form["Timestamp"]) is { } ev)
        {
            await Call(callId).ApplyAsync(ev);
        }
    }

    /// <summary>A follow-up dial's caller leg reports its status: the final one is recorded on the follow-up as that dial's outcome.</summary>
    public async Task FollowUpStatusAsync(IFormCollection form, string legSid)
    {
        var followUpId = form["followup"].ToString();
        if (!Keys.IsValidCallId(followUpId) || !int.TryParse(form["dial"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var dial) || dial is < 1 or > 10_000)
        {
            throw new BadWebhookException("followup and dial must identify the follow-up and its dial.");
        }

        if (TwilioEventTranslator.FollowUpDial(form["CallStatus"]) is { } outcome)
        {
            await grains.GetGrain<IFollowUpGrain>(followUpId).ApplyDialOutcomeAsync(dial, outcome);
        }
    }

    public async Task RecordingAsync(IFormCollection form, string callSid)
    {
        var recordingSid = form["RecordingSid"].ToString();
        var status = form["RecordingStatus"].ToString();
        if (!Keys.IsValidCallId(recordingSid) || status.Length is 0 or > 32)
        {
            throw new BadWebhookException("RecordingSid and RecordingStatus are required.");
        }

        var callId = form.TryGetValue("call", out var c) && Keys.IsValidCallId(c) ? c.ToString() : callSid;
        int? duration = int.TryParse(form["RecordingDuration"], out var d) && d >= 0 ? d : null;
        await Call(callId).ApplyRecordingAsync(new RecordingInfo(recordingSid, status, duration, time.Now), $"{recordingSid}:{status}");
    }

    public string FallbackTwiml() =>
        new TwimlResponse()
            .Say(FallbackSorry, "Polly.Zhiyu", "cmn-CN")
            .Dial(d => d.Number(options.Value.FallbackNumber), timeout: 30, callerId: null)
            .Say(FallbackSorry, "Polly.Zhiyu", "cmn-CN")
            .Dial(d => d.Number(options.Value.FallbackNumber), timeout: 30)
            .ToXml();

    private async Task<TwimlResponse> RenderAsync(CallInstruction instruction, string callSid, int attempt, bool first)
    {
        var config = instruction.CentreId is { Length: > 0 } centreId ? await grains.GetGrain<ICentreGrain>(centreId).GetConfigAsync() : null;
        var p = config?.Prompts ?? new CentrePrompts();
        var twiml = new TwimlResponse();
        switch (instruction.Kind)
        {
            case InstructionKind.PlayMenu or InstructionKind.RepeatMenu:
                if (first)
                {
                    if (p.GreetingAudioUrl is { } audio)
                    {
                        twiml.Play(audio);
                    }
                    else
                    {
                        twiml.Say(p.Greeting, p.Voice, p.Language);
                    }

                    if (config?.RecordCalls != false)
                    {
                        twiml.Say(p.RecordingNotice, p.Voice, p.Language);
                    }
                }
                else if (instruction.Kind == InstructionKind.RepeatMenu)
                {
                    twiml.Say(p.InvalidChoice, p.Voice, p.Language);
                }

                return twiml.Gather(g => g.Say(p.Menu, p.Voice, p.Language), Urls.Menu(attempt), numDigits: 1, timeout: 6);
            case InstructionKind.WaitInQueue:
                return twiml.Say(p.PleaseHold, p.Voice, p.Language).Dial(d => d.Conference(TwilioTelephonyPort.Conference(callSid), new ConferenceOptions
                {
                    StartConferenceOnEnter = false,
                    EndConferenceOnExit = true,
                    Beep = false,
                    WaitUrl = Urls.Wait(callSid),
                    Record = config?.RecordCalls != false ? "record-from-start" : null,
                    StatusCallback = Urls.ConferenceStatus(callSid),
                    StatusCallbackEvents = ["start", "end", "join", "leave", "hold"],
                    RecordingStatusCallback = Urls.Recording(callSid),
                    ParticipantLabel = "caller",
                }), action: Urls.After);
            case InstructionKind.CallbackConfirmed:
                return twiml.Say(p.CallbackConfirmed, p.Voice, p.Language).Hangup();
            case InstructionKind.Blocked:
                return twiml.Say(p.BlockedMessage, p.Voice, p.Language).Hangup();
            default:
                return twiml.Hangup();
        }
    }

    private async Task<CentrePrompts> PromptsAsync(string callSid)
    {
        var call = await Call(callSid).GetAsync();
        return (call.CentreId is { Length: > 0 } c ? (await grains.GetGrain<ICentreGrain>(c).GetConfigAsync())?.Prompts : null) ?? new CentrePrompts();
    }

    private async Task<string?> CallerLegStatusAsync(string callId)
    {
        try
        {
            // Inside a webhook Twilio waits at most 15 s for: a short budget, whatever the rate limit.
            return await rest.Within(TimeSpan.FromSeconds(3)).GetCallStatusAsync(callId, CancellationToken.None);
        }
        catch (TwilioApiException ex)
        {
            // Unknown: treat the caller as still there. A wrong re-queue costs a ring; dropping a live caller costs more.
            logger.LogWarning("Could not read the caller leg of call {CallId}: Twilio {Code}", callId, ex.Code);
            return null;
        }
    }

    private static string CallSid(IFormCollection form)
    {
        var sid = form["CallSid"].ToString();
        return Keys.IsValidCallId(sid) ? sid : throw new BadWebhookException("CallSid is missing or malformed.");
    }

    private ICallGrain Call(string callSid) => grains.GetGrain<ICallGrain>(callSid);
}
