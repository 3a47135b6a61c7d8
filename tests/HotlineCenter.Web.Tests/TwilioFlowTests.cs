using System.Net;
using System.Net.Http.Json;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using static HotlineCenter.Web.Tests.Fixtures.TwilioHost;

namespace HotlineCenter.Web.Tests;

/// <summary>Calls driven over HTTP by signed webhooks in Twilio's shapes against the real host in Twilio mode.</summary>
public sealed class TwilioFlowTests : IAsyncLifetime
{
    private TwilioHost _t = default!;

    public async Task InitializeAsync() => _t = await StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Call_rings_a_browser_counselor_is_answered_and_ends_in_wrap_up()
    {
        var wang = _t.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();

        var greeting = await _t.Driver.IncomingAsync(sid, "+8613800138000", Hotline);
        Assert.Equal(HttpStatusCode.OK, greeting.Status);
        Assert.Equal(["Say", "Say", "Gather"], greeting.Twiml.Root!.Elements().Select(e => e.Name.LocalName));

        var menu = await _t.Driver.PressAsync(greeting, sid, "+8613800138000", Hotline, "2");
        var conference = menu.Twiml.Root!.Element("Dial")!.Element("Conference")!;
        Assert.Equal($"call-{sid}", conference.Value);
        Assert.Equal("false", (string?)conference.Attribute("startConferenceOnEnter"));
        Assert.Equal("true", (string?)conference.Attribute("endConferenceOnExit"));
        Assert.Equal("record-from-start", (string?)conference.Attribute("record"));
        Assert.StartsWith($"{PublicBase}/webhooks/twilio/voice/wait", (string?)conference.Attribute("waitUrl"));

        var ring = (await _t.RingAsync(sid))!;
        Assert.Equal(("client:c-wang", Hotline, "counselor-c-wang", "20"), (ring.Field("To"), ring.Field("From"), ring.Field("Label"), ring.Field("Timeout")));
        Assert.Equal(("true", "false"), (ring.Field("StartConferenceOnEnter"), ring.Field("EndConferenceOnExit")));
        var legStatus = ring.Field("StatusCallback")!;
        var leg = TwilioDriver.NewCallSid();

        Assert.Equal(HttpStatusCode.NoContent, (await _t.Driver.LegStatusAsync(legStatus, leg, "ringing", 1)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _t.Driver.LegStatusAsync(legStatus, leg, "in-progress", 2)).Status);
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        Assert.Equal(PresenceState.OnCall, (await wang.GetAsync()).State);

        var ended = await _t.Driver.LegStatusAsync(CallerStatusUrl, sid, "completed", 3);
        var replay = await _t.Driver.LegStatusAsync(CallerStatusUrl, sid, "completed", 3);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (ended.Status, replay.Status));
        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Ended, call.Status);
        Assert.Single(call.Timeline, t => t.Kind == TimelineKind.Ended);
        Assert.Equal("+86138****8000", call.MaskedNumber);
        Assert.Equal(PresenceState.WrapUp, (await wang.GetAsync()).State);
    }

    [Fact]
    public async Task Simulated_network_reports_the_ring_and_the_answer_the_way_twilio_does()
    {
        var network = new SimulatedTwilioNetwork(_t.Api, _t.Driver);
        var chen = _t.Grains.GetGrain<ICounselorGrain>("c-chen");
        await chen.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, "+8613200132000", "2");
        await Eventually.MatchesAsync(() => Task.FromResult(network.Legs.ContainsKey("counselor-c-chen")), rung => rung, "ring fired");
        await network.DeliveredAsync();
        Assert.Equal(PresenceState.Offered, (await chen.GetAsync()).State);

        Assert.Equal(HttpStatusCode.NoContent, (await network.AnswerAsync("counselor-c-chen")).Status);

        var call = await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(sid).GetAsync(), c => c.Status == CallStatus.Connected, "connected");
        Assert.Equal(network.Legs["counselor-c-chen"].LegSid, call.CounselorLegId);
    }

    [Fact]
    public async Task Counselor_who_does_not_answer_is_skipped_and_the_call_rings_the_next()
    {
        await _t.Grains.GetGrain<ICounselorGrain>("c-li").ChangePresenceAsync(PresenceState.Available, "test");
        await _t.Grains.GetGrain<ICounselorGrain>("c-huang").ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, "+8613900139000", "2");
        var first = (await _t.RingAsync(sid))!;

        await _t.Driver.LegStatusAsync(first.Field("StatusCallback")!, TwilioDriver.NewCallSid(), "no-answer", 1);

        var second = (await _t.RingAsync(sid, nth: 2))!;
        Assert.NotEqual(first.Field("To"), second.Field("To"));
        var missed = first.Field("To")!["client:".Length..];
        Assert.Equal(PresenceState.NotResponding, (await _t.Grains.GetGrain<ICounselorGrain>(missed).GetAsync()).State);
    }

    [Fact]
    public async Task Crisis_option_jumps_ahead_of_a_caller_who_waited_longer()
    {
        var general = TwilioDriver.NewCallSid();
        var crisis = TwilioDriver.NewCallSid();
        await _t.CallInAsync(general, "+8613700137000", "2");
        await _t.CallInAsync(crisis, "+8613600136000", "1");

        await _t.Grains.GetGrain<ICounselorGrain>("c-zhang").ChangePresenceAsync(PresenceState.Available, "test");

        var ring = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path.EndsWith("/Participants.json", StringComparison.Ordinal))), r => r is not null, "a ring");
        Assert.Equal($"/Conferences/call-{crisis}/Participants.json", ring!.Path);
    }

    [Fact]
    public async Task Caller_hanging_up_in_the_queue_is_abandoned_with_its_wait()
    {
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, "+8613500135000", "2");

        await _t.Driver.LegStatusAsync(CallerStatusUrl, sid, "completed", 4);

        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Abandoned, call.Status);
        Assert.NotNull(call.WaitSeconds);
    }

    [Fact]
    public async Task Unsigned_forged_and_garbled_webhooks_are_refused_without_touching_calls()
    {
        var sid = TwilioDriver.NewCallSid();
        var fields = _t.Driver.CallFields(sid, "+8613800138000", Hotline, "ringing");

        var unsigned = await _t.Driver.PostAsync("/webhooks/twilio/voice", fields, sign: false);
        var forged = await _t.Driver.PostAsync("/webhooks/twilio/voice", fields, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        var garbled = await _t.Driver.PostAsync("/webhooks/twilio/voice", new Dictionary<string, string> { ["CallSid"] = "../../etc", ["From"] = "x" });
        var badDigits = await _t.Driver.PostAsync("/webhooks/twilio/voice/menu?attempt=1", new Dictionary<string, string> { ["CallSid"] = sid, ["Digits"] = "<x>" });

        Assert.Equal(HttpStatusCode.BadRequest, unsigned.Status);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(HttpStatusCode.BadRequest, garbled.Status);
        Assert.Contains("CallSid", garbled.Body);
        Assert.Equal(HttpStatusCode.BadRequest, badDigits.Status);
        Assert.Equal(CallStatus.New, (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);
    }

    [Theory]
    [InlineData("/webhooks/twilio/voice")]
    [InlineData("/webhooks/twilio/voice/menu?attempt=1")]
    [InlineData("/webhooks/twilio/status")]
    [InlineData("/webhooks/twilio/conference?call=CA1")]
    public async Task Forms_with_invalid_percent_encoding_or_over_the_size_limit_are_a_400_or_413_never_a_500(string path)
    {
        using var client = _t.Host.CreateClient();
        var sid = TwilioDriver.NewCallSid();

        async Task<HttpStatusCode> PostRawAsync(string body, bool signed)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded") };
            if (signed)
            {
                request.Headers.Add("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        var nul = await PostRawAsync($"CallSid={sid}&From=%00%2B86&Digits=%zz", signed: true);
        var unsignedNul = await PostRawAsync($"CallSid={sid}&From=%00", signed: false);
        var huge = await PostRawAsync($"CallSid={sid}&Note=" + new string('a', 200_000), signed: true);
        var manyFields = await PostRawAsync($"CallSid={sid}&" + string.Join("&", Enumerable.Range(0, 1_000).Select(i => $"f{i}=1")), signed: true);

        Assert.Equal(HttpStatusCode.BadRequest, nul);
        Assert.Equal(HttpStatusCode.BadRequest, unsignedNul);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge);
        Assert.Equal(HttpStatusCode.BadRequest, manyFields);
        Assert.Equal(CallStatus.New, (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);
    }

    [Fact]
    public async Task Replayed_incoming_webhook_is_applied_once_and_answered_the_same()
    {
        var sid = TwilioDriver.NewCallSid();

        var first = await _t.Driver.IncomingAsync(sid, "+8613400134000", Hotline);
        var again = await _t.Driver.IncomingAsync(sid, "+8613400134000", Hotline);

        Assert.Equal(first.Body, again.Body);
        Assert.Single((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline, t => t.Kind == TimelineKind.Arrived);
    }

    [Fact]
    public async Task Fallback_url_always_answers_twiml_that_dials_the_backup_line()
    {
        var answer = await _t.Driver.PostAsync("/webhooks/twilio/fallback", new Dictionary<string, string>
        {
            ["CallSid"] = TwilioDriver.NewCallSid(),
            ["ErrorCode"] = "11200",
            ["ErrorUrl"] = $"{PublicBase}/webhooks/twilio/voice",
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("<?xml", answer.Body);
        Assert.All(answer.Twiml.Root!.Elements("Dial"), d => Assert.Equal(Backup, d.Element("Number")!.Value));
    }

    [Fact]
    public async Task Counselor_leg_ending_first_because_the_caller_hung_up_ends_the_call_not_requeues_it()
    {
        var (sid, legStatus) = await _t.ConnectedCallAsync("c-wang");
        _t.Api.SetCallStatus(sid, "completed");

        await _t.Driver.LegStatusAsync(legStatus, TwilioDriver.NewCallSid(), "completed", 5);
        await _t.Driver.LegStatusAsync(CallerStatusUrl, sid, "completed", 6);

        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Ended, call.Status);
        Assert.DoesNotContain(call.Timeline, t => t.Kind == TimelineKind.Requeued);
        Assert.Empty((await _t.Grains.GetGrain<IQueueGrain>("xa-12356/general").GetAsync()).Waiting);
    }

    [Fact]
    public async Task Counselor_leg_dropping_while_the_caller_is_still_there_requeues_the_caller_at_the_front()
    {
        var (sid, legStatus) = await _t.ConnectedCallAsync("c-li");

        await _t.Driver.LegStatusAsync(legStatus, TwilioDriver.NewCallSid(), "completed", 5);

        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(CallStatus.Queued, call.Status);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.Requeued);
        var waiting = Assert.Single((await _t.Grains.GetGrain<IQueueGrain>("xa-12356/general").GetAsync()).Waiting);
        Assert.True(waiting.AtFront);
    }
}

/// <summary>The keep-place callback over webhooks, with the domain clock under the test's control.</summary>
public sealed class TwilioCallbackTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TwilioHost _t = default!;

    public async Task InitializeAsync() => _t = await StartAsync(_clock);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Caller_offered_a_callback_keeps_their_place_and_is_dialled_back_when_a_counselor_takes_it()
    {
        var sid = TwilioDriver.NewCallSid();
        var menu = await _t.CallInAsync(sid, "+8613800138000", "2");
        var waitUrl = menu.Twiml.Root!.Element("Dial")!.Element("Conference")!.Attribute("waitUrl")!.Value;

        var early = await _t.Driver.PostAsync(waitUrl, _t.Driver.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        Assert.Contains(early.Twiml.Root!.Elements(), e => e.Name.LocalName == "Say");
        Assert.DoesNotContain(_t.Api.Requests, r => r.Path == $"/Calls/{sid}.json");

        _clock.Advance(TimeSpan.FromSeconds(121));
        await _t.Driver.PostAsync(waitUrl, _t.Driver.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        var redirect = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path == $"/Calls/{sid}.json")), r => r is not null, "the caller taken out to hear the offer");

        var offer = await _t.Driver.PostAsync(redirect!.Field("Url")!, _t.Driver.CallFields(sid, "+8613800138000", Hotline, "in-progress"));
        var confirmed = await _t.Driver.PressAsync(offer, sid, "+8613800138000", Hotline, "1");
        Assert.Equal(["Say", "Hangup"], confirmed.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        await _t.Driver.LegStatusAsync(CallerStatusUrl, sid, "completed", 9);
        Assert.Equal(CallStatus.CallbackPending, (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Status);

        var wang = _t.Grains.GetGrain<ICounselorGrain>("c-wang");
        await wang.ChangePresenceAsync(PresenceState.Available, "test");
        await Eventually.MatchesAsync(wang.GetAsync, c => c.State == PresenceState.Offered, "counsellor offered the callback");
        await wang.AcceptOfferAsync(sid);

        var dial = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path == "/Calls.json")), r => r is not null, "the caller dialled back");
        Assert.Equal(("+8613800138000", Hotline), (dial!.Field("To"), dial.Field("From")));
        Assert.Equal($"call-{sid}", System.Xml.Linq.XDocument.Parse(dial.Field("Twiml")!).Descendants("Conference").Single().Value);
        Assert.Contains((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline, t => t.Kind == TimelineKind.CallbackDialled);
    }
}

/// <summary>Supervisor actions, recordings and softphone tokens on a live Twilio call, through the app's API.</summary>
public sealed class TwilioSupervisionTests : IAsyncLifetime
{
    private TwilioHost _t = default!;
    private HttpClient _supervisor = default!;

    public async Task InitializeAsync()
    {
        _t = await StartAsync();
        _supervisor = _t.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(_supervisor, "s-zhou");
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Monitor_whisper_barge_and_add_party_reach_twilio_with_the_right_parameters()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-wang");
        var counselorLeg = (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).CounselorLegId;
        Assert.NotNull(counselorLeg);

        foreach (var action in new[] { "monitor", "whisper", "barge" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "add-party", partyNumber = "+8629120" })).StatusCode);

        var conference = $"/Conferences/call-{sid}/Participants";
        var sent = _t.Api.Requests.Where(r => r.Path.StartsWith(conference, StringComparison.Ordinal) && r.Field("Label") != "counselor-c-wang").ToList();
        Assert.Equal(("client:s-zhou", "true"), (sent[0].Field("To"), sent[0].Field("Muted")));
        Assert.Equal(("true", counselorLeg), (sent[1].Field("Coaching"), sent[1].Field("CallSidToCoach")));
        Assert.Equal(($"{conference}/supervisor-s-zhou.json", "false", "false"), (sent[2].Path, sent[2].Field("Muted"), sent[2].Field("Coaching")));
        Assert.Equal(("+8629120", "true"), (sent[3].Field("To"), sent[3].Field("EarlyMedia")));
    }

    [Fact]
    public async Task Hold_and_unhold_reach_twilio_and_come_back_on_the_call_timeline()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-huang");

        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "hold" })).StatusCode);
        var conferenceCallback = $"{PublicBase}/webhooks/twilio/conference?call={sid}";
        foreach (var (evt, seq) in new[] { ("participant-hold", "3"), ("participant-hold", "3"), ("participant-unhold", "4") })
        {
            var posted = await _t.Driver.PostAsync(conferenceCallback, new Dictionary<string, string>
            {
                ["ConferenceSid"] = "CF" + new string('1', 32), ["FriendlyName"] = $"call-{sid}", ["StatusCallbackEvent"] = evt, ["CallSid"] = sid,
                ["ParticipantLabel"] = "caller", ["Hold"] = evt == "participant-hold" ? "true" : "false", ["SequenceNumber"] = seq, ["AccountSid"] = AccountSid,
            });
            Assert.Equal(HttpStatusCode.NoContent, posted.Status);
        }

        var end = await _t.Driver.PostAsync(conferenceCallback, new Dictionary<string, string>
        {
            ["ConferenceSid"] = "CF" + new string('1', 32), ["StatusCallbackEvent"] = "conference-end", ["ReasonConferenceEnded"] = "last-participant-left", ["AccountSid"] = AccountSid,
        });
        Assert.Equal(HttpStatusCode.NoContent, end.Status);
        var hold = _t.Api.Requests.Single(r => r.Path == $"/Conferences/call-{sid}/Participants/caller.json");
        Assert.Equal("true", hold.Field("Hold"));
        var timeline = (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline;
        Assert.Single(timeline, t => t.Kind == TimelineKind.Held);
        Assert.Single(timeline, t => t.Kind == TimelineKind.Resumed);
    }

    [Fact]
    public async Task Supervision_refuses_bad_requests_and_calls_that_are_not_live()
    {
        var waiting = TwilioDriver.NewCallSid();
        await _t.CallInAsync(waiting, "+8613300133000", "2");

        Assert.Equal(HttpStatusCode.Conflict, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "monitor" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "eavesdrop" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _supervisor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "add-party", partyNumber = "110; DROP" })).StatusCode);

        using var counsellor = _t.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-li");
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.PostAsJsonAsync($"/api/calls/{waiting}/supervise", new { action = "monitor" })).StatusCode);
    }

    [Fact]
    public async Task Recording_is_stored_from_its_callback_and_heard_only_through_the_app_by_a_supervisor()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-wang");
        var recordingSid = "RE" + new string('a', 32);
        var callback = await _t.Driver.PostAsync($"{PublicBase}/webhooks/twilio/recording?call={sid}", new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid, ["CallSid"] = sid, ["RecordingSid"] = recordingSid, ["RecordingStatus"] = "completed",
            ["RecordingDuration"] = "312", ["RecordingChannels"] = "2", ["RecordingSource"] = "DialVerb", ["SomeFutureField"] = "x",
        });
        Assert.Equal(HttpStatusCode.NoContent, callback.Status);
        Assert.Equal(312, Assert.Single((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Recordings).DurationSeconds);

        var audio = await _supervisor.GetAsync($"/api/calls/{sid}/recordings/{recordingSid}");
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal("audio/mpeg", audio.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ID3-fake-audio", await audio.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _supervisor.GetAsync($"/api/calls/{sid}/recordings/RE{new string('b', 32)}")).StatusCode);
        Assert.Contains(await AuditEntries.OfAsync(_t.Grains, "xa-12356"), e => (e.Kind, e.Actor, e.Target, e.Detail) == (HotlineCenter.Abstractions.Audit.AuditKind.RecordingRead, "s-zhou", sid, $"recording={recordingSid}"));

        using var counsellor = _t.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-zhao");
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.GetAsync($"/api/calls/{sid}/recordings/{recordingSid}")).StatusCode);
    }

    [Fact]
    public async Task Softphone_token_is_issued_to_counselors_only()
    {
        using var counsellor = _t.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-zhao");

        var issued = await counsellor.PostAsync("/api/softphone/token", null);
        var refused = await _supervisor.PostAsync("/api/softphone/token", null);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("c-zhao", body.GetProperty("identity").GetString());
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
