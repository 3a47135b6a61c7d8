using HotlineCenter.Abstractions.Common;
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

    /// <summary>
    /// The request creates something (a call, a participant) and failed in a way that leaves open whether Twilio carried
    /// it out (5xx, no answer) and it could not be looked up: the caller must not simply send it again.
    /// </summary>
    public bool MayHaveBeenCarriedOut { get; init; }
}

/// <summary>A conference participant as Twilio reports it.</summary>
public sealed record TwilioParticipant(string CallSid, string ConferenceSid, string? Label, string? Status);

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
/// Twilio's REST API (twilio-contract.md §4): form-encoded bodies, Basic auth, lists as repeated keys. Failed tries
/// are sent again as <see cref="TwilioRetryPolicy"/> decides (429 and requests that never left always; 5xx and lost
/// answers only when repeating is harmless or the created participant can be looked up first), within a time budget:
/// <see cref="DefaultBudget"/> per request, or the deadline of a client from <see cref="Within"/>. Other 4xx surface at
/// once as <see cref="TwilioApiException"/>. Logs name the operation by its path template, the status and the try,
/// never credentials, bodies or numbers.
/// </summary>
public sealed class TwilioRestClient
{
    // Bounds the paging of a recording list: a call has a handful of recordings, so more pages than this means
    // a paging loop rather than data.
    private const int MaxPages = 20;

    // A look-up after a lost answer gets at least this long, even when the request's own budget is spent.
    private static readonly TimeSpan CheckBudget = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http;
    private readonly ILogger<TwilioRestClient> _logger;
    private readonly TimeProvider _time;
    private readonly string _apiRoot;
    private readonly string _accountRoot;
    private readonly string _basicAuth;
    private DateTimeOffset? _deadline;

    public TwilioRestClient(HttpClient http, TwilioCredentials credentials, ILogger<TwilioRestClient> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _apiRoot = credentials.ApiBaseUrl.AbsoluteUri.TrimEnd('/');
        _accountRoot = $"{_apiRoot}/2010-04-01/Accounts/{Escape(credentials.AccountSid)}/";
        _basicAuth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.AccountSid}:{credentials.AuthToken}"));
        Wait = (delay, ct) => Task.Delay(delay, _time, ct);
    }

    public TwilioRestClient(HttpClient http, TwilioOptions options, ILogger<TwilioRestClient> logger, TimeProvider? time = null)
        : this(http, TwilioCredentials.From(options), logger, time)
    {
    }

    public TwilioRetryPolicy Retry { get; init; } = TwilioRetryPolicy.Default;

    /// <summary>One try's own timeout (shortened to what is left of the budget).</summary>
    public TimeSpan TryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A request's time budget on a client without a deadline of its own.</summary>
    public TimeSpan DefaultBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the client waits between tries; a test replaces it to move a fake clock instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Wait { get; init; }

    /// <summary>Where in the jitter window a delay falls, in [0, 1); a test fixes it.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>
    /// The same client with one deadline, <paramref name="budget"/> from now, for every request made through it: a
    /// command's budget covers all of its requests (a look-up and the change it leads to).
    /// </summary>
    public TwilioRestClient Within(TimeSpan budget)
    {
        var copy = (TwilioRestClient)MemberwiseClone();
        copy._deadline = _time.GetUtcNow() + budget;
        return copy;
    }

    /// <summary>What is left of this client's deadline (the default budget for a client without one).</summary>
    public TimeSpan Remaining => _deadline is { } deadline ? deadline - _time.GetUtcNow() : DefaultBudget;

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
        // Never sent twice blindly: a second call to a caller in crisis is worse than a failure the app reports.
        using var json = await SendAsync(HttpMethod.Post, "Calls.json", "Calls", form, Repeat.No, null, cancellationToken);
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

        using var _ = await SendAsync(HttpMethod.Post, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", form, Repeat.Yes, null, cancellationToken);
    }

    /// <summary>Redirects a live call to new TwiML, or hangs it up (<paramref name="complete"/>).</summary>
    public Task UpdateCallAsync(string callSid, string? url, string? twiml, bool complete, CancellationToken cancellationToken) =>
        UpdateCallAsync(callSid, new UpdateCallRequest { Url = url, Twiml = twiml, Status = complete ? "completed" : null }, cancellationToken);

    /// <summary>
    /// Dials someone into a conference, by its SID or (only here) its friendly name, which creates it when it does not
    /// exist yet. Not sent twice blindly: when an answer is lost, a labelled participant is looked for first, so a
    /// counsellor is never rung twice; an unlabelled one is not repeated.
    /// </summary>
    public async Task<TwilioParticipant> AddParticipantAsync(string conference, AddParticipantRequest request, CancellationToken cancellationToken)
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
        Func<TwilioRestClient, CancellationToken, Task<JsonDocument?>>? lookUp = request.Label is { } label
            ? async (client, ct) => await client.FindConferenceAsync(conference, ct) is { } sid ? await client.FetchParticipantJsonAsync(sid, label, ct) : null
            : null;
        using var json = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conference)}/Participants.json", template, form, Repeat.No, lookUp, cancellationToken);
        return ReadParticipant(json, template);
    }

    /// <summary>A participant by call SID or label, in a conference named by its SID; null when it is not (or no longer) there.</summary>
    public async Task<TwilioParticipant?> FetchParticipantAsync(string conferenceSid, string callSidOrLabel, CancellationToken cancellationToken)
    {
        using var json = await FetchParticipantJsonAsync(conferenceSid, callSidOrLabel, cancellationToken);
        return json is null ? null : ReadParticipant(json, "Conferences/{sid}/Participants/{p}");
    }

    /// <summary>Changes a participant (mute, hold, coach) in a conference named by its SID (<c>CF…</c>): Twilio has no other address for it.</summary>
    public async Task UpdateParticipantAsync(string conferenceSid, string callSidOrLabel, UpdateParticipantRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new Form().Add("Muted", request.Muted).Add("Hold", request.Hold).Add("HoldUrl", request.HoldUrl)
            .Add("Coaching", request.Coaching).Add("CallSidToCoach", request.CallSidToCoach).Add("AnnounceUrl", request.AnnounceUrl);
        using var _ = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conferenceSid)}/Participants/{Escape(callSidOrLabel)}.json", "Conferences/{sid}/Participants/{p}", form, Repeat.Yes, null, cancellationToken);
    }

    /// <summary>Removes a participant from a conference named by its SID; false when it was not there (already left).</summary>
    public async Task<bool> RemoveParticipantAsync(string conferenceSid, string callSidOrLabel, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await SendAsync(HttpMethod.Delete, $"Conferences/{Escape(conferenceSid)}/Participants/{Escape(callSidOrLabel)}.json", "Conferences/{sid}/Participants/{p}", null, Repeat.Yes, null, cancellationToken);
            return true;
        }
        catch (TwilioApiException ex) when (ex.HttpStatus == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// The SID of the conference of this friendly name that has not ended (<c>init</c>, while a caller waits alone for a
    /// counsellor, or <c>in-progress</c>), newest first; null when there is none. One list request without a status filter,
    /// since the conference of a waiting caller is still <c>init</c>.
    /// </summary>
    public async Task<string?> FindLiveConferenceAsync(string friendlyName, CancellationToken cancellationToken)
    {
        var uri = new Uri($"{_accountRoot}Conferences.json?FriendlyName={Escape(friendlyName)}&PageSize=20");
        using var json = await SendAsync(HttpMethod.Get, uri, "Conferences?FriendlyName", null, Repeat.Yes, null, cancellationToken);
        if (json is null || !json.RootElement.TryGetProperty("conferences", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return items.EnumerateArray()
            .Where(c => c.TryGetProperty("status", out var status) && status.GetString() is "init" or "in-progress")
            .Select(c => c.TryGetProperty("sid", out var sid) ? sid.GetString() : null)
            .FirstOrDefault(sid => IsConferenceSid(sid));
    }

    /// <summary>Ends a conference for everyone in it.</summary>
    public async Task EndConferenceAsync(string conferenceSid, CancellationToken cancellationToken)
    {
        var form = new Form().Add("Status", "completed");
        using var _ = await SendAsync(HttpMethod.Post, $"Conferences/{Escape(conferenceSid)}.json", "Conferences/{sid}", form, Repeat.Yes, null, cancellationToken);
    }

    /// <summary>Whether this is a conference SID (<c>^CF[0-9a-fA-F]{32}$</c>, Twilio's pattern) rather than a friendly name.</summary>
    public static bool IsConferenceSid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) =>
        value is { Length: 34 } && value.StartsWith("CF", StringComparison.Ordinal) && value.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    /// <summary>A call's current status (<c>queued</c>, <c>in-progress</c>, <c>completed</c>, …).</summary>
    public async Task<string> GetCallStatusAsync(string callSid, CancellationToken cancellationToken)
    {
        using var json = await SendAsync(HttpMethod.Get, $"Calls/{Escape(callSid)}.json", "Calls/{sid}", null, Repeat.Yes, null, cancellationToken);
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
        using var json = await SendAsync(HttpMethod.Post, $"Calls/{Escape(callSid)}/Recordings.json", template, form, Repeat.No, null, cancellationToken);
        return RequiredString(json, "sid", template);
    }

    /// <summary>Every recording of a call, following Twilio's pages.</summary>
    public async Task<IReadOnlyList<TwilioRecording>> ListRecordingsAsync(string callSid, CancellationToken cancellationToken)
    {
        var recordings = new List<TwilioRecording>();
        var uri = new Uri($"{_accountRoot}Recordings.json?CallSid={Escape(callSid)}");
        for (var page = 0; page < MaxPages; page++)
        {
            using var json = await SendAsync(HttpMethod.Get, uri, "Recordings?CallSid", null, Repeat.Yes, null, cancellationToken);
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
        using var json = await SendAsync(HttpMethod.Get, $"Recordings/{Escape(recordingSid)}.json", template, null, Repeat.Yes, null, cancellationToken);
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
        using var _ = await SendAsync(HttpMethod.Delete, $"Recordings/{Escape(recordingSid)}.json", "Recordings/{sid}", null, Repeat.Yes, null, cancellationToken);
    }

    private async Task<JsonDocument?> FetchParticipantJsonAsync(string conferenceSid, string callSidOrLabel, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"Conferences/{Escape(conferenceSid)}/Participants/{Escape(callSidOrLabel)}.json", "Conferences/{sid}/Participants/{p}", null, Repeat.Yes, null, cancellationToken);
        }
        catch (TwilioApiException ex) when (ex.HttpStatus == 404)
        {
            return null;
        }
    }

    /// <summary>A conference given by SID or friendly name, as its SID; null when no live conference has the name.</summary>
    private async Task<string?> FindConferenceAsync(string conference, CancellationToken cancellationToken) =>
        IsConferenceSid(conference) ? conference : await FindLiveConferenceAsync(conference, cancellationToken);

    private Task<JsonDocument?> SendAsync(HttpMethod method, string path, string operation, Form? form, Repeat repeat, Func<TwilioRestClient, CancellationToken, Task<JsonDocument?>>? lookUp, CancellationToken cancellationToken) =>
        SendAsync(method, new Uri(_accountRoot + path), operation, form, repeat, lookUp, cancellationToken);

    private async Task<JsonDocument?> SendAsync(HttpMethod method, Uri uri, string operation, Form? form, Repeat repeat, Func<TwilioRestClient, CancellationToken, Task<JsonDocument?>>? lookUp, CancellationToken cancellationToken)
    {
        var deadline = _deadline ?? _time.GetUtcNow() + DefaultBudget;
        for (var attempt = 1; ; attempt++)
        {
            var tried = await TryAsync(method, uri, operation, form, attempt, deadline, cancellationToken);
            HotlineMetrics.TelephonyRequests.Add(1, new System.Diagnostics.TagList
            {
                { "provider", "twilio" }, { "operation", $"{method.Method} {operation}" }, { "outcome", tried.Failure?.Outcome.ToString() ?? "Ok" },
            });
            if (tried.Failure is not { } failure)
            {
                return tried.Body;
            }

            var decision = Retry.Decide(failure.Outcome, repeat == Repeat.Yes, lookUp is not null, attempt, failure.RetryAfter, deadline - _time.GetUtcNow(), Jitter());
            _logger.LogWarning("Twilio {Method} {Operation}: try {Attempt} {Outcome}; {Decision}", method.Method, operation, attempt, failure.Outcome, decision.Reason);
            if (decision.Action == TwilioRetryAction.GiveUp)
            {
                throw failure.Error(mayHaveBeenCarriedOut: failure.Outcome is TwilioTryOutcome.ServerError or TwilioTryOutcome.NoAnswer && repeat == Repeat.No);
            }

            await Wait(decision.Delay, cancellationToken);
            if (decision.Action is TwilioRetryAction.CheckThenRetry or TwilioRetryAction.CheckThenGiveUp)
            {
                JsonDocument? found;
                try
                {
                    // The look-up has a budget of its own: knowing whether Twilio rang someone matters even when time is up.
                    var checker = deadline - _time.GetUtcNow() < CheckBudget ? Within(CheckBudget) : this;
                    found = await lookUp!(checker, cancellationToken);
                }
                catch (TwilioApiException ex)
                {
                    _logger.LogWarning("Twilio {Method} {Operation}: could not look whether it was carried out (HTTP {Status}); not repeated", method.Method, operation, ex.HttpStatus);
                    throw failure.Error(mayHaveBeenCarriedOut: true);
                }

                if (found is not null)
                {
                    _logger.LogInformation("Twilio {Method} {Operation}: carried out although its answer was lost", method.Method, operation);
                    return found;
                }

                if (decision.Action == TwilioRetryAction.CheckThenGiveUp)
                {
                    throw failure.Error(mayHaveBeenCarriedOut: false);
                }
            }
        }
    }

    /// <summary>One try: the answer's body, or how it failed.</summary>
    private async Task<(JsonDocument? Body, TryFailure? Failure)> TryAsync(HttpMethod method, Uri uri, string operation, Form? form, int attempt, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basicAuth);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form.Fields);
        }

        // The try's own deadline runs on the injected clock so a test's fake clock governs it too; it never outlasts
        // the request's budget by more than a second (a try cut to nothing could not succeed at all).
        var left = deadline - _time.GetUtcNow();
        var timeout = left < TryTimeout ? (left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left) : TryTimeout;
        using var tryDeadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, tryDeadline.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                _logger.LogInformation("Twilio {Method} {Operation} answered {Status} (try {Attempt})", method.Method, operation, status, attempt);
                return (string.IsNullOrWhiteSpace(body) ? null : JsonDocument.Parse(body), null);
            }

            var error = ParseError(status, body);
            // The code, not Twilio's message: the message can quote the number that was dialled.
            _logger.LogWarning("Twilio {Method} {Operation} answered {Status} code {Code} (try {Attempt})", method.Method, operation, status, error.Code, attempt);
            var outcome = status == 429 ? TwilioTryOutcome.TooManyRequests : status >= 500 ? TwilioTryOutcome.ServerError : TwilioTryOutcome.Refused;
            return (null, new TryFailure(outcome, RetryAfter(response), error, null));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Only the exception's type: a transport message may carry the request URI or a proxy's reply.
            var outcome = ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }
                ? TwilioTryOutcome.NotSent
                : TwilioTryOutcome.NoAnswer;
            _logger.LogWarning("Twilio {Method} {Operation} failed on try {Attempt}: {Reason}", method.Method, operation, attempt, tryDeadline.IsCancellationRequested ? "timeout" : ex.GetType().Name);
            return (null, new TryFailure(outcome, null, null, ex) { What = $"{method.Method} {operation}", Tries = attempt });
        }
    }

    /// <summary>Twilio's <c>Retry-After</c>: seconds, or an HTTP date.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };

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

    private static TwilioParticipant ReadParticipant(JsonDocument? json, string operation) =>
        new(RequiredString(json, "call_sid", operation), RequiredString(json, "conference_sid", operation),
            json!.RootElement.TryGetProperty("label", out var label) && label.ValueKind == JsonValueKind.String ? label.GetString() : null,
            json.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() : null);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Whether sending a request twice has the effect of sending it once.</summary>
    private enum Repeat
    {
        No,
        Yes,
    }

    /// <summary>How a try failed: Twilio's error (when it answered), or the transport's exception.</summary>
    private sealed record TryFailure(TwilioTryOutcome Outcome, TimeSpan? RetryAfter, TwilioApiException? Answered, Exception? Transport)
    {
        public string What { get; init; } = string.Empty;

        public int Tries { get; init; }

        public TwilioApiException Error(bool mayHaveBeenCarriedOut) =>
            Answered is { } answered
                ? new TwilioApiException(answered.HttpStatus, answered.Code, answered.Message, answered.MoreInfo) { MayHaveBeenCarriedOut = mayHaveBeenCarriedOut }
                : new TwilioApiException(0, null, $"Twilio did not answer {What} (try {Tries}).", null, Transport) { MayHaveBeenCarriedOut = mayHaveBeenCarriedOut };
    }

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
