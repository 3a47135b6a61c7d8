using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>What the REST client authenticates with and where it sends requests.</summary>
/// <param name="ApiBaseUrl">Normally <see cref="DefaultApiBaseUrl"/>; tests point it at a loopback fake.</param>
public sealed record TwilioCredentials(string AccountSid, string AuthToken, Uri ApiBaseUrl)
{
    public static Uri DefaultApiBaseUrl { get; } = new("https://api.twilio.com");

    public static TwilioCredentials From(TwilioOptions options) =>
        new(options.AccountSid, options.AuthToken, string.IsNullOrWhiteSpace(options.ApiBaseUrl) ? DefaultApiBaseUrl : new Uri(options.ApiBaseUrl));

    // A record prints every member by default; this one would put the auth token into any log that names it.
    public override string ToString() => $"TwilioCredentials {{ AccountSid = {AccountSid}, ApiBaseUrl = {ApiBaseUrl} }}";
}

/// <summary>A 4xx from Twilio (other than 429), or a request that still failed after its retries.</summary>
public sealed class TwilioApiException(int httpStatus, int? code, string message, string? moreInfo, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Twilio's HTTP status; 0 when no answer came at all (network failure or timeout on every try).</summary>
    public int HttpStatus { get; } = httpStatus;

    /// <summary>Twilio's error code, e.g. 21211 (invalid To number) or 20429 (too many requests).</summary>
    public int? Code { get; } = code;

    public string? MoreInfo { get; } = moreInfo;
}

/// <summary>A recording's metadata as Twilio reports it.</summary>
/// <param name="DurationSeconds">Null while the recording is still in progress (Twilio reports -1 or nothing).</param>
public sealed record TwilioRecording(string Sid, string? CallSid, string Status, int? DurationSeconds)
{
    public string? ConferenceSid { get; init; }

    public DateTimeOffset? DateCreated { get; init; }
}

public sealed record CreateCallRequest(string To, string From)
{
    public string? Url { get; init; }
    public string? Twiml { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
    public int? Timeout { get; init; }
    public bool? Record { get; init; }
    public int? TimeLimit { get; init; }
}

/// <summary>Redirect a live call (<see cref="Url"/> or <see cref="Twiml"/>) or end it (<see cref="Status"/>).</summary>
public sealed record UpdateCallRequest
{
    /// <summary>Hangs up an answered call.</summary>
    public static UpdateCallRequest Complete { get; } = new() { Status = "completed" };

    public string? Url { get; init; }
    public string? Twiml { get; init; }

    /// <summary><c>completed</c> ends an answered call; <c>canceled</c> one still queued or ringing.</summary>
    public string? Status { get; init; }
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
    public bool? Record { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
    public string? ConferenceStatusCallback { get; init; }
    public IReadOnlyList<string>? ConferenceStatusCallbackEvents { get; init; }
}

public sealed record UpdateParticipantRequest
{
    public bool? Muted { get; init; }
    public bool? Hold { get; init; }
    public string? HoldUrl { get; init; }
    public bool? Coaching { get; init; }
    public string? CallSidToCoach { get; init; }
    public string? AnnounceUrl { get; init; }
}

/// <summary>
/// Twilio's REST API (twilio-contract.md §4): form-encoded bodies, Basic auth, lists as repeated keys.
/// 429 and 5xx (and network failures or a try's timeout) are retried with jittered exponential backoff, three
/// tries in all; other 4xx surface at once as <see cref="TwilioApiException"/>. Logs name the operation by its
/// path template, the status and the try, never credentials, bodies or numbers.
/// </summary>
public sealed class TwilioRestClient
{
    public const int MaxTries = 3;

    // Bounds the paging of a recording list: a call has a handful of recordings, so more pages than this means
    // a paging loop rather than data.
    private const int MaxPages = 20;

    private readonly HttpClient _http;
    private readonly ILogger<TwilioRestClient> _logger;
    private readonly TimeProvider _time;
    private readonly string _apiRoot;
    private readonly string _accountRoot;
    private readonly string _basicAuth;

    public TwilioRestClient(HttpClient http, TwilioCredentials credentials, ILogger<TwilioRestClient> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _apiRoot = credentials.ApiBaseUrl.AbsoluteUri.TrimEnd('/');
        _accountRoot = $"{_apiRoot}/2010-04-01/Accounts/{Escape(credentials.AccountSid)}/";
        _basicAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.AccountSid}:{credentials.AuthToken}"));
    }

    public TwilioRestClient(HttpClient http, TwilioOptions options, ILogger<TwilioRestClient> logger, TimeProvider? time = null)
        : this(http, TwilioCredentials.From(options), logger, time)
    {
    }

    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Places an outbound call; returns its call SID.</summary>
    public async Task<string> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Url is null) == (request.Twiml is null))
        {
            throw new ArgumentException("A call needs exactly one of Url and Twiml.", nameof(request));
        }

        var form = new Form().Add("To", request.To).Add("From", request.From).Add("Url", request.Url).Add("Twiml", request.Twiml)
            .Add("StatusCallback", request.StatusCallback).AddAll("StatusCallbackEvent", request.StatusCallbackEvents)
            .Add("Timeout", request.Timeout).Add("Record", request.Record).Add("TimeLimit", request.TimeLimit);
        using var json = await SendAsync(HttpMethod.Post, "Calls.json", "Calls", form, cancellationToken);
        return RequiredString(json, "sid", "Calls");
    }

    public async Task UpdateCallAsync(string callSid, UpdateCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Url is not null && request.Twiml is not null)
        {
            throw new ArgumentException("A call is redirected to Url or to Twiml, not both.", nameof(request));
        }

        var form = new Form().Add("Url", request.Url).Add("Twiml", request.Twiml).Add("Status", request.Status);
        if (form.Fields.Count == 0)
        {
            throw new ArgumentException("Nothing to update: set Url, Twiml or Status.", nameof(request));
        }

        using var _ = await SendAsync(HttpMethod.Post, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", form, cancellationToken);
    }

    /// <summary>Redirects a live call to new TwiML, or hangs it up (<paramref name="complete"/>).</summary>
    public Task UpdateCallAsync(string callSid, string? url, string? twiml, bool complete, CancellationToken cancellationToken) =>
        UpdateCallAsync(callSid, new UpdateCallRequest { Url = url, Twiml = twiml, Status = complete ? "completed" : null }, cancellationToken);

    /// <summary>Dials someone into a conference (by SID or friendly name); returns the new leg's call SID.</summary>
    public async Task<string> AddParticipantAsync(string conference, AddParticipantRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new Form().Add("From", request.From).Add("To", request.To).Add("Label", request.Label).Add("Muted", request.Muted)
            .Add("Coaching", request.Coaching).Add("CallSidToCoach", request.CallSidToCoach).Add("Beep", request.Beep)
            .Add("StartConferenceOnEnter", request.StartConferenceOnEnter).Add("EndConferenceOnExit", request.EndConferenceOnExit)
            .Add("EarlyMedia", request.EarlyMedia).Add("Timeout", request.Timeout).Add("Record", request.Record)
            .Add("StatusCallback", request.StatusCallback).AddAll("StatusCallbackEvent", request.StatusCallbackEvents)
            .Add("ConferenceStatusCallback", request.ConferenceStatusCallback)
            .AddAll("ConferenceStatusCallbackEvent", request.ConferenceStatusCallbackEvents);
        const string template = "Conferences/{c}/Participants";
        using var json = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conference)}/Participants.json", template, form, cancellationToken);
        return RequiredString(json, "call_sid", template);
    }

    public async Task UpdateParticipantAsync(string conference, string callSidOrLabel, UpdateParticipantRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new Form().Add("Muted", request.Muted).Add("Hold", request.Hold).Add("HoldUrl", request.HoldUrl)
            .Add("Coaching", request.Coaching).Add("CallSidToCoach", request.CallSidToCoach).Add("AnnounceUrl", request.AnnounceUrl);
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

    /// <summary>Ends a conference for everyone in it.</summary>
    public async Task EndConferenceAsync(string conferenceSid, CancellationToken cancellationToken)
    {
        var form = new Form().Add("Status", "completed");
        using var _ = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conferenceSid)}.json", "Conferences/{sid}", form, cancellationToken);
    }

    /// <summary>A call's current status (<c>queued</c>, <c>in-progress</c>, <c>completed</c>, …).</summary>
    public async Task<string> GetCallStatusAsync(string callSid, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", null, cancellationToken);
        return json is not null && json.RootElement.TryGetProperty("status", out var status) ? status.GetString() ?? "unknown" : "unknown";
    }

    /// <summary>Starts recording a live call; returns the recording SID.</summary>
    public Task<string> StartCallRecordingAsync(string callSid, CancellationToken cancellationToken) =>
        StartCallRecordingAsync(callSid, null, cancellationToken);

    /// <summary>Starts recording a live call, reporting its completion to <paramref name="recordingStatusCallback"/>.</summary>
    public async Task<string> StartCallRecordingAsync(string callSid, string? recordingStatusCallback, CancellationToken cancellationToken)
    {
        var form = new Form().Add("RecordingStatusCallback", recordingStatusCallback);
        const string template = "Calls/{sid}/Recordings";
        using var json = await SendAsync(HttpMethod.Post, $"Calls/{Escape(callSid)}/Recordings.json", template, form, cancellationToken);
        return RequiredString(json, "sid", template);
    }

    /// <summary>Every recording of a call, following Twilio's pages.</summary>
    public async Task<IReadOnlyList<TwilioRecording>> ListRecordingsAsync(string callSid, CancellationToken cancellationToken)
    {
        var recordings = new List<TwilioRecording>();
        var uri = new Uri($"{_accountRoot}Recordings.json?CallSid={Escape(callSid)}");
        for (var page = 0; page < MaxPages; page++)
        {
            using var json = await SendAsync(HttpMethod.Get, uri, "Recordings?CallSid", null, cancellationToken);
            if (json is null)
            {
                break;
            }

            if (json.RootElement.TryGetProperty("recordings", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                recordings.AddRange(items.EnumerateArray().Select(ReadRecording));
            }

            // next_page_uri is a path from the API root (it already names the account); null on the last page.
            if (!json.RootElement.TryGetProperty("next_page_uri", out var next) || next.ValueKind != JsonValueKind.String
                || next.GetString() is not { Length: > 0 } nextPath || !nextPath.StartsWith('/'))
            {
                break;
            }

            uri = new Uri(_apiRoot + nextPath);
        }

        return recordings;
    }

    /// <summary>A recording's metadata (status, duration, the call it belongs to).</summary>
    public async Task<TwilioRecording> GetRecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        const string template = "Recordings/{sid}";
        using var json = await SendAsync(HttpMethod.Get, $"Recordings/{Escape(recordingSid)}.json", template, null, cancellationToken);
        return json is null
            ? throw new TwilioApiException(502, null, $"Twilio answered {template} without a body.", null)
            : ReadRecording(json.RootElement);
    }

    /// <summary>The audio of a recording (MP3), streamed; the caller disposes the stream.</summary>
    public async Task<Stream> OpenRecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        // Not through SendAsync: the audio is streamed to the listener, so it is neither buffered nor retried.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{_accountRoot}Recordings/{Escape(recordingSid)}.mp3"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicAuth);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        _logger.LogInformation("Twilio GET {Operation} answered {Status} (try 1)", "Recordings/{sid}.mp3", (int)response.StatusCode);
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

    private Task<JsonDocument?> SendAsync(HttpMethod method, string path, string operation, Form? form, CancellationToken cancellationToken) =>
        SendAsync(method, new Uri(_accountRoot + path), operation, form, cancellationToken);

    private async Task<JsonDocument?> SendAsync(HttpMethod method, Uri uri, string operation, Form? form, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicAuth);
            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form.Fields);
            }

            // The try's own deadline runs on the injected clock so a test's fake clock governs it too.
            using var deadline = new CancellationTokenSource(TryTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                using var response = await _http.SendAsync(request, linked.Token);
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    _logger.LogInformation("Twilio {Method} {Operation} answered {Status} (try {Attempt})", method.Method, operation, status, attempt);
                    return string.IsNullOrWhiteSpace(body) ? null : JsonDocument.Parse(body);
                }

                var error = ParseError(status, body);
                var retryable = status == 429 || status >= 500;
                // The code, not Twilio's message: the message can quote the number that was dialled.
                _logger.LogWarning("Twilio {Method} {Operation} answered {Status} code {Code} (try {Attempt} of {MaxTries})",
                    method.Method, operation, status, error.Code, attempt, MaxTries);
                if (!retryable || attempt >= MaxTries)
                {
                    throw error;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Only the exception's type: a transport message may carry the request URI or a proxy's reply.
                _logger.LogWarning("Twilio {Method} {Operation} failed on try {Attempt} of {MaxTries}: {Reason}",
                    method.Method, operation, attempt, MaxTries, deadline.IsCancellationRequested ? "timeout" : ex.GetType().Name);
                if (attempt >= MaxTries)
                {
                    throw new TwilioApiException(0, null, $"Twilio did not answer {method.Method} {operation} after {MaxTries} tries.", null, ex);
                }
            }

            await Task.Delay(Backoff(attempt), _time, cancellationToken);
        }
    }

    /// <summary>
    /// min(max, base·2ⁿ) for the n-th retry, half of it fixed and half random, so retries from many calls spread
    /// out yet none comes back at once after a 429.
    /// </summary>
    private TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, BaseBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return cap <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(cap / 2 + Random.Shared.NextDouble() * cap / 2);
    }

    private static TwilioApiException ParseError(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return new TwilioApiException(
                    status,
                    root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var c) ? c : null,
                    root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()! : $"HTTP {status} from Twilio",
                    root.TryGetProperty("more_info", out var more) && more.ValueKind == JsonValueKind.String ? more.GetString() : null);
            }
        }
        catch (JsonException)
        {
            // A proxy or load balancer in front of Twilio answers in HTML or plain text.
        }

        return new TwilioApiException(status, null, $"HTTP {status} from Twilio", null);
    }

    private static TwilioRecording ReadRecording(JsonElement item)
    {
        string? Text(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // Twilio sends duration as a string ("-1" while recording) in some API versions and a number in others.
        int? duration = item.TryGetProperty("duration", out var d) && int.TryParse(d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText(),
            NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : null;
        // date_created is RFC 2822, e.g. "Fri, 14 Oct 2016 21:56:34 +0000".
        DateTimeOffset? created = Text("date_created") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new TwilioRecording(Text("sid") ?? string.Empty, Text("call_sid"), Text("status") ?? "unknown", duration)
        {
            ConferenceSid = Text("conference_sid"),
            DateCreated = created,
        };
    }

    private static string RequiredString(JsonDocument? json, string property, string operation) =>
        json is not null && json.RootElement.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new TwilioApiException(502, null, $"Twilio answered {operation} without '{property}'.", null);

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

        public Form Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

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
