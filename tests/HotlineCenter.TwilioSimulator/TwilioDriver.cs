using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.TwilioSimulator;

/// <summary>What the app answered to one webhook.</summary>
public sealed record WebhookAnswer(HttpStatusCode Status, string Body)
{
    public XDocument Twiml => XDocument.Parse(Body);
}

/// <summary>
/// Plays Twilio's side of a call: posts form webhooks in Twilio's shapes, signed as Twilio signs them (against
/// the public URL), to the app. The same app works against real Twilio by changing only URLs and credentials.
/// </summary>
public sealed class TwilioDriver(HttpClient app, string publicBaseUrl, string accountSid, string authToken)
{
    public static string NewCallSid() => "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Posts a webhook to a path (or to an absolute URL the app gave Twilio), signed unless told otherwise.</summary>
    public async Task<WebhookAnswer> PostAsync(string pathOrUrl, IEnumerable<KeyValuePair<string, string>> form, string? signature = null, bool sign = true)
    {
        var pathAndQuery = pathOrUrl.StartsWith(publicBaseUrl, StringComparison.Ordinal) ? pathOrUrl[publicBaseUrl.TrimEnd('/').Length..] : pathOrUrl;
        var fields = form.ToList();
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(fields) };
        if (sign)
        {
            request.Headers.Add("X-Twilio-Signature", signature ?? TwilioSignatureValidator.ComputeSignature(authToken, publicBaseUrl.TrimEnd('/') + pathAndQuery, fields));
        }

        using var response = await app.SendAsync(request);
        return new WebhookAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Dictionary<string, string> CallFields(string callSid, string from, string to, string status) => new()
    {
        ["CallSid"] = callSid,
        ["AccountSid"] = accountSid,
        ["From"] = from,
        ["To"] = to,
        ["CallStatus"] = status,
        ["ApiVersion"] = "2010-04-01",
        ["Direction"] = "inbound",
        ["FromCountry"] = "CN",
    };

    public Task<WebhookAnswer> IncomingAsync(string callSid, string from, string to) =>
        PostAsync(TwilioWebhooks.Prefix + "/voice", CallFields(callSid, from, to, "ringing"));

    /// <summary>The caller answers the Gather in <paramref name="twiml"/> with digits (empty = no input).</summary>
    public Task<WebhookAnswer> PressAsync(WebhookAnswer twiml, string callSid, string from, string to, string digits)
    {
        var action = twiml.Twiml.Root!.Element("Gather")?.Attribute("action")?.Value
            ?? throw new InvalidOperationException("The TwiML has no Gather to answer.");
        var fields = CallFields(callSid, from, to, "in-progress");
        fields["Digits"] = digits;
        if (digits.Length > 0)
        {
            fields["FinishedOnKey"] = string.Empty;
        }

        return PostAsync(action, fields);
    }

    /// <summary>Twilio's status callback for a leg, posted to the URL the app gave for it.</summary>
    public Task<WebhookAnswer> LegStatusAsync(string statusCallbackUrl, string legSid, string status, int sequence) =>
        PostAsync(statusCallbackUrl, new Dictionary<string, string>
        {
            ["CallSid"] = legSid,
            ["AccountSid"] = accountSid,
            ["CallStatus"] = status,
            ["SequenceNumber"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
            ["CallbackSource"] = "call-progress-events",
        });

    /// <summary>
    /// Twilio's conference status callback (<c>participant-join</c>, <c>conference-end</c>, …), posted to the
    /// <c>statusCallback</c> the app put on the conference. Conference-wide events carry no <paramref name="callSid"/>.
    /// </summary>
    public Task<WebhookAnswer> ConferenceEventAsync(string statusCallbackUrl, string conferenceSid, string friendlyName, string statusCallbackEvent, string? callSid, string? label, int sequence)
    {
        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = accountSid,
            ["ConferenceSid"] = conferenceSid,
            ["FriendlyName"] = friendlyName,
            ["StatusCallbackEvent"] = statusCallbackEvent,
            ["SequenceNumber"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (callSid is not null)
        {
            fields["CallSid"] = callSid;
            fields["Muted"] = "false";
            fields["Hold"] = "false";
            fields["Coaching"] = "false";
        }

        if (label is not null)
        {
            fields["ParticipantLabel"] = label;
        }

        return PostAsync(statusCallbackUrl, fields);
    }

    /// <summary>
    /// Twilio carrying out the <c>&lt;Dial&gt;&lt;Conference&gt;</c> in <paramref name="answer"/> for <paramref name="callSid"/>:
    /// the caller joins the conference in <paramref name="api"/> and, when the app subscribed to <c>join</c>, the app hears
    /// of it with the conference's SID. Returns that SID, or null when the TwiML puts nobody in a conference.
    /// </summary>
    public async Task<string?> JoinConferenceAsync(FakeTwilioApi api, WebhookAnswer answer, string callSid, int sequence = 1)
    {
        if (answer.Twiml.Root?.Element("Dial")?.Element("Conference") is not { } conference)
        {
            return null;
        }

        var name = conference.Value.Trim();
        var label = conference.Attribute("participantLabel")?.Value;
        var sid = api.JoinConference(name, callSid, label, startsConference: conference.Attribute("startConferenceOnEnter")?.Value != "false");
        var events = (conference.Attribute("statusCallbackEvent")?.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (conference.Attribute("statusCallback")?.Value is { } callback && events.Contains("join"))
        {
            var posted = await ConferenceEventAsync(callback, sid, name, "participant-join", callSid, label, sequence);
            if (posted.Status != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"The app answered the conference join with {(int)posted.Status}: {posted.Body}");
            }
        }

        return sid;
    }
}
