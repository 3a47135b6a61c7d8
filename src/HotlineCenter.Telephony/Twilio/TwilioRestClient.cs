using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>A 4xx from Twilio (other than 429), or a request that still failed after its retries.</summary>
public sealed class TwilioApiException(int httpStatus, int? code, string message, string? moreInfo) : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;

    /// <summary>Twilio's error code, e.g. 21211 (invalid To number) or 20429 (too many requests).</summary>
    public int? Code { get; } = code;

    public string? MoreInfo { get; } = moreInfo;
}

public sealed record TwilioRecording(string Sid, string? CallSid, string Status, int? DurationSeconds);

public sealed record CreateCallRequest(string To, string From)
{
    public string? Url { get; init; }
    public string? Twiml { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
    public int? Timeout { get; init; }
    public int? TimeLimit { get; init; }
}

public sealed record AddParticipantRequest(string From, string To)
{
    public string? Label { get; init; }
    public bool? Muted { get; init; }
    public bool? Coaching { get; init; }
    public string? CallSidToCoach { get; init; }
    public bool? Beep { get; init; }
    public bool? StartConferenceOnEnter { get; init; }
    public bool? EndConferenceOnExit { get; init; }
    public bool? EarlyMedia { get; init; }
    public int? Timeout { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
}

public sealed record UpdateParticipantRequest
{
    public bool? Muted { get; init; }
    public bool? Hold { get; init; }
    public string? HoldUrl { get; init; }
    public bool? Coaching { get; init; }
    public string? CallSidToCoach { get; init; }
}

/// <summary>
/// Twilio's REST API (twilio-contract.md §4): form-encoded bodies, Basic auth, lists as repeated keys.
/// 429 and 5xx (and network failures) are retried with jittered exponential backoff, three tries in all;
/// other 4xx surface at once as <see cref="TwilioApiException"/>. Logs name the operation and status, never
/// credentials, bodies or numbers.
/// </summary>
public sealed class TwilioRestClient(HttpClient http, TwilioOptions options, ILogger<TwilioRestClient> logger)
{
    public const int MaxTries = 3;

    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public async Task<string> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken)
    {
        var form = new Form().Add("To", request.To).Add("From", request.From).Add("Url", request.Url).Add("Twiml", request.Twiml)
            .Add("StatusCallback", request.StatusCallback).AddAll("StatusCallbackEvent", request.StatusCallbackEvents)
            .Add("Timeout", request.Timeout).Add("TimeLimit", request.TimeLimit);
        using var json = await SendAsync(HttpMethod.Post, "Calls.json", "Calls", form, cancellationToken);
        return json!.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>Redirects a live call to new TwiML, or hangs it up (<paramref name="complete"/>).</summary>
    public async Task UpdateCallAsync(string callSid, string? url, string? twiml, bool complete, CancellationToken cancellationToken)
    {
        var form = new Form().Add("Url", url).Add("Twiml", twiml).Add("Status", complete ? "completed" : null);
        using var _ = await SendAsync(HttpMethod.Post, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", form, cancellationToken);
    }

    public async Task<string> AddParticipantAsync(string conference, AddParticipantRequest request, CancellationToken cancellationToken)
    {
        var form = new Form().Add("From", request.From).Add("To", request.To).Add("Label", request.Label).Add("Muted", request.Muted)
            .Add("Coaching", request.Coaching).Add("CallSidToCoach", request.CallSidToCoach).Add("Beep", request.Beep)
            .Add("StartConferenceOnEnter", request.StartConferenceOnEnter).Add("EndConferenceOnExit", request.EndConferenceOnExit)
            .Add("EarlyMedia", request.EarlyMedia).Add("Timeout", request.Timeout).Add("StatusCallback", request.StatusCallback)
            .AddAll("StatusCallbackEvent", request.StatusCallbackEvents);
        using var json = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conference)}/Participants.json", "Conferences/{c}/Participants", form, cancellationToken);
        return json!.RootElement.GetProperty("call_sid").GetString()!;
    }

    public async Task UpdateParticipantAsync(string conference, string callSidOrLabel, UpdateParticipantRequest request, CancellationToken cancellationToken)
    {
        var form = new Form().Add("Muted", request.Muted).Add("Hold", request.Hold).Add("HoldUrl", request.HoldUrl)
            .Add("Coaching", request.Coaching).Add("CallSidToCoach", request.CallSidToCoach);
        using var _ = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conference)}/Participants/{Escape(callSidOrLabel)}.json", "Conferences/{c}/Participants/{p}", form, cancellationToken);
    }

    /// <summary>Removes a participant; false when it was not there (already left).</summary>
    public async Task<bool> RemoveParticipantAsync(string conference, string callSidOrLabel, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await SendAsync(HttpMethod.Delete, $"Conferences/{Escape(conference)}/Participants/{Escape(callSidOrLabel)}.json", "Conferences/{c}/Participants/{p}", null, cancellationToken);
            return true;
        }
        catch (TwilioApiException ex) when (ex.HttpStatus == 404)
        {
            return false;
        }
    }

    /// <summary>A call's current status (<c>queued</c>, <c>in-progress</c>, <c>completed</c>, …).</summary>
    public async Task<string> GetCallStatusAsync(string callSid, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", null, cancellationToken);
        return json!.RootElement.GetProperty("status").GetString() ?? "unknown";
    }

    /// <summary>A recording's metadata (status, duration, the call it belongs to).</summary>
    public async Task<TwilioRecording> GetRecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"Recordings/{Escape(recordingSid)}.json", "Recordings/{sid}", null, cancellationToken);
        var root = json!.RootElement;
        return new TwilioRecording(
            root.GetProperty("sid").GetString()!,
            root.TryGetProperty("call_sid", out var call) ? call.GetString() : null,
            root.TryGetProperty("status", out var status) ? status.GetString() ?? "unknown" : "unknown",
            root.TryGetProperty("duration", out var d) && int.TryParse(d.ToString(), out var seconds) ? seconds : null);
    }

    /// <summary>The audio of a recording (MP3), streamed; the caller disposes the stream.</summary>
    public async Task<Stream> OpenRecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var uri = new Uri($"{options.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Escape(options.AccountSid)}/Recordings/{Escape(recordingSid)}.mp3");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new TwilioApiException(status, null, $"Twilio answered {status} for the recording.", null);
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    public async Task DeleteRecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"Recordings/{Escape(recordingSid)}.json", "Recordings/{sid}", null, cancellationToken);
    }

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, string operation, Form? form, CancellationToken cancellationToken)
    {
        var uri = new Uri($"{options.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Escape(options.AccountSid)}/{path}");
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form.Fields);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TryTimeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                var status = (int)response.StatusCode;
                logger.LogInformation("Twilio {Method} {Operation} answered {Status} (try {Attempt})", method.Method, operation, status, attempt);
                if (response.IsSuccessStatusCode)
                {
                    return body.Length == 0 ? null : JsonDocument.Parse(body);
                }

                var error = ParseError(status, body);
                if (!(status == 429 || status >= 500) || attempt >= MaxTries)
                {
                    throw error;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                logger.LogWarning("Twilio {Method} {Operation} failed on try {Attempt}: {Reason}", method.Method, operation, attempt, ex.GetType().Name);
                if (attempt >= MaxTries)
                {
                    throw new TwilioApiException(0, null, $"Twilio did not answer {operation} after {MaxTries} tries.", null);
                }
            }
            finally
            {
                response?.Dispose();
            }

            await Task.Delay(Backoff(attempt), cancellationToken);
        }
    }

    /// <summary>min(max, base·2ⁿ) with full jitter, so retries from many calls do not arrive together.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, BaseBackoff.TotalMilliseconds * Math.Pow(2, attempt));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }

    private static TwilioApiException ParseError(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return new TwilioApiException(
                status,
                root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null,
                root.TryGetProperty("message", out var message) ? message.GetString() ?? $"HTTP {status}" : $"HTTP {status}",
                root.TryGetProperty("more_info", out var more) ? more.GetString() : null);
        }
        catch (JsonException)
        {
            return new TwilioApiException(status, null, $"HTTP {status} from Twilio", null);
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private sealed class Form
    {
        public List<KeyValuePair<string, string>> Fields { get; } = [];

        public Form Add(string name, string? value)
        {
            if (value is not null)
            {
                Fields.Add(new(name, value));
            }

            return this;
        }

        public Form Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

        public Form Add(string name, int? value) => Add(name, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public Form AddAll(string name, IReadOnlyList<string>? values)
        {
            foreach (var value in values ?? [])
            {
                Add(name, value);
            }

            return this;
        }
    }
}
