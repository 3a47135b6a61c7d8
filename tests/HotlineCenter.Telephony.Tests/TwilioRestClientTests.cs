using System.Collections.Concurrent;
using System.Net;
using System.Text;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwilioRestClientTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "auth-token-that-must-never-be-logged";
    private const string Hotline = "+862912356";
    private const string CallerNumber = "+8613800138000";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private readonly CapturingLogger _log = new();
    private readonly HttpClient _http = new();
    private TwilioRestClient _client = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _client = Client(_http);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Create_call_sends_form_fields_with_repeated_events_lower_case_booleans_and_basic_auth()
    {
        var sid = await _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline)
        {
            Url = "https://h.example/callback",
            StatusCallback = "https://h.example/status",
            StatusCallbackEvents = ["initiated", "ringing", "answered", "completed"],
            Timeout = 30,
            Record = true,
            TimeLimit = 3600,
        }, default);

        Assert.Matches("^CA[0-9a-f]{32}$", sid);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(("POST", "/Calls.json"), (request.Method, request.Path));
        Assert.Equal((CallerNumber, Hotline, "https://h.example/callback"), (request.Field("To"), request.Field("From"), request.Field("Url")));
        Assert.Equal(["initiated", "ringing", "answered", "completed"], request.Fields("StatusCallbackEvent"));
        Assert.Equal(("30", "true", "3600"), (request.Field("Timeout"), request.Field("Record"), request.Field("TimeLimit")));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        // Unset optional fields are not sent at all, not sent empty.
        Assert.DoesNotContain(request.Form, f => f.Key == "Twiml");
    }

    [Fact]
    public async Task A_call_needs_exactly_one_of_url_and_twiml_before_anything_is_sent()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline), default));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Url = "https://h.example/a", Twiml = "<Response/>" }, default));

        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Calls_are_redirected_and_hung_up()
    {
        await _client.UpdateCallAsync("CA1", new UpdateCallRequest { Url = "https://h.example/offer" }, default);
        await _client.UpdateCallAsync("CA1", UpdateCallRequest.Complete, default);
        await _client.UpdateCallAsync("CA1", null, null, complete: true, default);

        var r = _api.Requests;
        Assert.All(r, x => Assert.Equal(("POST", "/Calls/CA1.json"), (x.Method, x.Path)));
        Assert.Equal([new("Url", "https://h.example/offer")], r[0].Form);
        Assert.Equal([new("Status", "completed")], r[1].Form);
        Assert.Equal([new("Status", "completed")], r[2].Form);
    }

    [Fact]
    public async Task Monitor_whisper_barge_and_hold_send_the_contract_parameters()
    {
        var monitor = await _client.AddParticipantAsync("call-CA1", new AddParticipantRequest(Hotline, "client:s-zhou")
        {
            Label = "supervisor-s-zhou", Muted = true, Beep = false, StartConferenceOnEnter = false, EndConferenceOnExit = false,
        }, default);
        await _client.AddParticipantAsync("call-CA1", new AddParticipantRequest(Hotline, "client:s-li")
        {
            Label = "supervisor-s-li", Coaching = true, CallSidToCoach = "CA2",
            ConferenceStatusCallback = "https://h.example/conf", ConferenceStatusCallbackEvents = ["join", "leave"],
        }, default);
        await _client.UpdateParticipantAsync("call-CA1", "supervisor-s-zhou", new UpdateParticipantRequest { Muted = false, Coaching = false }, default);
        await _client.UpdateParticipantAsync("call-CA1", "caller", new UpdateParticipantRequest { Hold = true, HoldUrl = "https://h.example/hold" }, default);

        Assert.Matches("^CA[0-9a-f]{32}$", monitor);
        var r = _api.Requests;
        Assert.Equal(("POST", "/Conferences/call-CA1/Participants.json"), (r[0].Method, r[0].Path));
        Assert.Equal(("true", "false", "false", "supervisor-s-zhou"), (r[0].Field("Muted"), r[0].Field("Beep"), r[0].Field("StartConferenceOnEnter"), r[0].Field("Label")));
        Assert.Equal(("true", "CA2"), (r[1].Field("Coaching"), r[1].Field("CallSidToCoach")));
        Assert.Null(r[1].Field("Muted"));
        Assert.Equal(["join", "leave"], r[1].Fields("ConferenceStatusCallbackEvent"));
        Assert.Equal(("POST", "/Conferences/call-CA1/Participants/supervisor-s-zhou.json"), (r[2].Method, r[2].Path));
        Assert.Equal([new("Muted", "false"), new("Coaching", "false")], r[2].Form);
        Assert.Equal("/Conferences/call-CA1/Participants/caller.json", r[3].Path);
        Assert.Equal([new("Hold", "true"), new("HoldUrl", "https://h.example/hold")], r[3].Form);
    }

    [Fact]
    public async Task Path_segments_are_escaped()
    {
        await _client.UpdateParticipantAsync("call CA1?x=1", "party#1", new UpdateParticipantRequest { Muted = true }, default);

        // Unescaped, the '?' and '#' would have cut the path short and sent the rest as a query or fragment.
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/Conferences/call CA1?x=1/Participants/party#1.json", request.Path);
        Assert.Equal(string.Empty, request.Query);
    }

    [Fact]
    public async Task Removing_a_participant_that_left_already_is_not_an_error()
    {
        await _client.AddParticipantAsync("call-CA9", new AddParticipantRequest(Hotline, "+8613900139000") { Label = "counselor" }, default);

        Assert.True(await _client.RemoveParticipantAsync("call-CA9", "counselor", default));
        Assert.False(await _client.RemoveParticipantAsync("call-CA9", "counselor", default));
        Assert.Equal(["POST", "DELETE", "DELETE"], _api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_conference_is_ended_with_status_completed()
    {
        var sid = "CF" + new string('b', 32);

        await _client.EndConferenceAsync(sid, default);

        var request = Assert.Single(_api.Requests);
        Assert.Equal(("POST", $"/Conferences/{sid}.json"), (request.Method, request.Path));
        Assert.Equal([new("Status", "completed")], request.Form);
    }

    [Fact]
    public async Task Recordings_of_a_call_are_started_listed_and_deleted()
    {
        var done = _api.AddRecording("CA1", 312, conferenceSid: "CF" + new string('c', 32));
        _api.AddRecording("CA-other", 10);

        var started = await _client.StartCallRecordingAsync("CA1", "https://h.example/recording", default);
        var listed = await _client.ListRecordingsAsync("CA1", default);
        await _client.DeleteRecordingAsync(done, default);
        var after = await _client.ListRecordingsAsync("CA1", default);

        Assert.Matches("^RE[0-9a-f]{32}$", started);
        Assert.Equal(("POST", "/Calls/CA1/Recordings.json"), (_api.Requests[0].Method, _api.Requests[0].Path));
        Assert.Equal("https://h.example/recording", _api.Requests[0].Field("RecordingStatusCallback"));
        Assert.Equal(("GET", "/Recordings.json", "?CallSid=CA1"), (_api.Requests[1].Method, _api.Requests[1].Path, _api.Requests[1].Query));
        Assert.Equal([done, started], listed.Select(r => r.Sid));
        var finished = listed[0];
        Assert.Equal(("CA1", "CF" + new string('c', 32), "completed", 312), (finished.CallSid, finished.ConferenceSid, finished.Status, finished.DurationSeconds!.Value));
        Assert.NotNull(finished.DateCreated);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - finished.DateCreated!.Value).TotalMinutes) < 5);
        // Still recording: Twilio's -1 is no duration, not a negative one.
        Assert.Equal(("in-progress", (int?)null), (listed[1].Status, listed[1].DurationSeconds));
        Assert.Equal([started], after.Select(r => r.Sid));
    }

    [Fact]
    public async Task Recording_metadata_is_read()
    {
        var sid = _api.AddRecording("CA7", 95);

        var recording = await _client.GetRecordingAsync(sid, default);

        Assert.Equal((sid, "CA7", "completed", 95), (recording.Sid, recording.CallSid, recording.Status, recording.DurationSeconds!.Value));
        Assert.Equal($"/Recordings/{sid}.json", Assert.Single(_api.Requests).Path);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_and_then_succeeds()
    {
        _api.FailNext(1, 429, 20429);

        var sid = await _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response/>" }, default);

        Assert.StartsWith("CA", sid);
        Assert.Equal(2, _api.Requests.Count);
        // The retry is the same request again, not a different one.
        Assert.Equal(_api.Requests[0].Form, _api.Requests[1].Form);
    }

    [Fact]
    public async Task Server_errors_give_up_after_exactly_three_tries()
    {
        _api.FailNext(3, 500);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.UpdateCallAsync("CA1", UpdateCallRequest.Complete, default));

        Assert.Equal(500, ex.HttpStatus);
        Assert.Equal(3, _api.Requests.Count);
        Assert.Equal(3, TwilioRestClient.MaxTries);
    }

    [Fact]
    public async Task Client_error_is_typed_and_not_retried()
    {
        _api.FailNext(1, 400, 21211);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.CreateCallAsync(new CreateCallRequest("not-a-number", Hotline) { Twiml = "<Response/>" }, default));

        Assert.Equal((400, 21211), (ex.HttpStatus, ex.Code!.Value));
        Assert.Equal("https://www.twilio.com/docs/errors/21211", ex.MoreInfo);
        Assert.Equal("Injected failure", ex.Message);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_401_with_twilios_code_and_not_retried()
    {
        var client = new TwilioRestClient(_http, new TwilioCredentials(AccountSid, "wrong-token", _api.BaseUrl), _log) { BaseBackoff = TimeSpan.Zero };

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => client.EndConferenceAsync("CF1", default));

        Assert.Equal((401, 20003), (ex.HttpStatus, ex.Code!.Value));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_non_json_error_body_still_gives_a_typed_exception()
    {
        using var http = new HttpClient(new StubHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<html><body>403 Forbidden</body></html>", Encoding.UTF8, "text/html"),
        })));

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => Client(http).EndConferenceAsync("CF1", default));

        Assert.Equal((403, (int?)null, (string?)null), (ex.HttpStatus, ex.Code, ex.MoreInfo));
    }

    [Fact]
    public async Task Network_failures_are_retried()
    {
        var tries = 0;
        using var http = new HttpClient(new StubHandler((_, _) => Interlocked.Increment(ref tries) < 3
            ? throw new HttpRequestException("connection reset")
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("""{"sid":"CAabc"}""") })));

        var sid = await Client(http).CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response/>" }, default);

        Assert.Equal(("CAabc", 3), (sid, tries));
    }

    [Fact]
    public async Task A_try_that_hangs_times_out_and_the_last_one_gives_up()
    {
        var tries = 0;
        using var http = new HttpClient(new StubHandler(async (_, ct) =>
        {
            Interlocked.Increment(ref tries);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }));
        var client = new TwilioRestClient(http, Credentials(), _log) { BaseBackoff = TimeSpan.Zero, TryTimeout = TimeSpan.FromMilliseconds(50) };

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => client.EndConferenceAsync("CF1", default));

        Assert.Equal((0, 3), (ex.HttpStatus, tries));
        Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_retried()
    {
        var tries = 0;
        using var http = new HttpClient(new StubHandler(async (_, ct) =>
        {
            Interlocked.Increment(ref tries);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(http).EndConferenceAsync("CF1", cancel.Token));

        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task Credentials_and_numbers_never_reach_the_log()
    {
        _api.FailNext(1, 503);
        await _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response><Say>13800138000</Say></Response>" }, default);
        _api.FailNext(1, 400, 21211);
        await Assert.ThrowsAsync<TwilioApiException>(() => _client.AddParticipantAsync("call-CA1", new AddParticipantRequest(Hotline, CallerNumber), default));

        var log = string.Join("\n", _log.Lines);
        Assert.Contains("POST Calls answered 503", log);
        Assert.Contains("Conferences/{c}/Participants answered 400 code 21211", log);
        Assert.DoesNotContain(AuthToken, log);
        Assert.DoesNotContain("13800138000", log);
        Assert.DoesNotContain("Authorization", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), log);
        Assert.DoesNotContain(AuthToken, Credentials().ToString());
    }

    [Fact]
    public async Task The_options_constructor_talks_to_the_same_api()
    {
        var client = new TwilioRestClient(_http, new TwilioOptions { AccountSid = AccountSid, AuthToken = AuthToken, ApiBaseUrl = _api.BaseUrl.ToString() }, _log);

        Assert.Equal("in-progress", await client.GetCallStatusAsync("CA1", default));
    }

    private TwilioCredentials Credentials() => new(AccountSid, AuthToken, _api.BaseUrl);

    private TwilioRestClient Client(HttpClient http) =>
        new(http, Credentials(), _log) { BaseBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero };

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }

    private sealed class CapturingLogger : ILogger<TwilioRestClient>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception) + exception);
    }
}
