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

    public string? Field(string name) => Form.FirstOrDefault(f => f.Key == name).Value;

    public IEnumerable<string> Fields(string name) => Form.Where(f => f.Key == name).Select(f => f.Value);
}

/// <summary>
/// Twilio's REST API played on loopback: answers the calls HotlineCenter makes in Twilio's shapes, checks
/// Basic auth, records every request, can fail on demand, and tells a listener so a simulator can fire the
/// status callbacks Twilio would.
/// </summary>
public sealed class FakeTwilioApi(string accountSid, string authToken, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<(int Status, int? Code)> _failures = new();
    private readonly ConcurrentDictionary<string, byte> _participants = new();
    private readonly ConcurrentDictionary<string, string> _conferenceSids = new();
    private readonly ConcurrentDictionary<string, string> _callStatus = new();
    private readonly ConcurrentDictionary<string, FakeRecording> _recordings = new();
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>A snapshot of every request so far, in arrival order, rejected ones included.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>
    /// Called after a request is answered successfully (not for injected failures or auth errors), with the SID
    /// of the call the request created, if any.
    /// </summary>
    public Action<RecordedRequest, string?>? OnRequest { get; set; }

    /// <summary>The next <paramref name="count"/> requests fail with this status (e.g. 429 / 20429, or 500).</summary>
    public void FailNext(int count, int status, int? twilioCode = null)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((status, twilioCode));
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

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
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

        if (_failures.TryDequeue(out var failure))
        {
            await Error(http, failure.Status, failure.Code, "Injected failure");
            return null;
        }

        return recorded;
    }

    private async Task HandleForeignAsync(HttpContext http)
    {
        // Another account's path or no API path at all: Twilio checks the credentials first, then has nothing there.
        if (await AcceptAsync(http, http.Request.Path.Value ?? "/") is not null)
        {
            await NotFound(http);
        }
    }

    private async Task HandleAsync(HttpContext http, string rest)
    {
        if (await AcceptAsync(http, "/" + rest) is not { } recorded)
        {
            return;
        }

        var form = recorded.Form;
        string? sid = null;
        var parts = rest.Split('/');
        switch (http.Request.Method, parts)
        {
            case ("POST", ["Calls.json"]):
                if (MissingCallField(recorded) is { } missing)
                {
                    await Error(http, 400, missing.Code, missing.Message);
                    return;
                }

                sid = NewSid("CA");
                await Json(http, 201, Resource(sid, "calls", $"Calls/{sid}")
                    .With("to", recorded.Field("To")).With("from", recorded.Field("From")).With("status", "queued").With("direction", "outbound-api"));
                break;
            case ("GET", ["Recordings.json"]):
                var callSid = http.Request.Query["CallSid"].ToString();
                var items = new JsonArray([.. _recordings.Values
                    .Where(r => callSid.Length == 0 || r.CallSid == callSid)
                    .OrderBy(r => r.Created)
                    .Select(r => (JsonNode)RecordingJson(r))]);
                await Json(http, 200, new JsonObject
                {
                    ["recordings"] = items,
                    ["page"] = 0,
                    ["page_size"] = 50,
                    ["start"] = 0,
                    ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Recordings.json{recorded.Query}",
                    ["first_page_uri"] = $"/2010-04-01/Accounts/{accountSid}/Recordings.json{recorded.Query}",
                    ["next_page_uri"] = null,
                    ["previous_page_uri"] = null,
                });
                break;
            case ("GET", ["Recordings", _]) when parts[1].EndsWith(".json", StringComparison.Ordinal):
                // A recording this fake did not make is still answered: apps read recordings Twilio reported by callback.
                var recording = _recordings.GetValueOrDefault(parts[1][..^5])
                    ?? new FakeRecording(parts[1][..^5], "CA" + new string('0', 32), null, "completed", 312, _time.GetUtcNow());
                await Json(http, 200, RecordingJson(recording));
                break;
            case ("GET", ["Recordings", _]) when parts[1].EndsWith(".mp3", StringComparison.Ordinal):
                http.Response.ContentType = "audio/mpeg";
                await http.Response.Body.WriteAsync("ID3-fake-audio"u8.ToArray());
                break;
            case ("DELETE", ["Recordings", _]):
                _recordings.TryRemove(parts[1][..^5], out _);
                http.Response.StatusCode = 204;
                break;
            case ("POST", ["Calls", _, "Recordings.json"]):
                var started = new FakeRecording(NewSid("RE"), parts[1], null, "in-progress", null, _time.GetUtcNow());
                _recordings[started.Sid] = started;
                await Json(http, 201, RecordingJson(started));
                break;
            case ("GET", ["Calls", _]):
                await Json(http, 200, Resource(parts[1][..^5], "calls", $"Calls/{parts[1]}")
                    .With("status", _callStatus.GetValueOrDefault(parts[1][..^5], "in-progress")));
                break;
            case ("POST", ["Calls", _]):
                await Json(http, 200, Resource(parts[1][..^5], "calls", $"Calls/{parts[1]}").With("status", "in-progress"));
                break;
            case ("POST", ["Conferences", _, "Participants.json"]):
                if (recorded.Field("From") is null || recorded.Field("To") is null)
                {
                    await Error(http, 400, recorded.Field("From") is null ? 21603 : 21604, "A 'From' and a 'To' are required");
                    return;
                }

                sid = NewSid("CA");
                _participants[$"{parts[1]}/{sid}"] = 0;
                if (recorded.Field("Label") is { } label)
                {
                    _participants[$"{parts[1]}/{label}"] = 0;
                }

                await Json(http, 201, Participant(parts[1], sid, recorded).With("status", "queued"));
                break;
            case ("POST", ["Conferences", _, "Participants", _]):
                // Participants who joined through TwiML (the caller) are unknown here but real, so updates always succeed.
                await Json(http, 200, Participant(parts[1], parts[3][..^5], recorded).With("status", "connected"));
                break;
            case ("DELETE", ["Conferences", _, "Participants", _]):
                if (!_participants.TryRemove($"{parts[1]}/{parts[3][..^5]}", out _))
                {
                    await NotFound(http);
                    return;
                }

                http.Response.StatusCode = 204;
                break;
            case ("POST", ["Conferences", _]):
                var conference = parts[1][..^5];
                await Json(http, 200, Resource(ConferenceSid(conference), "conferences", $"Conferences/{parts[1]}")
                    .With("friendly_name", conference).With("status", recorded.Field("Status") ?? "in-progress"));
                break;
            default:
                await NotFound(http);
                return;
        }

        OnRequest?.Invoke(recorded, sid);
    }

    private static (int Code, string Message)? MissingCallField(RecordedRequest request) =>
        request.Field("To") is null ? (21201, "No 'To' number is specified")
        : request.Field("From") is null ? (21603, "A 'From' phone number is required")
        : request.Field("Url") is null && request.Field("Twiml") is null ? (21205, "Url parameter is required")
        : null;

    private JsonObject Resource(string sid, string kind, string path) => new()
    {
        ["sid"] = sid,
        ["account_sid"] = accountSid,
        ["date_created"] = Rfc2822(_time.GetUtcNow()),
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/{path}",
        ["api_version"] = "2010-04-01",
        ["kind"] = kind,
    };

    private JsonObject Participant(string conference, string callSidOrLabel, RecordedRequest request)
    {
        var isSid = callSidOrLabel.StartsWith("CA", StringComparison.Ordinal) && callSidOrLabel.Length == 34;
        return new JsonObject
        {
            ["account_sid"] = accountSid,
            ["call_sid"] = isSid ? callSidOrLabel : NewSid("CA"),
            ["conference_sid"] = ConferenceSid(conference),
            ["label"] = request.Field("Label") ?? (isSid ? null : callSidOrLabel),
            ["muted"] = request.Field("Muted") == "true",
            ["hold"] = request.Field("Hold") == "true",
            ["coaching"] = request.Field("Coaching") == "true",
            ["call_sid_to_coach"] = request.Field("CallSidToCoach"),
            ["date_created"] = Rfc2822(_time.GetUtcNow()),
            ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Conferences/{ConferenceSid(conference)}/Participants/{callSidOrLabel}.json",
        };
    }

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

    // A conference's SID is fixed for its friendly name, so answers about one conference agree with each other.
    private string ConferenceSid(string conference) =>
        conference.StartsWith("CF", StringComparison.Ordinal) && conference.Length == 34 ? conference : _conferenceSids.GetOrAdd(conference, _ => NewSid("CF"));

    private static string Rfc2822(DateTimeOffset at) => at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task Json(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private static Task NotFound(HttpContext http) => Error(http, 404, 20404, "The requested resource was not found");

    private static Task Error(HttpContext http, int status, int? code, string message) => Json(http, status, new JsonObject
    {
        ["code"] = code,
        ["message"] = message,
        ["more_info"] = code is null ? null : $"https://www.twilio.com/docs/errors/{code}",
        ["status"] = status,
    });

    private sealed record FakeRecording(string Sid, string CallSid, string? ConferenceSid, string Status, int? DurationSeconds, DateTimeOffset Created);
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
