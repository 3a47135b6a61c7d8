using System.Collections.Concurrent;
using System.Text;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwilioRestClientTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "auth-token-that-must-never-be-logged";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private readonly CapturingLogger _log = new();
    private TwilioRestClient _client = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _client = new TwilioRestClient(new HttpClient(), new TwilioOptions { AccountSid = AccountSid, AuthToken = AuthToken, ApiBaseUrl = _api.BaseUrl.ToString() }, _log)
        {
            BaseBackoff = TimeSpan.Zero,
        };
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Create_call_sends_form_fields_with_repeated_events_and_basic_auth()
    {
        var sid = await _client.CreateCallAsync(new CreateCallRequest("+8613800138000", "+862912356")
        {
            Url = "https://h.example/callback",
            StatusCallback = "https://h.example/status",
            StatusCallbackEvents = ["initiated", "ringing", "answered", "completed"],
            Timeout = 30,
        }, default);

        Assert.StartsWith("CA", sid);
        var request = Assert.Single(_api.Requests);
        Assert.Equal(("POST", "/Calls.json"), (request.Method, request.Path));
        Assert.Equal(["initiated", "ringing", "answered", "completed"], request.Fields("StatusCallbackEvent"));
        Assert.Equal("30", request.Field("Timeout"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), request.Authorization);
        Assert.Null(request.Field("Twiml"));
    }

    [Fact]
    public async Task Monitor_whisper_and_barge_send_the_contract_parameters()
    {
        await _client.AddParticipantAsync("call-CA1", new AddParticipantRequest("+862912356", "client:s-zhou") { Label = "supervisor", Muted = true, Beep = false }, default);
        await _client.UpdateParticipantAsync("call-CA1", "supervisor", new UpdateParticipantRequest { Muted = false, Coaching = true, CallSidToCoach = "CA2" }, default);
        await _client.UpdateParticipantAsync("call-CA1", "supervisor", new UpdateParticipantRequest { Muted = false, Coaching = false }, default);
        await _client.UpdateParticipantAsync("call-CA1", "caller", new UpdateParticipantRequest { Hold = true, HoldUrl = "https://h.example/hold" }, default);

        var r = _api.Requests;
        Assert.Equal("/Conferences/call-CA1/Participants.json", r[0].Path);
        Assert.Equal(("true", "false", "supervisor"), (r[0].Field("Muted"), r[0].Field("Beep"), r[0].Field("Label")));
        Assert.Equal(("true", "CA2"), (r[1].Field("Coaching"), r[1].Field("CallSidToCoach")));
        Assert.Equal(("false", "false"), (r[2].Field("Muted"), r[2].Field("Coaching")));
        Assert.Equal("/Conferences/call-CA1/Participants/caller.json", r[3].Path);
        Assert.Equal(("true", "https://h.example/hold"), (r[3].Field("Hold"), r[3].Field("HoldUrl")));
    }

    [Fact]
    public async Task Removing_a_participant_that_left_already_is_not_an_error()
    {
        await _client.AddParticipantAsync("call-CA9", new AddParticipantRequest("+862912356", "+8613900139000") { Label = "counselor" }, default);

        Assert.True(await _client.RemoveParticipantAsync("call-CA9", "counselor", default));
        Assert.False(await _client.RemoveParticipantAsync("call-CA9", "counselor", default));
    }

    [Fact]
    public async Task Recording_metadata_is_read_and_a_recording_deleted()
    {
        var recording = await _client.GetRecordingAsync("RE" + new string('a', 32), default);
        await _client.DeleteRecordingAsync("RE" + new string('a', 32), default);

        Assert.Equal(("completed", 312), (recording.Status, recording.DurationSeconds!.Value));
        Assert.Equal(["GET", "DELETE"], _api.Requests.Select(r => r.Method));
        Assert.All(_api.Requests, r => Assert.Equal($"/Recordings/RE{new string('a', 32)}.json", r.Path));
    }

    [Fact]
    public async Task Too_many_requests_is_retried_and_then_succeeds()
    {
        _api.FailNext(1, 429, 20429);

        var sid = await _client.CreateCallAsync(new CreateCallRequest("+8613800138000", "+862912356") { Twiml = "<Response/>" }, default);

        Assert.StartsWith("CA", sid);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_give_up_after_three_tries()
    {
        _api.FailNext(5, 500);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.UpdateCallAsync("CA1", null, null, complete: true, default));

        Assert.Equal(500, ex.HttpStatus);
        Assert.Equal(TwilioRestClient.MaxTries, _api.Requests.Count);
    }

    [Fact]
    public async Task Client_error_is_typed_and_not_retried()
    {
        _api.FailNext(1, 400, 21211);

        var ex = await Assert.ThrowsAsync<TwilioApiException>(() => _client.CreateCallAsync(new CreateCallRequest("not-a-number", "+862912356") { Twiml = "<Response/>" }, default));

        Assert.Equal((400, 21211), (ex.HttpStatus, ex.Code!.Value));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Credentials_and_numbers_never_reach_the_log()
    {
        _api.FailNext(1, 503);
        await _client.CreateCallAsync(new CreateCallRequest("+8613800138000", "+862912356") { Twiml = "<Response/>" }, default);

        var log = string.Join("\n", _log.Lines);
        Assert.NotEmpty(_log.Lines);
        Assert.DoesNotContain(AuthToken, log);
        Assert.DoesNotContain("13800138000", log);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), log);
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
