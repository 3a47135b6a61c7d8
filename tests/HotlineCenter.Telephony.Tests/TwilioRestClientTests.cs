using System.Collections.Concurrent;
using System.Net;
using System.Text;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Telephony.Tests;

/// <summary>The REST client against the fake Twilio, which refuses (and fails the test on) any request outside Twilio's OpenAPI contract.</summary>
public sealed class TwilioRestClientTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "auth-token-that-must-never-be-logged";
    private const string Hotline = "+862912356";
    private const string CallerNumber = "+8613800138000";
    private static readonly string Call1 = "CA" + new string('1', 32);
    private static readonly string Call2 = "CA" + new string('2', 32);
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
        Assert.Equal(("POST", "/Calls.json", "CreateCall"), (request.Method, request.Path, request.OperationId));
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
        await _client.UpdateCallAsync(Call1, new UpdateCallRequest { Url = "https://h.example/offer" }, default);
        await _client.UpdateCallAsync(Call1, UpdateCallRequest.Complete, default);
        await _client.UpdateCallAsync(Call1, null, null, complete: true, default);

        var r = _api.Requests;
        Assert.All(r, x => Assert.Equal(("POST", $"/Calls/{Call1}.json"), (x.Method, x.Path)));
        Assert.Equal([new("Url", "https://h.example/offer")], r[0].Form);
        Assert.Equal([new("Status", "completed")], r[1].Form);
        Assert.Equal([new("Status", "completed")], r[2].Form);
    }

    [Fact]
    public async Task Participants_are_added_by_friendly_name_and_changed_only_through_the_conference_sid()
    {
        var conference = $"call-{Call1}";
        _api.JoinConference(conference, Call1, "caller");

        var monitor = await _client.AddParticipantAsync(conference, new AddParticipantRequest(Hotline, "client:s-zhou")
        {
            Label = "supervisor-s-zhou", Muted = true, Beep = false, StartConferenceOnEnter = false, EndConferenceOnExit = false,
        }, default);
        await _client.AddParticipantAsync(conference, new AddParticipantRequest(Hotline, "client:s-li")
        {
            Label = "supervisor-s-li", Coaching = true, CallSidToCoach = Call2,
            ConferenceStatusCallback = "https://h.example/conf", ConferenceStatusCallbackEvents = ["join", "leave"],
        }, default);
        await _client.UpdateParticipantAsync(monitor.ConferenceSid, "supervisor-s-zhou", new UpdateParticipantRequest { Muted = false, Coaching = false }, default);
        await _client.UpdateParticipantAsync(monitor.ConferenceSid, "caller", new UpdateParticipantRequest { Hold = true, HoldUrl = "https://h.example/hold" }, default);

        Assert.Matches("^CA[0-9a-f]{32}$", monitor.CallSid);
        Assert.Equal((_api.Conference(conference)!.Sid, "supervisor-s-zhou"), (monitor.ConferenceSid, monitor.Label));
        var r = _api.Requests;
        Assert.Equal(("POST", $"/Conferences/{conference}/Participants.json"), (r[0].Method, r[0].Path));
        Assert.Equal(("true", "false", "false", "supervisor-s-zhou"), (r[0].Field("Muted"), r[0].Field("Beep"), r[0].Field("StartConferenceOnEnter"), r[0].Field("Label")));
        Assert.Equal(("true", Call2), (r[1].Field("Coaching"), r[1].Field("CallSidToCoach")));
        Assert.Null(r[1].Field("Muted"));
        Assert.Equal(["join", "leave"], r[1].Fields("ConferenceStatusCallbackEvent"));
        Assert.Equal(("POST", $"/Conferences/{monitor.ConferenceSid}/Participants/supervisor-s-zhou.json", "UpdateParticipant"), (r[2].Method, r[2].Path, r[2].OperationId));
        Assert.Equal([new("Muted", "false"), new("Coaching", "false")], r[2].Form);
        Assert.Equal($"/Conferences/{monitor.ConferenceSid}/Participants/caller.json", r[3].Path);
        Assert.Equal([new("Hold", "true"), new("HoldUrl", "https://h.example/hold")], r[3].Form);
        Assert.True(_api.Conference(conference)!.Participants.Single(p => p.Label == "caller").Hold);
    }

    [Fact]
    public async Task A_live_conference_is_found_by_friendly_name_and_an_ended_one_is_not()
    {
        var ended = _api.OpenConference($"call-{Call2}");
        _api.EndConference(ended);
        var live = _api.OpenConference($"call-{Call2}");

        Assert.Equal(live, await _client.FindLiveConferenceAsync($"call-{Call2}", default));
        Assert.Null(await _client.FindLiveConferenceAsync($"call-{Call1}", default));
        Assert.Equal(("GET", "ListConference"), (_api.Requests[0].Method, _api.Requests[0].OperationId));
        Assert.Equal($"?FriendlyName=call-{Call2}&PageSize=20", _api.Requests[0].Query);
    }

    [Fact]
    public async Task Path_segments_are_escaped()
    {
        var sid = _api.JoinConference($"call-{Call1}", Call2, "party #1?x=1");

        await _client.UpdateParticipantAsync(sid, "party #1?x=1", new UpdateParticipantRequest { Muted = true }, default);

        // Unescaped, the '?' and '#' would have cut the path short and sent the rest as a query or fragment.
        var request = Assert.Single(_api.Requests);
        Assert.Equal($"/Conferences/{sid}/Participants/party #1?x=1.json", request.Path);
        Assert.Equal(string.Empty, request.Query);
    }

    [Fact]
    public async Task Removing_a_participant_that_left_already_is_not_an_error()
    {
        var added = await _client.AddParticipantAsync($"call-{Call2}", new AddParticipantRequest(Hotline, "+8613900139000") { Label = "counselor" }, default);

        Assert.True(await _client.RemoveParticipantAsync(added.ConferenceSid, "counselor", default));
        Assert.False(await _client.RemoveParticipantAsync(added.ConferenceSid, "counselor", default));
        Assert.Equal(["POST", "DELETE", "DELETE"], _api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_conference_is_ended_with_status_completed()
    {
        var sid = _api.OpenConference($"call-{Call1}");

        await _client.EndConferenceAsync(sid, default);

        var request = Assert.Single(_api.Requests);
        Assert.Equal(("POST", $"/Conferences/{sid}.json"), (request.Method, request.Path));
        Assert.Equal([new("Status", "completed")], request.Form);
        Assert.Equal("completed", _api.Conference(sid)!.Status);
    }

    [Fact]
    public async Task The_retention_purge_deletes_a_recording_at_twilio_through_the_recording_source()
    {
        var recording = _api.AddRecording(Call1, 312);
        var source = new TwilioRecordingSource(_client);

        await source.DeleteAsync(recording, default);
        var left = await _client.ListRecordingsAsync(Call1, default);

        Assert.Equal(("DELETE", $"/Recordings/{recording}.json"), (_api.Requests[0].Method, _api.Requests[0].Path));
        Assert.Empty(left);
    }

    [Fact]
    public async Task Recordings_of_a_call_are_started_listed_and_deleted()
    {
        var done = _api.AddRecording(Call1, 312, conferenceSid: "CF" + new string('c', 32));
        _api.AddRecording(Call2, 10);

        var started = await _client.StartCallRecordingAsync(Call1, "https://h.example/recording", default);
        var listed = await _client.ListRecordingsAsync(Call1, default);
        await _client.DeleteRecordingAsync(done, default);
        var after = await _client.ListRecordingsAsync(Call1, default);

        Assert.Matches("^RE[0-9a-f]{32}$", started);
        Assert.Equal(("POST", $"/Calls/{Call1}/Recordings.json"), (_api.Requests[0].Method, _api.Requests[0].Path));
        Assert.Equal("https://h.example/recording", _api.Requests[0].Field("RecordingStatusCallback"));
        Assert.Equal(("GET", "/Recordings.json", $"?CallSid={Call1}"), (_api.Requests[1].Method, _api.Requests[1].Path, _api.Requests[1].Query));
        Assert.Equal([done, started], listed.Select(r => r.Sid));
        var finished = listed[0];
        Assert.Equal((Call1, "CF" + new string('c', 32), "completed", 312), (finished.CallSid, finished.ConferenceSid, finished.Status, finished.DurationSeconds!.Value));
        Assert.NotNull(finished.DateCreated);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - finished.DateCreated!.Value).TotalMinutes) < 5);
        // Still recording: Twilio's -1 is no duration, not a negative one.
        Assert.Equal(("in-progress", (int?)null), (listed[1].Status, listed[1].DurationSeconds));
        Assert.Equal([started], after.Select(r => r.Sid));
    }

    [Fact]
    public async Task Recording_metadata_is_read()
    {
        var sid = _api.AddRecording(Call2, 95);

        var recording = await _client.GetRecordingAsync(sid, default);

        Assert.Equal((sid, Call2, "completed", 95), (recording.Sid, recording.CallSid, recording.Status, recording.DurationSeconds!.Value));
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
    public async Task Server_errors_on_a_request_that_may_be_repeated_are_retried_up_to_the_policys_tries()
    {
        _api.FailNext(3, 500);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.UpdateCallAsync(Call1, UpdateCallRequest.Complete, default));

        Assert.Equal((500, false), (ex.HttpStatus, ex.MayHaveBeenCarriedOut));
        Assert.Equal(3, _api.Requests.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task A_call_Twilio_may_have_placed_is_never_placed_a_second_time(int status)
    {
        _api.LoseAnswerOfNext(1, status);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response/>" }, default));

        Assert.Equal((status, true), (ex.HttpStatus, ex.MayHaveBeenCarriedOut));
        Assert.Single(_api.Requests, r => r.OperationId == "CreateCall");
    }

    [Fact]
    public async Task A_labelled_participant_whose_answer_was_lost_is_looked_up_not_rung_twice()
    {
        var conference = $"call-{Call1}";
        _api.JoinConference(conference, Call1, "caller");
        _api.LoseAnswerOfNext(1, 502, r => r.OperationId == "CreateParticipant");

        var rung = await _client.AddParticipantAsync(conference, new AddParticipantRequest(Hotline, "client:c-wang") { Label = "counselor-c-wang" }, default);

        Assert.Single(_api.Requests, r => r.OperationId == "CreateParticipant");
        Assert.Equal(["CreateParticipant", "ListConference", "FetchParticipant"], _api.Requests.Select(r => r.OperationId));
        var counsellor = Assert.Single(_api.Conference(conference)!.Participants, p => p.Label == "counselor-c-wang");
        Assert.Equal((counsellor.CallSid, _api.Conference(conference)!.Sid), (rung.CallSid, rung.ConferenceSid));
    }

    [Fact]
    public async Task A_labelled_participant_Twilio_did_not_add_is_added_once_after_the_look_up()
    {
        var sid = _api.JoinConference($"call-{Call1}", Call1, "caller");
        _api.FailNext(1, 503, when: r => r.OperationId == "CreateParticipant");

        await _client.AddParticipantAsync(sid, new AddParticipantRequest(Hotline, "client:c-wang") { Label = "counselor-c-wang" }, default);

        Assert.Equal(["CreateParticipant", "FetchParticipant", "CreateParticipant"], _api.Requests.Select(r => r.OperationId));
        Assert.Single(_api.Conference(sid)!.Participants, p => p.Label == "counselor-c-wang");
    }

    [Fact]
    public async Task An_unlabelled_participant_whose_answer_was_lost_is_not_added_again()
    {
        _api.LoseAnswerOfNext(1, 500);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.AddParticipantAsync($"call-{Call1}", new AddParticipantRequest(Hotline, "+8629110"), default));

        Assert.True(ex.MayHaveBeenCarriedOut);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Client_error_is_typed_and_not_retried()
    {
        _api.FailNext(1, 400, 21211);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.CreateCallAsync(new CreateCallRequest("+86100", Hotline) { Twiml = "<Response/>" }, default));

        Assert.Equal((400, 21211), (ex.HttpStatus, ex.Code!.Value));
        Assert.Equal("https://www.twilio.com/docs/errors/21211", ex.MoreInfo);
        Assert.Equal("Injected failure", ex.Message);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_401_with_twilios_code_and_not_retried()
    {
        var client = new TwilioRestClient(_http, new TwilioCredentials(AccountSid, "wrong-token", _api.BaseUrl), _log) { Retry = NoBackoff };

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => client.EndConferenceAsync("CF" + new string('1', 32), default));

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
    public async Task A_request_that_never_left_is_retried_even_when_it_creates_a_call()
    {
        var tries = 0;
        using var http = new HttpClient(new StubHandler((_, _) => Interlocked.Increment(ref tries) < 3
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused")
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("""{"sid":"CAabc"}""") })));

        var sid = await Client(http).CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response/>" }, default);

        Assert.Equal(("CAabc", 3), (sid, tries));
    }

    [Fact]
    public async Task A_connection_lost_after_sending_repeats_an_update_but_not_a_new_call()
    {
        var tries = 0;
        using var http = new HttpClient(new StubHandler((_, _) => Interlocked.Increment(ref tries) < 2
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "connection reset")
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"sid":"CAabc"}""") })));
        var client = Client(http);

        await client.UpdateCallAsync(Call1, UpdateCallRequest.Complete, default);
        var updateTries = tries;
        tries = 0;
        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response/>" }, default));

        Assert.Equal((2, 1), (updateTries, tries));
        Assert.Equal((0, true), (ex.HttpStatus, ex.MayHaveBeenCarriedOut));
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
        var client = new TwilioRestClient(http, Credentials(), _log) { Retry = NoBackoff, TryTimeout = TimeSpan.FromMilliseconds(50) };

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
    public async Task A_rate_limited_request_keeps_trying_with_growing_jittered_delays_and_succeeds_within_its_budget()
    {
        var (client, clock, waits) = OnFakeClock(_http);
        var started = clock.GetUtcNow();
        _api.FailNext(5, 429, 20429);

        var rung = await client.Within(TimeSpan.FromSeconds(10))
            .AddParticipantAsync($"call-{Call1}", new AddParticipantRequest(Hotline, "client:c-wang") { Label = "counselor-c-wang" }, default);

        Assert.NotNull(rung.CallSid);
        // Half of min(3 s, 200 ms·2ⁿ⁻¹) plus half of it times the jitter (0.5 here).
        Assert.Equal([150, 300, 600, 1200, 2250], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(6, _api.Requests.Count);
        Assert.True(clock.GetUtcNow() - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Twilios_retry_after_is_honoured()
    {
        var (client, _, waits) = OnFakeClock(_http);
        _api.FailNext(1, 429, 20429, retryAfterSeconds: 2);

        await client.UpdateCallAsync(Call1, UpdateCallRequest.Complete, default);

        Assert.Equal([TimeSpan.FromSeconds(2)], waits);
    }

    [Fact]
    public async Task A_request_rate_limited_throughout_gives_up_when_its_next_try_would_start_past_the_budget()
    {
        var (client, clock, waits) = OnFakeClock(_http);
        var started = clock.GetUtcNow();
        _api.FailNext(100, 429, 20429);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => client.Within(TimeSpan.FromSeconds(10)).UpdateCallAsync(Call1, UpdateCallRequest.Complete, default));

        Assert.Equal((429, 20429), (ex.HttpStatus, ex.Code!.Value));
        Assert.Equal([150, 300, 600, 1200, 2250, 2250, 2250], waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(8, _api.Requests.Count);
        Assert.True(clock.GetUtcNow() - started <= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Credentials_and_numbers_never_reach_the_log()
    {
        _api.FailNext(1, 429, 20429);
        await _client.CreateCallAsync(new CreateCallRequest(CallerNumber, Hotline) { Twiml = "<Response><Say>13800138000</Say></Response>" }, default);
        _api.FailNext(1, 400, 21211);
        await Assert.ThrowsAsync<TwilioApiException>(() => _client.AddParticipantAsync($"call-{Call1}", new AddParticipantRequest(Hotline, CallerNumber), default));

        var log = string.Join("\n", _log.Lines);
        Assert.Contains("POST Calls answered 429", log);
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

        Assert.Equal("in-progress", await client.GetCallStatusAsync(Call1, default));
    }

    private static readonly TwilioRetryPolicy NoBackoff = new() { BaseBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero, MaxTries = 3 };

    private TwilioCredentials Credentials() => new(AccountSid, AuthToken, _api.BaseUrl);

    private TwilioRestClient Client(HttpClient http) => new(http, Credentials(), _log) { Retry = NoBackoff };

    /// <summary>A client on a fake clock whose waits move the clock instead of sleeping, with the jitter fixed at the middle.</summary>
    private (TwilioRestClient Client, FakeTimeProvider Clock, ConcurrentQueue<TimeSpan> Waits) OnFakeClock(HttpClient http)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var waits = new ConcurrentQueue<TimeSpan>();
        var client = new TwilioRestClient(http, Credentials(), _log, clock)
        {
            Jitter = () => 0.5,
            Wait = (delay, _) =>
            {
                waits.Enqueue(delay);
                clock.Advance(delay);
                return Task.CompletedTask;
            },
        };
        return (client, clock, waits);
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
