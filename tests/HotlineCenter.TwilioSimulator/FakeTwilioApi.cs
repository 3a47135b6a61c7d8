using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.TwilioSimulator;

/// <summary>One request the fake API received, with its form fields in order (repeats kept).</summary>
/// <param name="Path">Relative to the account, e.g. <c>/Calls.json</c>; the full path for requests outside it.</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Form, string? Authorization, DateTimeOffset At)
{
    /// <summary>The query string including its <c>?</c>, or empty.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>The operation of Twilio's description the request matched (e.g. <c>UpdateParticipant</c>); null when none.</summary>
    public string? OperationId { get; internal set; }

    public string? Field(string name) => Form.FirstOrDefault(f => f.Key == name).Value;

    public IEnumerable<string> Fields(string name) => Form.Where(f => f.Key == name).Select(f => f.Value);
}

/// <summary>A conference as the fake keeps it: its SID, friendly name, status and participants.</summary>
public sealed record FakeConference(string Sid, string FriendlyName, string Status, IReadOnlyList<FakeParticipant> Participants);

/// <summary>A participant of a fake conference (added by REST, or joined through TwiML as the simulator reports).</summary>
public sealed record FakeParticipant(string CallSid, string? Label, bool Muted, bool Hold, bool Coaching, string? CallSidToCoach, string Status);

/// <summary>
/// Twilio's REST API played on loopback. Every request is checked against Twilio's OpenAPI description of the
/// operations the app uses (<see cref="TwilioContract"/>) and answered as Twilio answers: a path parameter that
/// fails its pattern is a 404, an unknown, malformed or missing parameter a 400 with Twilio's code, and each such
/// refusal is kept in <see cref="Violations"/>, which fails the test when the fake is disposed. Conferences are
/// modelled as Twilio has them: created by a first participant (by friendly name), addressed afterwards only by
/// their <c>CF…</c> SID, their participants by call SID or label. Basic auth is checked, requests are recorded,
/// failures can be injected, and a listener hears of each success so a simulator can fire Twilio's callbacks.
/// </summary>
public sealed class FakeTwilioApi(string accountSid, string authToken, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<ContractViolation> _violations = new();
    private readonly List<InjectedFailure> _failures = [];
    private readonly List<InjectedFailure> _lostAnswers = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LiveConferenceState> _conferences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _callStatus = new();
    private readonly ConcurrentDictionary<string, FakeRecording> _recordings = new();
    private (double Fraction, int Status, int? Code, int? RetryAfterSeconds, Random Random)? _randomFailures;
    private bool _violationsExpected;
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>A snapshot of every request so far, in arrival order, rejected ones included.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Requests real Twilio would have refused for their shape (path, method, parameters), in arrival order.</summary>
    public IReadOnlyList<ContractViolation> Violations => [.. _violations];

    /// <summary>
    /// Called after a request is answered successfully (not for injected failures, auth errors or violations), with
    /// the SID of the call the request created, if any.
    /// </summary>
    public Action<RecordedRequest, string?>? OnRequest { get; set; }

    /// <summary>For a test of the fake itself: violations are expected, so disposing does not fail.</summary>
    public void ExpectViolations() => _violationsExpected = true;

    /// <summary>The next <paramref name="count"/> requests (that <paramref name="when"/> picks) fail with this status, unprocessed.</summary>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c>, as Twilio may on a 429.</param>
    public void FailNext(int count, int status, int? twilioCode = null, int? retryAfterSeconds = null, Func<RecordedRequest, bool>? when = null)
    {
        lock (_gate)
        {
            _failures.Add(new InjectedFailure(count, status, twilioCode, retryAfterSeconds, when));
        }
    }

    /// <summary>Every request fails with this status with probability <paramref name="fraction"/> (seeded, so a run repeats).</summary>
    public void FailRandomly(double fraction, int status, int? twilioCode, int seed, int? retryAfterSeconds = null) =>
        _randomFailures = (fraction, status, twilioCode, retryAfterSeconds, new Random(seed));

    /// <summary>
    /// The next <paramref name="count"/> requests (that <paramref name="when"/> picks) are carried out, but their answer
    /// is lost: the client gets this status (e.g. 500 or 502) although Twilio did what it asked.
    /// </summary>
    public void LoseAnswerOfNext(int count, int status, Func<RecordedRequest, bool>? when = null)
    {
        lock (_gate)
        {
            _lostAnswers.Add(new InjectedFailure(count, status, null, null, when));
        }
    }

    /// <summary>What GET Calls/{sid} answers for this call (default <c>in-progress</c>).</summary>
    public void SetCallStatus(string callSid, string status) => _callStatus[callSid] = status;

    /// <summary>A finished recording of a call, as if Twilio had made it; returns its SID.</summary>
    public string AddRecording(string callSid, int durationSeconds, string? conferenceSid = null)
    {
        var sid = NewSid("RE");
        _recordings[sid] = new FakeRecording(sid, callSid, conferenceSid, "completed", durationSeconds, _time.GetUtcNow());
        return sid;
    }

    /// <summary>The live conference of this friendly name (created, in <c>init</c>, when there is none); returns its SID.</summary>
    public string OpenConference(string friendlyName)
    {
        lock (_gate)
        {
            return LiveConference(friendlyName, create: true)!.Sid;
        }
    }

    /// <summary>Someone joined the conference through TwiML (<c>&lt;Dial&gt;&lt;Conference&gt;</c>), as Twilio would record it; returns the conference SID.</summary>
    public string JoinConference(string friendlyName, string callSid, string? label, bool startsConference = false)
    {
        lock (_gate)
        {
            var conference = LiveConference(friendlyName, create: true)!;
            conference.Participants.RemoveAll(p => p.CallSid == callSid);
            conference.Participants.Add(new Participant(callSid, label) { Status = "connected" });
            if (startsConference)
            {
                conference.Status = "in-progress";
            }

            return conference.Sid;
        }
    }

    /// <summary>The conference ends (its last participant left, or one with endConferenceOnExit).</summary>
    public void EndConference(string friendlyNameOrSid)
    {
        lock (_gate)
        {
            if (Find(friendlyNameOrSid) is { } conference)
            {
                conference.Status = "completed";
                conference.Participants.Clear();
            }
        }
    }

    /// <summary>A participant leaves (hung up, or did not answer).</summary>
    public void LeaveConference(string friendlyNameOrSid, string callSidOrLabel)
    {
        lock (_gate)
        {
            Find(friendlyNameOrSid)?.Participants.RemoveAll(p => p.CallSid == callSidOrLabel || p.Label == callSidOrLabel);
        }
    }

    /// <summary>The live (else the newest) conference of this friendly name or SID, as it stands now.</summary>
    public FakeConference? Conference(string friendlyNameOrSid)
    {
        lock (_gate)
        {
            return Find(friendlyNameOrSid)?.View();
        }
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Map($"/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/{{**rest}}", HandleAsync);
        _app.MapFallback(HandleForeignAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);
    }

    /// <summary>Stops the fake; fails (throws <see cref="TwilioContractException"/>) when the app broke the contract.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }

        if (!_violationsExpected && !_violations.IsEmpty)
        {
            throw new TwilioContractException(Violations);
        }
    }

    private async Task<RecordedRequest?> AcceptAsync(HttpContext http, string path)
    {
        var form = http.Request.HasFormContentType
            ? (await http.Request.ReadFormAsync()).SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList()
            : [];
        var auth = http.Request.Headers.Authorization.ToString();
        var recorded = new RecordedRequest(http.Request.Method, path, form, auth, _time.GetUtcNow())
        {
            Query = http.Request.QueryString.Value ?? string.Empty,
        };
        _requests.Enqueue(recorded);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
        if (auth != expected)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            await Error(http, 401, 20003, "Authentication Error - invalid username");
            return null;
        }

        return recorded;
    }

    private async Task HandleForeignAsync(HttpContext http)
    {
        // Another account's path or no API path at all: Twilio checks the credentials first, then has nothing there.
        if (await AcceptAsync(http, http.Request.Path.Value ?? "/") is { } recorded)
        {
            _violations.Enqueue(new ContractViolation(recorded.Method, recorded.Path, "not under this account's API root"));
            await NotFound(http);
        }
    }

    private async Task HandleAsync(HttpContext http, string rest)
    {
        if (await AcceptAsync(http, "/" + rest) is not { } recorded)
        {
            return;
        }

        var query = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty))).ToList();
        var check = TwilioContract.V2010.Check(recorded.Method, $"/2010-04-01/Accounts/{accountSid}/{rest}", query, recorded.Form);
        recorded.OperationId = check.Operation?.OperationId;
        if (!check.Passed)
        {
            _violations.Enqueue(new ContractViolation(recorded.Method, recorded.Path + recorded.Query, check.Reason!));
            await Error(http, check.Status, check.Code, check.Reason!);
            return;
        }

        if (TakeFailure(_failures, recorded) is { } failure)
        {
            if (failure.RetryAfterSeconds is { } wait)
            {
                http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            }

            await Error(http, failure.Status, failure.Code, "Injected failure");
            return;
        }

        var answer = Carry(check.Operation!.OperationId, check.PathValues, http.Request.Query, recorded, out var createdSid);
        if (TakeFailure(_lostAnswers, recorded) is { } lost)
        {
            // Twilio did it (and will call back as usual); only the answer never reached the app.
            OnRequest?.Invoke(recorded, createdSid);
            await Error(http, lost.Status, null, "Injected failure after the request was carried out");
            return;
        }

        await answer(http);
        if (answer != Missing)
        {
            OnRequest?.Invoke(recorded, createdSid);
        }
    }

    private InjectedFailure? TakeFailure(List<InjectedFailure> failures, RecordedRequest request)
    {
        lock (_gate)
        {
            var index = failures.FindIndex(f => f.When is null || f.When(request));
            if (index >= 0)
            {
                var failure = failures[index];
                failures[index] = failure with { Count = failure.Count - 1 };
                if (failure.Count <= 1)
                {
                    failures.RemoveAt(index);
                }

                return failure;
            }

            if (failures == _failures && _randomFailures is { } random && random.Random.NextDouble() < random.Fraction)
            {
                return new InjectedFailure(1, random.Status, random.Code, random.RetryAfterSeconds, null);
            }

            return null;
        }
    }

    /// <summary>Carries out a request that passed the contract; returns how to answer it.</summary>
    private Func<HttpContext, Task> Carry(string operation, IReadOnlyDictionary<string, string> path, IQueryCollection query, RecordedRequest request, out string? createdSid)
    {
        createdSid = null;
        lock (_gate)
        {
            switch (operation)
            {
                case "CreateCall":
                    var callSid = createdSid = NewSid("CA");
                    _callStatus[callSid] = "queued";
                    return Json(201, Resource(callSid, "calls", $"Calls/{callSid}.json")
                        .With("to", request.Field("To")).With("from", request.Field("From")).With("status", "queued").With("direction", "outbound-api"));
                case "FetchCall":
                    return Json(200, Resource(path["Sid"], "calls", $"Calls/{path["Sid"]}.json").With("status", _callStatus.GetValueOrDefault(path["Sid"], "in-progress")));
                case "UpdateCall":
                    if (request.Field("Status") is { } status)
                    {
                        _callStatus[path["Sid"]] = status;
                    }

                    return Json(200, Resource(path["Sid"], "calls", $"Calls/{path["Sid"]}.json").With("status", _callStatus.GetValueOrDefault(path["Sid"], "in-progress")));
                case "CreateCallRecording":
                    var started = new FakeRecording(NewSid("RE"), path["CallSid"], null, "in-progress", null, _time.GetUtcNow());
                    _recordings[started.Sid] = started;
                    return Json(201, RecordingJson(started));
                case "ListConference":
                    var name = query["FriendlyName"].ToString();
                    var wanted = query["Status"].ToString();
                    var conferences = _conferences.Values
                        .Where(c => (name.Length == 0 || c.FriendlyName == name) && (wanted.Length == 0 || c.Status == wanted))
                        .OrderByDescending(c => c.Created).ThenByDescending(c => c.Order)
                        .Select(c => (JsonNode)ConferenceJson(c));
                    return Json(200, Page("conferences", "Conferences.json", request.Query, new JsonArray([.. conferences])));
                case "UpdateConference":
                    if (!_conferences.TryGetValue(path["Sid"], out var ending))
                    {
                        return Missing;
                    }

                    if (request.Field("Status") == "completed")
                    {
                        ending.Status = "completed";
                        ending.Participants.Clear();
                    }

                    return Json(200, ConferenceJson(ending));
                case "CreateParticipant":
                    var target = path["ConferenceSid"];
                    var conference = IsSid(target, "CF") ? _conferences.GetValueOrDefault(target) : LiveConference(target, create: true);
                    if (conference is null || conference.Status == "completed")
                    {
                        return Missing;
                    }

                    var added = new Participant(createdSid = NewSid("CA"), request.Field("Label"))
                    {
                        Muted = request.Field("Muted") == "true",
                        Coaching = request.Field("Coaching") == "true",
                        CallSidToCoach = request.Field("CallSidToCoach"),
                        Status = "queued",
                    };
                    conference.Participants.Add(added);
                    return Json(201, ParticipantJson(conference, added));
                case "FetchParticipant" or "UpdateParticipant" or "DeleteParticipant":
                    if (!_conferences.TryGetValue(path["ConferenceSid"], out var of) || of.Status == "completed"
                        || of.Participants.Find(p => p.CallSid == path["CallSid"] || p.Label == path["CallSid"]) is not { } participant)
                    {
                        return Missing;
                    }

                    if (operation == "DeleteParticipant")
                    {
                        of.Participants.Remove(participant);
                        return NoContent;
                    }

                    if (operation == "UpdateParticipant")
                    {
                        participant.Muted = request.Field("Muted") is { } muted ? muted == "true" : participant.Muted;
                        participant.Hold = request.Field("Hold") is { } hold ? hold == "true" : participant.Hold;
                        participant.Coaching = request.Field("Coaching") is { } coaching ? coaching == "true" : participant.Coaching;
                        participant.CallSidToCoach = request.Field("CallSidToCoach") ?? (participant.Coaching ? participant.CallSidToCoach : null);
                    }

                    return Json(200, ParticipantJson(of, participant));
                case "ListRecording":
                    var ofCall = query["CallSid"].ToString();
                    var items = _recordings.Values
                        .Where(r => ofCall.Length == 0 || r.CallSid == ofCall)
                        .OrderBy(r => r.Created)
                        .Select(r => (JsonNode)RecordingJson(r));
                    return Json(200, Page("recordings", "Recordings.json", request.Query, new JsonArray([.. items])));
                case "FetchRecording" when request.Path.EndsWith(".mp3", StringComparison.Ordinal):
                    return Audio;
                case "FetchRecording":
                    // A recording this fake did not make is still answered: apps read recordings Twilio reported by callback.
                    var recording = _recordings.GetValueOrDefault(path["Sid"])
                        ?? new FakeRecording(path["Sid"], "CA" + new string('0', 32), null, "completed", 312, _time.GetUtcNow());
                    return Json(200, RecordingJson(recording));
                case "DeleteRecording":
                    _recordings.TryRemove(path["Sid"], out _);
                    return NoContent;
                default:
                    return Missing;
            }
        }
    }

    /// <summary>The conference of this friendly name that has not ended; with <paramref name="create"/>, a new one in <c>init</c> when none.</summary>
    private LiveConferenceState? LiveConference(string friendlyName, bool create)
    {
        var live = _conferences.Values.Where(c => c.FriendlyName == friendlyName && c.Status != "completed").MaxBy(c => c.Order);
        if (live is null && create)
        {
            live = new LiveConferenceState(NewSid("CF"), friendlyName, _time.GetUtcNow(), _conferences.Count);
            _conferences[live.Sid] = live;
        }

        return live;
    }

    private LiveConferenceState? Find(string friendlyNameOrSid) =>
        _conferences.GetValueOrDefault(friendlyNameOrSid)
        ?? LiveConference(friendlyNameOrSid, create: false)
        ?? _conferences.Values.Where(c => c.FriendlyName == friendlyNameOrSid).MaxBy(c => c.Order);

    private JsonObject Resource(string sid, string kind, string path) => new()
    {
        ["sid"] = sid,
        ["account_sid"] = accountSid,
        ["date_created"] = Rfc2822(_time.GetUtcNow()),
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/{path}",
        ["api_version"] = "2010-04-01",
        ["kind"] = kind,
    };

    private JsonObject Page(string name, string path, string query, JsonArray items) => new()
    {
        [name] = items,
        ["page"] = 0,
        ["page_size"] = 50,
        ["start"] = 0,
        ["end"] = Math.Max(0, items.Count - 1),
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/{path}{query}",
        ["first_page_uri"] = $"/2010-04-01/Accounts/{accountSid}/{path}{query}",
        ["next_page_uri"] = null,
        ["previous_page_uri"] = null,
    };

    private JsonObject ConferenceJson(LiveConferenceState c) => new()
    {
        ["sid"] = c.Sid,
        ["account_sid"] = accountSid,
        ["friendly_name"] = c.FriendlyName,
        ["status"] = c.Status,
        ["date_created"] = Rfc2822(c.Created),
        ["date_updated"] = Rfc2822(_time.GetUtcNow()),
        ["api_version"] = "2010-04-01",
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Conferences/{c.Sid}.json",
    };

    private JsonObject ParticipantJson(LiveConferenceState conference, Participant p) => new()
    {
        ["account_sid"] = accountSid,
        ["call_sid"] = p.CallSid,
        ["conference_sid"] = conference.Sid,
        ["label"] = p.Label,
        ["muted"] = p.Muted,
        ["hold"] = p.Hold,
        ["coaching"] = p.Coaching,
        ["call_sid_to_coach"] = p.CallSidToCoach,
        ["status"] = p.Status,
        ["date_created"] = Rfc2822(_time.GetUtcNow()),
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Conferences/{conference.Sid}/Participants/{p.CallSid}.json",
    };

    private JsonObject RecordingJson(FakeRecording r) => new()
    {
        ["sid"] = r.Sid,
        ["account_sid"] = accountSid,
        ["call_sid"] = r.CallSid,
        ["conference_sid"] = r.ConferenceSid,
        ["status"] = r.Status,
        // Twilio reports duration as a string, -1 while recording.
        ["duration"] = (r.DurationSeconds ?? -1).ToString(CultureInfo.InvariantCulture),
        ["channels"] = 2,
        ["source"] = "StartCallRecordingAPI",
        ["date_created"] = Rfc2822(r.Created),
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Recordings/{r.Sid}.json",
    };

    private static bool IsSid(string value, string prefix) =>
        value.Length == 34 && value.StartsWith(prefix, StringComparison.Ordinal) && value[2..].All(char.IsAsciiHexDigit);

    private static string Rfc2822(DateTimeOffset at) => at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static Func<HttpContext, Task> Json(int status, JsonObject body) => http => Json(http, status, body);

    private static async Task Json(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private static Task NoContent(HttpContext http)
    {
        http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private static async Task Audio(HttpContext http)
    {
        http.Response.ContentType = "audio/mpeg";
        await http.Response.Body.WriteAsync("ID3-fake-audio"u8.ToArray());
    }

    // The answer for a resource that does not exist (valid in shape, so not a violation).
    private static readonly Func<HttpContext, Task> Missing = NotFound;

    private static Task NotFound(HttpContext http) => Error(http, 404, 20404, "The requested resource was not found");

    private static Task Error(HttpContext http, int status, int? code, string message) => Json(http, status, new JsonObject
    {
        ["code"] = code,
        ["message"] = message,
        ["more_info"] = code is null ? null : $"https://www.twilio.com/docs/errors/{code}",
        ["status"] = status,
    });

    private sealed record InjectedFailure(int Count, int Status, int? Code, int? RetryAfterSeconds, Func<RecordedRequest, bool>? When);

    private sealed record FakeRecording(string Sid, string CallSid, string? ConferenceSid, string Status, int? DurationSeconds, DateTimeOffset Created);

    private sealed class LiveConferenceState(string sid, string friendlyName, DateTimeOffset created, int order)
    {
        public string Sid { get; } = sid;
        public string FriendlyName { get; } = friendlyName;
        public DateTimeOffset Created { get; } = created;
        public int Order { get; } = order;
        public string Status { get; set; } = "init";
        public List<Participant> Participants { get; } = [];

        public FakeConference View() => new(Sid, FriendlyName, Status,
            [.. Participants.Select(p => new FakeParticipant(p.CallSid, p.Label, p.Muted, p.Hold, p.Coaching, p.CallSidToCoach, p.Status))]);
    }

    private sealed class Participant(string callSid, string? label)
    {
        public string CallSid { get; } = callSid;
        public string? Label { get; } = label;
        public bool Muted { get; set; }
        public bool Hold { get; set; }
        public bool Coaching { get; set; }
        public string? CallSidToCoach { get; set; }
        public string Status { get; set; } = "queued";
    }
}

/// <summary>The app sent requests real Twilio would refuse; the message lists them.</summary>
public sealed class TwilioContractException(IReadOnlyList<ContractViolation> violations)
    : Exception($"{violations.Count} request(s) broke Twilio's REST contract:\n  " + string.Join("\n  ", violations))
{
    public IReadOnlyList<ContractViolation> Violations { get; } = violations;
}

internal static class JsonObjectExtensions
{
    /// <summary>Adds one field and hands the object back, so an answer reads as one expression.</summary>
    public static JsonObject With(this JsonObject json, string name, JsonNode? value)
    {
        json[name] = value;
        return json;
    }
}
