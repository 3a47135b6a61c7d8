using System.Net;
using System.Net.Http.Json;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The real host in Twilio mode, driven over HTTP by signed webhooks in Twilio's shapes, with Twilio's
/// REST API played by a fake on loopback.
/// </summary>
public sealed class TwilioFlowTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "twilio-auth-token-0123456789";
    private const string PublicBase = "https://hotline.test";
    private const string Hotline = "+862912356";
    private const string Backup = "+862988880000";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private HotlineHost _host = default!;
    private TwilioDriver _twilio = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
            ["Twilio:ApiKeySecret"] = "api-key-secret-0123456789-0123456789",
            ["Twilio:PhoneNumber"] = Hotline,
            ["Twilio:FallbackNumber"] = Backup,
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = _api.BaseUrl.ToString(),
            ["Twilio:DefaultCentreId"] = "xa-12356",
        });
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync(), c => c.Profile is not null, "seeded");
        _twilio = new TwilioDriver(client, PublicBase, AccountSid, AuthToken);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Call_rings_a_browser_counsellor_is_answered_and_ends_in_wrap_up()
    {
        var wang = _host.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();

        var greeting = await _twilio.IncomingAsync(sid, "+8613800138000", Hotline);
        Assert.Equal(HttpStatusCode.OK, greeting.Status);
        Assert.Equal(["Say", "Say", "Gather"], greeting.Twiml.Root!.Elements().Select(e => e.Name.LocalName));

        var menu = await _twilio.PressAsync(greeting, sid, "+8613800138000", Hotline, "2");
        var conference = menu.Twiml.Root!.Element("Dial")!.Element("Conference")!;
        Assert.Equal($"call-{sid}", conference.Value);
        Assert.Equal("false", (string?)conference.Attribute("startConferenceOnEnter"));
        Assert.Equal("true", (string?)conference.Attribute("endConferenceOnExit"));
        Assert.Equal("record-from-start", (string?)conference.Attribute("record"));
        Assert.StartsWith($"{PublicBase}/webhooks/twilio/voice/wait", (string?)conference.Attribute("waitUrl"));

        var ring = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == $"/Conferences/call-{sid}/Participants.json")),
            r => r is not null,
            "the counsellor rung into the caller's conference");
        Assert.Equal(("client:c-wang", Hotline, "counselor-c-wang", "20"), (ring!.Field("To"), ring.Field("From"), ring.Field("Label"), ring.Field("Timeout")));
        Assert.Equal(("true", "false"), (ring.Field("StartConferenceOnEnter"), ring.Field("EndConferenceOnExit")));
        var legStatus = ring.Field("StatusCallback")!;
        var leg = TwilioDriver.NewCallSid();

        Assert.Equal(HttpStatusCode.NoContent, (await _twilio.LegStatusAsync(legStatus, leg, "ringing", 1)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _twilio.LegStatusAsync(legStatus, leg, "in-progress", 2)).Status);
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        Assert.Equal(PresenceState.OnCall, (await wang.GetAsync()).State);

        var ended = await _twilio.LegStatusAsync($"{PublicBase}/webhooks/twilio/status", sid, "completed", 3);
        var replay = await _twilio.LegStatusAsync($"{PublicBase}/webhooks/twilio/status", sid, "completed", 3);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (ended.Status, replay.Status));
        var call = await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Ended, call.Status);
        Assert.Single(call.Timeline, t => t.Kind == TimelineKind.Ended);
        Assert.Equal("+86138****8000", call.MaskedNumber);
        Assert.Equal(PresenceState.WrapUp, (await wang.GetAsync()).State);
    }

    [Fact]
    public async Task Simulated_network_reports_the_ring_and_the_answer_the_way_twilio_does()
    {
        var network = new SimulatedTwilioNetwork(_api, _twilio);
        var chen = _host.Grains.GetGrain<ICounselorGrain>("c-chen");
        await chen.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613200132000", Hotline), sid, "+8613200132000", Hotline, "2");
        await Eventually.MatchesAsync(() => Task.FromResult(network.Legs.ContainsKey("counselor-c-chen")), rung => rung, "ring fired");
        await network.DeliveredAsync();
        Assert.Equal(PresenceState.Offered, (await chen.GetAsync()).State);

        Assert.Equal(HttpStatusCode.NoContent, (await network.AnswerAsync("counselor-c-chen")).Status);

        var call = await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        Assert.Equal(network.Legs["counselor-c-chen"].LegSid, call.CounselorLegId);
    }

    [Fact]
    public async Task Counsellor_who_does_not_answer_is_skipped_and_the_call_rings_the_next()
    {
        var li = _host.Grains.GetGrain<ICounselorGrain>("c-li");
        await li.ChangePresenceAsync(PresenceState.Available, "test");
        var huang = _host.Grains.GetGrain<ICounselorGrain>("c-huang");
        await huang.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613900139000", Hotline), sid, "+8613900139000", Hotline, "2");
        var first = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == $"/Conferences/call-{sid}/Participants.json")), r => r is not null, "first ring");

        await _twilio.LegStatusAsync(first!.Field("StatusCallback")!, TwilioDriver.NewCallSid(), "no-answer", 1);

        var second = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.Where(r => r.Path == $"/Conferences/call-{sid}/Participants.json").ToList()), r => r.Count == 2, "second ring");
        Assert.NotEqual(first.Field("To"), second[1].Field("To"));
        var missed = first.Field("To")!["client:".Length..];
        Assert.Equal(PresenceState.NotResponding, (await _host.Grains.GetGrain<ICounselorGrain>(missed).GetAsync()).State);
    }

    [Fact]
    public async Task Crisis_option_jumps_ahead_of_a_caller_who_waited_longer()
    {
        var general = TwilioDriver.NewCallSid();
        var crisis = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(general, "+8613700137000", Hotline), general, "+8613700137000", Hotline, "2");
        await _twilio.PressAsync(await _twilio.IncomingAsync(crisis, "+8613600136000", Hotline), crisis, "+8613600136000", Hotline, "1");

        await _host.Grains.GetGrain<ICounselorGrain>("c-zhang").ChangePresenceAsync(PresenceState.Available, "test");

        var ring = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path.EndsWith("/Participants.json", StringComparison.Ordinal))), r => r is not null, "a ring");
        Assert.Equal($"/Conferences/call-{crisis}/Participants.json", ring!.Path);
    }

    [Fact]
    public async Task Caller_hanging_up_in_the_queue_is_abandoned_with_its_wait()
    {
        var sid = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613500135000", Hotline), sid, "+8613500135000", Hotline, "2");

        await _twilio.LegStatusAsync($"{PublicBase}/webhooks/twilio/status", sid, "completed", 4);

        var call = await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Abandoned, call.Status);
        Assert.NotNull(call.WaitSeconds);
    }

    [Fact]
    public async Task Unsigned_forged_and_garbled_webhooks_are_refused_without_touching_calls()
    {
        var sid = TwilioDriver.NewCallSid();
        var fields = _twilio.CallFields(sid, "+8613800138000", Hotline, "ringing");

        var unsigned = await _twilio.PostAsync("/webhooks/twilio/voice", fields, sign: false);
        var forged = await _twilio.PostAsync("/webhooks/twilio/voice", fields, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        var garbled = await _twilio.PostAsync("/webhooks/twilio/voice", new Dictionary<string, string> { ["CallSid"] = "../../etc", ["From"] = "x" });
        var badDigits = await _twilio.PostAsync("/webhooks/twilio/voice/menu?attempt=1", new Dictionary<string, string> { ["CallSid"] = sid, ["Digits"] = "<x>" });

        Assert.Equal(HttpStatusCode.BadRequest, unsigned.Status);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(HttpStatusCode.BadRequest, garbled.Status);
        Assert.Contains("CallSid", garbled.Body);
        Assert.Equal(HttpStatusCode.BadRequest, badDigits.Status);
        Assert.Equal(CallStatus.New, (await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);
    }

    [Fact]
    public async Task Replayed_incoming_webhook_is_applied_once_and_answered_the_same()
    {
        var sid = TwilioDriver.NewCallSid();

        var first = await _twilio.IncomingAsync(sid, "+8613400134000", Hotline);
        var again = await _twilio.IncomingAsync(sid, "+8613400134000", Hotline);

        Assert.Equal(first.Body, again.Body);
        Assert.Single((await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline, t => t.Kind == TimelineKind.Arrived);
    }

    [Fact]
    public async Task Fallback_url_always_answers_twiml_that_dials_the_backup_line()
    {
        var answer = await _twilio.PostAsync("/webhooks/twilio/fallback", new Dictionary<string, string>
        {
            ["CallSid"] = TwilioDriver.NewCallSid(),
            ["ErrorCode"] = "11200",
            ["ErrorUrl"] = $"{PublicBase}/webhooks/twilio/voice",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("<?xml", answer.Body);
        Assert.All(answer.Twiml.Root!.Elements("Dial"), d => Assert.Equal(Backup, d.Element("Number")!.Value));
    }
}

/// <summary>The keep-place callback over webhooks, with the domain clock under the test's control.</summary>
public sealed class TwilioCallbackTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "twilio-auth-token-0123456789";
    private const string PublicBase = "https://hotline.test";
    private const string Hotline = "+862912356";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HotlineHost _host = default!;
    private TwilioDriver _twilio = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _host = new HotlineHost(HotlineHost.NewServiceId(), _clock, settings: new Dictionary<string, string>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
            ["Twilio:ApiKeySecret"] = "api-key-secret-0123456789-0123456789",
            ["Twilio:PhoneNumber"] = Hotline,
            ["Twilio:FallbackNumber"] = "+862988880000",
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = _api.BaseUrl.ToString(),
            ["Twilio:DefaultCentreId"] = "xa-12356",
        });
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync(), c => c.Profile is not null, "seeded");
        _twilio = new TwilioDriver(client, PublicBase, AccountSid, AuthToken);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Caller_offered_a_callback_keeps_their_place_and_is_dialled_back_when_a_counsellor_takes_it()
    {
        var sid = TwilioDriver.NewCallSid();
        var menu = await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613800138000", Hotline), sid, "+8613800138000", Hotline, "2");
        var waitUrl = menu.Twiml.Root!.Element("Dial")!.Element("Conference")!.Attribute("waitUrl")!.Value;

        var early = await _twilio.PostAsync(waitUrl, _twilio.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        Assert.Contains(early.Twiml.Root!.Elements(), e => e.Name.LocalName == "Say");
        Assert.DoesNotContain(_api.Requests, r => r.Path == $"/Calls/{sid}.json");

        _clock.Advance(TimeSpan.FromSeconds(121));
        await _twilio.PostAsync(waitUrl, _twilio.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        var redirect = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == $"/Calls/{sid}.json")), r => r is not null, "the caller taken out to hear the offer");

        var offer = await _twilio.PostAsync(redirect!.Field("Url")!, _twilio.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        var confirmed = await _twilio.PressAsync(offer, sid, "+8613800138000", Hotline, "1");
        Assert.Equal(["Say", "Hangup"], confirmed.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        await _twilio.LegStatusAsync($"{PublicBase}/webhooks/twilio/status", sid, "completed", 9);
        Assert.Equal(CallStatus.CallbackPending, (await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);

        var wang = _host.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        await Eventually.MatchesAsync(wang.GetAsync, c => c.State == PresenceState.Offered, "counsellor offered the callback");
        await wang.AcceptOfferAsync(sid);

        var dial = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == "/Calls.json")), r => r is not null, "the caller dialled back");
        Assert.Equal(("+8613800138000", Hotline), (dial!.Field("To"), dial.Field("From")));
        Assert.Equal($"call-{sid}", System.Xml.Linq.XDocument.Parse(dial.Field("Twiml")!).Descendants("Conference").Single().Value);
        Assert.Contains((await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline, t => t.Kind == TimelineKind.CallbackDialled);
    }
}

/// <summary>Supervisor actions on a live Twilio call reach Twilio's REST API with the contract's parameters.</summary>
public sealed class TwilioSupervisionTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "twilio-auth-token-0123456789";
    private const string PublicBase = "https://hotline.test";
    private const string Hotline = "+862912356";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private HotlineHost _host = default!;
    private TwilioDriver _twilio = default!;
    private HttpClient _supervisor = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string>
        {
            ["Telephony:Provider"] = "Twilio",
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
            ["Twilio:ApiKeySecret"] = "api-key-secret-0123456789-0123456789",
            ["Twilio:PhoneNumber"] = Hotline,
            ["Twilio:FallbackNumber"] = "+862988880000",
            ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = _api.BaseUrl.ToString(),
            ["Twilio:DefaultCentreId"] = "xa-12356",
        });
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync(), c => c.Profile is not null, "seeded");
        _twilio = new TwilioDriver(client, PublicBase, AccountSid, AuthToken);
        _supervisor = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(_supervisor, "s-zhou");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Monitor_whisper_barge_and_add_party_reach_twilio_with_the_right_parameters()
    {
        var sid = await ConnectedCallAsync();
        var counselorLeg = (await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).CounselorLegId;
        Assert.NotNull(counselorLeg);

        foreach (var action in new[] { "monitor", "whisper", "barge" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "add-party", partyNumber = "+8629120" })).StatusCode);

        var conference = $"/Conferences/call-{sid}/Participants";
        var sent = _api.Requests.Where(r => r.Path.StartsWith(conference, StringComparison.Ordinal) && r.Field("Label") != "counselor-c-wang").ToList();
        Assert.Equal(("client:s-zhou", "true"), (sent[0].Field("To"), sent[0].Field("Muted")));
        Assert.Equal(("true", counselorLeg), (sent[1].Field("Coaching"), sent[1].Field("CallSidToCoach")));
        Assert.Equal(($"{conference}/supervisor-s-zhou.json", "false", "false"), (sent[2].Path, sent[2].Field("Muted"), sent[2].Field("Coaching")));
        Assert.Equal(("+8629120", "true"), (sent[3].Field("To"), sent[3].Field("EarlyMedia")));
    }

    [Fact]
    public async Task Supervision_refuses_bad_requests_and_calls_that_are_not_live()
    {
        var waiting = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(waiting, "+8613300133000", Hotline), waiting, "+8613300133000", Hotline, "2");

        Assert.Equal(HttpStatusCode.Conflict, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "monitor" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "eavesdrop" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "add-party", partyNumber = "110; DROP" })).StatusCode);

        using var counsellor = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-li");
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "monitor" })).StatusCode);
    }

    [Fact]
    public async Task Recording_is_stored_from_its_callback_and_heard_only_through_the_app_by_a_supervisor()
    {
        var sid = await ConnectedCallAsync();
        var recordingSid = "RE" + new string('a', 32);
        var callback = await _twilio.PostAsync($"{PublicBase}/webhooks/twilio/recording?call={sid}", new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid, ["CallSid"] = sid, ["RecordingSid"] = recordingSid, ["RecordingStatus"] = "completed",
            ["RecordingDuration"] = "312", ["RecordingChannels"] = "2", ["RecordingSource"] = "DialVerb", ["SomeFutureField"] = "x",
        });
        Assert.Equal(HttpStatusCode.NoContent, callback.Status);
        Assert.Equal(312, Assert.Single((await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Recordings).DurationSeconds);

        var audio = await _supervisor.GetAsync($"/api/calls/{sid}/recordings/{recordingSid}");
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/mpeg", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ID3-fake-audio", await audio.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _supervisor.GetAsync($"/api/calls/{sid}/recordings/RE{new string('b', 32)}")).StatusCode);

        using var counsellor = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-zhao");
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.GetAsync($"/api/calls/{sid}/recordings/{recordingSid}")).StatusCode);
    }

    [Fact]
    public async Task Softphone_token_is_issued_to_counsellors_only()
    {
        using var counsellor = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-zhao");

        var issued = await counsellor.PostAsync("/api/softphone/token", null);
        var refused = await _supervisor.PostAsync("/api/softphone/token", null);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("c-zhao", body.GetProperty("identity").GetString());
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private async Task<string> ConnectedCallAsync()
    {
        await _host.Grains.GetGrain<ICounselorGrain>("c-wang").ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613800138000", Hotline), sid, "+8613800138000", Hotline, "2");
        var ring = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == $"/Conferences/call-{sid}/Participants.json")), r => r is not null, "ring");
        await _twilio.LegStatusAsync(ring!.Field("StatusCallback")!, TwilioDriver.NewCallSid(), "in-progress", 1);
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        return sid;
    }
}

/// <summary>The two legs of an ending call report in either order; the outcome must not depend on it.</summary>
public sealed class TwilioLegOrderTests : IAsyncLifetime
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "twilio-auth-token-0123456789";
    private const string PublicBase = "https://hotline.test";
    private const string Hotline = "+862912356";
    private readonly FakeTwilioApi _api = new(AccountSid, AuthToken);
    private HotlineHost _host = default!;
    private TwilioDriver _twilio = default!;

    public async Task InitializeAsync()
    {
        await _api.StartAsync();
        _host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string>
        {
            ["Telephony:Provider"] = "Twilio", ["Twilio:AccountSid"] = AccountSid, ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef", ["Twilio:ApiKeySecret"] = "api-key-secret-0123456789-0123456789",
            ["Twilio:PhoneNumber"] = Hotline, ["Twilio:FallbackNumber"] = "+862988880000", ["Twilio:PublicBaseUrl"] = PublicBase,
            ["Twilio:ApiBaseUrl"] = _api.BaseUrl.ToString(), ["Twilio:DefaultCentreId"] = "xa-12356",
        });
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync(), c => c.Profile is not null, "seeded");
        _twilio = new TwilioDriver(client, PublicBase, AccountSid, AuthToken);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Counsellor_leg_ending_first_because_the_caller_hung_up_ends_the_call_not_requeues_it()
    {
        var (sid, legStatus) = await ConnectedAsync("c-wang");
        _api.SetCallStatus(sid, "completed");

        await _twilio.LegStatusAsync(legStatus, TwilioDriver.NewCallSid(), "completed", 5);
        await _twilio.LegStatusAsync($"{PublicBase}/webhooks/twilio/status", sid, "completed", 6);

        var call = await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Ended, call.Status);
        Assert.DoesNotContain(call.Timeline, t => t.Kind == TimelineKind.Requeued);
        Assert.Empty((await _host.Grains.GetGrain<HotlineCenter.Abstractions.Queues.IQueueGrain>("xa-12356/general").GetAsync()).Waiting);
    }

    [Fact]
    public async Task Counsellor_leg_dropping_while_the_caller_is_still_there_requeues_the_caller_at_the_front()
    {
        var (sid, legStatus) = await ConnectedAsync("c-li");

        await _twilio.LegStatusAsync(legStatus, TwilioDriver.NewCallSid(), "completed", 5);

        var call = await _host.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Queued, call.Status);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.Requeued);
        var waiting = Assert.Single((await _host.Grains.GetGrain<HotlineCenter.Abstractions.Queues.IQueueGrain>("xa-12356/general").GetAsync()).Waiting);
        Assert.True(waiting.AtFront);
    }

    private async Task<(string Sid, string LegStatus)> ConnectedAsync(string counselorId)
    {
        await _host.Grains.GetGrain<ICounselorGrain>(counselorId).ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _twilio.PressAsync(await _twilio.IncomingAsync(sid, "+8613800138000", Hotline), sid, "+8613800138000", Hotline, "2");
        var ring = await Eventually.MatchesAsync(
            () => Task.FromResult(_api.Requests.FirstOrDefault(r => r.Path == $"/Conferences/call-{sid}/Participants.json")), r => r is not null, "ring");
        var legStatus = ring!.Field("StatusCallback")!;
        await _twilio.LegStatusAsync(legStatus, TwilioDriver.NewCallSid(), "in-progress", 1);
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        return (sid, legStatus);
    }
}
