using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HotlineCenter.TwilioSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Twilio's REST API at load-test scale, on a fixed loopback port (the host's <c>Twilio:ApiBaseUrl</c>). It mirrors
/// <see cref="FakeTwilioApi"/> for the operations a call's life uses — participant create, fetch, update and delete,
/// call fetch and update, conference list and update, call create — but keeps conferences in dictionaries (by friendly
/// name and by <c>CF…</c> SID) and forgets them when they end, and records nothing, so its cost stays flat over a long
/// run. Every request is still checked against Twilio's OpenAPI description (<see cref="TwilioContract"/>) when
/// <c>contract</c> is on; each refusal counts as a failure. When a participant labelled <c>counselor-…</c> is created,
/// <see cref="OnRing"/> is told, so a simulated counsellor can answer that leg.
/// </summary>
public sealed class BenchTwilioApi(string accountSid, string authToken, bool checkContract) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Conference> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Conference> _bySid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _callStatus = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly string _expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
    private WebApplication? _app;
    private int _requests;

    /// <summary>(conference friendly name, participant label, StatusCallback URL, new leg's call SID), after the 201 is written.</summary>
    public Action<string, string, string?, string>? OnRing { get; set; }

    public int RequestCount => Volatile.Read(ref _requests);

    public IReadOnlyList<string> Violations => [.. _violations];

    public async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.Map($"/2010-04-01/Accounts/{accountSid}/{{**rest}}", HandleAsync);
        _app.MapFallback(http =>
        {
            _violations.Enqueue($"{http.Request.Method} {http.Request.Path}: not under this account's API root");
            http.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The caller joined its conference through TwiML: the conference exists (in <c>init</c>) and its SID is returned.</summary>
    public string Join(string friendlyName, string callSid, string label)
    {
        var conference = Live(friendlyName);
        lock (conference)
        {
            conference.Participants[label] = callSid;
        }

        return conference.Sid;
    }

    /// <summary>A leg answered: the conference it is in starts.</summary>
    public void Answered(string friendlyName, string label, string legSid)
    {
        if (_byName.TryGetValue(friendlyName, out var conference))
        {
            lock (conference)
            {
                conference.Participants[label] = legSid;
                conference.Status = "in-progress";
            }
        }
    }

    /// <summary>The conference ended (the caller left with endConferenceOnExit): Twilio answers 404 for it from now on.</summary>
    public void End(string friendlyName)
    {
        if (_byName.TryRemove(friendlyName, out var conference))
        {
            _bySid.TryRemove(conference.Sid, out _);
        }
    }

    public void SetCallStatus(string callSid, string status) => _callStatus[callSid] = status;

    public void Forget(string callSid) => _callStatus.TryRemove(callSid, out _);

    private Conference Live(string friendlyName) => _byName.GetOrAdd(friendlyName, name =>
    {
        var created = new Conference(NewSid("CF"), name);
        _bySid[created.Sid] = created;
        return created;
    });

    private async Task HandleAsync(HttpContext http, string rest)
    {
        Interlocked.Increment(ref _requests);
        if (http.Request.Headers.Authorization.ToString() != _expectedAuth)
        {
            _violations.Enqueue($"{http.Request.Method} /{rest}: wrong credentials");
            await Error(http, 401, 20003);
            return;
        }

        var form = http.Request.HasFormContentType
            ? (await http.Request.ReadFormAsync()).SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList()
            : [];
        string? operation;
        IReadOnlyDictionary<string, string> path;
        if (checkContract)
        {
            var query = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty))).ToList();
            var check = TwilioContract.V2010.Check(http.Request.Method, $"/2010-04-01/Accounts/{accountSid}/{rest}", query, form);
            if (!check.Passed)
            {
                _violations.Enqueue($"{http.Request.Method} /{rest}{http.Request.QueryString}: {check.Reason}");
                await Error(http, check.Status, check.Code, check.Reason);
                return;
            }

            operation = check.Operation!.OperationId;
            path = check.PathValues;
        }
        else
        {
            (operation, path) = Classify(http.Request.Method, rest);
        }

        string? Field(string name) => form.FirstOrDefault(f => f.Key == name).Value;
        switch (operation)
        {
            case "CreateParticipant":
            {
                var target = path["ConferenceSid"];
                var conference = target.StartsWith("CF", StringComparison.Ordinal) ? _bySid.GetValueOrDefault(target) : Live(target);
                if (conference is null)
                {
                    await Error(http, 404, 20404);
                    return;
                }

                var leg = NewSid("CA");
                var label = Field("Label") ?? leg;
                lock (conference)
                {
                    conference.Participants[label] = leg;
                }

                await Json(http, 201, Participant(conference, leg, label, "queued"));
                OnRing?.Invoke(conference.FriendlyName, label, Field("StatusCallback"), leg);
                return;
            }

            case "FetchParticipant" or "UpdateParticipant" or "DeleteParticipant":
            {
                if (!_bySid.TryGetValue(path["ConferenceSid"], out var conference))
                {
                    await Error(http, 404, 20404);
                    return;
                }

                string? leg;
                string key = path["CallSid"];
                lock (conference)
                {
                    leg = conference.Participants.GetValueOrDefault(key) ?? (conference.Participants.ContainsValue(key) ? key : null);
                    if (leg is not null && operation == "DeleteParticipant")
                    {
                        conference.Participants.Remove(key);
                    }
                }

                if (leg is null)
                {
                    await Error(http, 404, 20404);
                }
                else if (operation == "DeleteParticipant")
                {
                    http.Response.StatusCode = 204;
                }
                else
                {
                    await Json(http, 200, Participant(conference, leg, key, "connected"));
                }

                return;
            }

            case "FetchCall" or "UpdateCall":
            {
                var sid = path["Sid"];
                if (operation == "UpdateCall" && Field("Status") is { } status)
                {
                    _callStatus[sid] = status;
                }

                await Json(http, 200, new JsonObject { ["sid"] = sid, ["account_sid"] = accountSid, ["status"] = _callStatus.GetValueOrDefault(sid, "in-progress") });
                return;
            }

            case "CreateCall":
                await Json(http, 201, new JsonObject { ["sid"] = NewSid("CA"), ["account_sid"] = accountSid, ["status"] = "queued" });
                return;
            case "ListConference":
            {
                var name = http.Request.Query["FriendlyName"].ToString();
                var wanted = http.Request.Query["Status"].ToString();
                var items = new JsonArray();
                if (_byName.TryGetValue(name, out var conference) && (wanted.Length == 0 || wanted == conference.Status))
                {
                    items.Add(new JsonObject { ["sid"] = conference.Sid, ["friendly_name"] = conference.FriendlyName, ["status"] = conference.Status });
                }

                await Json(http, 200, new JsonObject { ["conferences"] = items, ["page"] = 0, ["page_size"] = 50, ["next_page_uri"] = null });
                return;
            }

            case "UpdateConference":
            {
                if (!_bySid.TryGetValue(path["Sid"], out var conference))
                {
                    await Error(http, 404, 20404);
                    return;
                }

                if (Field("Status") == "completed")
                {
                    End(conference.FriendlyName);
                }

                await Json(http, 200, new JsonObject { ["sid"] = conference.Sid, ["friendly_name"] = conference.FriendlyName, ["status"] = Field("Status") ?? conference.Status });
                return;
            }

            default:
                await Error(http, 404, 20404);
                return;
        }
    }

    /// <summary>Without the contract check: the operation from the path's shape alone.</summary>
    private static (string? Operation, IReadOnlyDictionary<string, string> Path) Classify(string method, string rest)
    {
        var parts = rest.Split('/');
        string Strip(string s) => s.EndsWith(".json", StringComparison.Ordinal) ? s[..^5] : s;
        return (parts, method) switch
        {
            ({ Length: 3 } p, "POST") when p[0] == "Conferences" && p[2] == "Participants.json" =>
                ("CreateParticipant", new Dictionary<string, string> { ["ConferenceSid"] = p[1] }),
            ({ Length: 4 } p, _) when p[0] == "Conferences" && p[2] == "Participants" =>
                (method switch { "GET" => "FetchParticipant", "DELETE" => "DeleteParticipant", _ => "UpdateParticipant" },
                    new Dictionary<string, string> { ["ConferenceSid"] = p[1], ["CallSid"] = Strip(p[3]) }),
            ({ Length: 1 } p, "GET") when p[0] == "Conferences.json" => ("ListConference", new Dictionary<string, string>()),
            ({ Length: 2 } p, "POST") when p[0] == "Conferences" => ("UpdateConference", new Dictionary<string, string> { ["Sid"] = Strip(p[1]) }),
            ({ Length: 1 } p, "POST") when p[0] == "Calls.json" => ("CreateCall", new Dictionary<string, string>()),
            ({ Length: 2 } p, "GET") when p[0] == "Calls" => ("FetchCall", new Dictionary<string, string> { ["Sid"] = Strip(p[1]) }),
            ({ Length: 2 } p, "POST") when p[0] == "Calls" => ("UpdateCall", new Dictionary<string, string> { ["Sid"] = Strip(p[1]) }),
            _ => (null, new Dictionary<string, string>()),
        };
    }

    private JsonObject Participant(Conference conference, string leg, string label, string status) => new()
    {
        ["account_sid"] = accountSid,
        ["call_sid"] = leg,
        ["conference_sid"] = conference.Sid,
        ["label"] = label,
        ["muted"] = false,
        ["hold"] = false,
        ["coaching"] = false,
        ["status"] = status,
    };

    public static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task Json(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Error(HttpContext http, int status, int? code, string? reason = null) => Json(http, status, new JsonObject
    {
        ["code"] = code,
        ["message"] = reason ?? "refused by the benchmark's Twilio",
        ["status"] = status,
    });

    private sealed class Conference(string sid, string friendlyName)
    {
        public string Sid { get; } = sid;
        public string FriendlyName { get; } = friendlyName;
        public string Status { get; set; } = "init";

        /// <summary>Label (or call SID when unlabelled) → call SID.</summary>
        public Dictionary<string, string> Participants { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Latency samples by name, thread-safe; percentiles on demand.</summary>
public sealed class Samples
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _byName = new(StringComparer.Ordinal);

    public void Add(string name, double ms) => _byName.GetOrAdd(name, _ => []).Add(ms);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public double[] Sorted(string name)
    {
        var values = _byName.TryGetValue(name, out var bag) ? bag.ToArray() : [];
        Array.Sort(values);
        return values;
    }

    public static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    public static string Stats(double[] sorted) => sorted.Length == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"n {sorted.Length,6}   p50 {P(sorted, 0.50),8:F1} ms   p99 {P(sorted, 0.99),8:F1} ms   max {sorted[^1],8:F1} ms");
}

/// <summary>CPU time of a process from <c>/proc/&lt;pid&gt;/stat</c> (user + system), in seconds.</summary>
public static class ProcessCpu
{
    // USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    public static double Seconds(int pid)
    {
        if (pid <= 0)
        {
            return double.NaN;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}

/// <summary>A stopwatch timestamp in milliseconds since another.</summary>
internal static class Ms
{
    public static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
