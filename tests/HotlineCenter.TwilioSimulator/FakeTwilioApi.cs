using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.TwilioSimulator;

/// <summary>One request the fake API received, with its form fields in order (repeats kept).</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Form, string? Authorization, DateTimeOffset At)
{
    public string? Field(string name) => Form.FirstOrDefault(f => f.Key == name).Value;

    public IEnumerable<string> Fields(string name) => Form.Where(f => f.Key == name).Select(f => f.Value);
}

/// <summary>
/// Twilio's REST API played on loopback: answers the calls HotlineCenter makes in Twilio's shapes, checks
/// Basic auth, records every request, can fail on demand, and tells a listener so a simulator can fire the
/// status callbacks Twilio would.
/// </summary>
public sealed class FakeTwilioApi(string accountSid, string authToken) : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<(int Status, int? Code)> _failures = new();
    private readonly ConcurrentDictionary<string, byte> _participants = new();
    private readonly ConcurrentDictionary<string, string> _callStatus = new();
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = default!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Called after a request is answered successfully (not for injected failures).</summary>
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

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        var prefix = $"/2010-04-01/Accounts/{accountSid}";
        _app.Map(prefix + "/{**rest}", HandleAsync);
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

    private async Task HandleAsync(HttpContext http, string rest)
    {
        var form = http.Request.HasFormContentType
            ? (await http.Request.ReadFormAsync()).SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList()
            : [];
        var auth = http.Request.Headers.Authorization.ToString();
        var recorded = new RecordedRequest(http.Request.Method, "/" + rest, form, auth, DateTimeOffset.UtcNow);
        _requests.Enqueue(recorded);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
        if (auth != expected)
        {
            await Error(http, 401, 20003, "Authenticate");
            return;
        }

        if (_failures.TryDequeue(out var failure))
        {
            await Error(http, failure.Status, failure.Code, "Injected failure");
            return;
        }

        string? sid = null;
        var parts = rest.Split('/');
        switch (http.Request.Method, parts)
        {
            case ("POST", ["Calls.json"]):
                sid = NewSid("CA");
                await Json(http, 201, $$"""{"sid":"{{sid}}","status":"queued"}""");
                break;
            case ("GET", ["Recordings", _]) when parts[1].EndsWith(".json", StringComparison.Ordinal):
                await Json(http, 200, $$"""{"sid":"{{parts[1][..^5]}}","call_sid":"CA{{new string('0', 32)}}","status":"completed","duration":"312"}""");
                break;
            case ("GET", ["Recordings", _]) when parts[1].EndsWith(".mp3", StringComparison.Ordinal):
                http.Response.ContentType = "audio/mpeg";
                await http.Response.Body.WriteAsync("ID3-fake-audio"u8.ToArray());
                break;
            case ("GET", ["Calls", _]):
                await Json(http, 200, $$"""{"sid":"{{parts[1][..^5]}}","status":"{{_callStatus.GetValueOrDefault(parts[1][..^5], "in-progress")}}"}""");
                break;
            case ("POST", ["Calls", _]):
                await Json(http, 200, $$"""{"sid":"{{parts[1][..^5]}}","status":"in-progress"}""");
                break;
            case ("POST", ["Conferences", _, "Participants.json"]):
                sid = NewSid("CA");
                _participants[$"{parts[1]}/{sid}"] = 0;
                if (Field(form, "Label") is { } label)
                {
                    _participants[$"{parts[1]}/{label}"] = 0;
                }

                await Json(http, 201, $$"""{"call_sid":"{{sid}}","conference_sid":"CF{{new string('0', 32)}}","status":"queued"}""");
                break;
            case ("POST", ["Conferences", _, "Participants", _]):
                await Json(http, 200, $$"""{"call_sid":"{{parts[3][..^5]}}"}""");
                break;
            case ("DELETE", ["Conferences", _, "Participants", _]):
                if (_participants.TryRemove($"{parts[1]}/{parts[3][..^5]}", out _))
                {
                    http.Response.StatusCode = 204;
                }
                else
                {
                    await Error(http, 404, 20404, "The requested resource was not found");
                    return;
                }

                break;
            case ("POST", ["Conferences", _]):
            case ("DELETE", ["Recordings", _]):
                http.Response.StatusCode = parts[0] == "Recordings" ? 204 : 200;
                break;
            default:
                await Error(http, 404, 20404, "The requested resource was not found");
                return;
        }

        OnRequest?.Invoke(recorded, sid);
    }

    private static string? Field(List<KeyValuePair<string, string>> form, string name) => form.FirstOrDefault(f => f.Key == name).Value;

    private static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task Json(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body);
    }

    private static Task Error(HttpContext http, int status, int? code, string message) =>
        Json(http, status, $$"""{"code":{{(code?.ToString() ?? "null")}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""");
}
