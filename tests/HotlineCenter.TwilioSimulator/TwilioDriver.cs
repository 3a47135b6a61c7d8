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
}
