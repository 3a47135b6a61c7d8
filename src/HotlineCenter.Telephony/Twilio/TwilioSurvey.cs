using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// The satisfaction survey on Twilio: when the counsellor leaves, the port redirects the caller's call to
/// <c>/voice/survey</c>, which asks the centre's question in a one-key <c>&lt;Gather&gt;</c>; the key (1–5) is posted to
/// <c>/voice/survey/answer</c> and stored with the call. Any trouble ends the call politely: the caller has already been
/// helped, so the survey never sends them to the backup line.
/// </summary>
public sealed class TwilioSurvey(IGrainFactory grains, IOptions<TwilioOptions> options, ILogger<TwilioSurvey> logger)
{
    private const int Attempts = 2;

    public static string AskUrl(string publicBaseUrl, string callId) =>
        $"{publicBaseUrl.TrimEnd('/')}{TwilioWebhooks.Prefix}/voice/survey?call={Uri.EscapeDataString(callId)}";

    public static string AnswerUrl(string publicBaseUrl, string callId, int attempt) =>
        $"{publicBaseUrl.TrimEnd('/')}{TwilioWebhooks.Prefix}/voice/survey/answer?call={Uri.EscapeDataString(callId)}&attempt={attempt}";

    public Task<TwimlResponse> AskAsync(IFormCollection form, string callSid) => PoliteAsync(callSid, () => AskAsync(callSid, attempt: 1, repeat: false));

    public Task<TwimlResponse> AnswerAsync(IFormCollection form, string callSid) => PoliteAsync(callSid, () => AnswerOnceAsync(form, callSid));

    private async Task<TwimlResponse> PoliteAsync(string callSid, Func<Task<TwimlResponse>> handle)
    {
        try
        {
            return await handle();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Satisfaction survey of call {CallId} failed; the call ends with the default goodbye", callSid);
            var prompts = new CentrePrompts();
            return new TwimlResponse().Say(prompts.SatisfactionThanks, prompts.Voice, prompts.Language).Hangup();
        }
    }

    private async Task<TwimlResponse> AnswerOnceAsync(IFormCollection form, string callSid)
    {
        var attempt = int.TryParse(form["attempt"], out var a) && a is >= 1 and <= Attempts ? a : Attempts;
        var digits = form["Digits"].ToString();
        if (digits.Length == 1 && digits[0] is >= '1' and <= '5')
        {
            var prompts = await PromptsAsync(callSid);
            try
            {
                await grains.GetGrain<ICallGrain>(callSid).RateServiceAsync(digits[0] - '0', $"{callSid}:survey");
            }
            catch (HotlineRuleException ex)
            {
                logger.LogWarning("Satisfaction answer for call {CallId} refused: {Code}", callSid, ex.Code);
            }

            return new TwimlResponse().Say(prompts.SatisfactionThanks, prompts.Voice, prompts.Language).Hangup();
        }

        // No key or another key: ask once more, then say goodbye.
        return attempt < Attempts ? await AskAsync(callSid, attempt + 1, repeat: true) : await GoodbyeAsync(callSid);
    }

    private async Task<TwimlResponse> AskAsync(string callSid, int attempt, bool repeat)
    {
        var prompts = await PromptsAsync(callSid);
        var twiml = new TwimlResponse();
        if (repeat)
        {
            twiml.Say(prompts.InvalidChoice, prompts.Voice, prompts.Language);
        }

        return twiml
            .Gather(g => g.Say(prompts.SatisfactionQuestion, prompts.Voice, prompts.Language), AnswerUrl(options.Value.PublicBaseUrl, callSid, attempt), numDigits: 1, timeout: 8)
            .Say(prompts.SatisfactionThanks, prompts.Voice, prompts.Language)
            .Hangup();
    }

    private async Task<TwimlResponse> GoodbyeAsync(string callSid)
    {
        var prompts = await PromptsAsync(callSid);
        return new TwimlResponse().Say(prompts.SatisfactionThanks, prompts.Voice, prompts.Language).Hangup();
    }

    private async Task<CentrePrompts> PromptsAsync(string callSid)
    {
        try
        {
            var call = await grains.GetGrain<ICallGrain>(callSid).GetAsync();
            var prompts = (call.CentreId is { Length: > 0 } c ? (await grains.GetGrain<ICentreGrain>(c).GetConfigAsync())?.Prompts : null) ?? new CentrePrompts();
            var defaults = new CentrePrompts();
            return prompts with
            {
                SatisfactionQuestion = string.IsNullOrWhiteSpace(prompts.SatisfactionQuestion) ? defaults.SatisfactionQuestion : prompts.SatisfactionQuestion,
                SatisfactionThanks = string.IsNullOrWhiteSpace(prompts.SatisfactionThanks) ? defaults.SatisfactionThanks : prompts.SatisfactionThanks,
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Survey prompts for call {CallId} could not be read; the defaults are used", callSid);
            return new CentrePrompts();
        }
    }
}
