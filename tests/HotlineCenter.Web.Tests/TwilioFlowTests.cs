using System.Net;
using System.Net.Http.Json;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
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
        Assert.Equal("*******8000", call.MaskedNumber);
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
    public async Task The_callers_join_teaches_the_call_its_conference_sid_before_anyone_is_rung()
    {
        var sid = TwilioDriver.NewCallSid();

        await _t.CallInAsync(sid, "+8613100131000", "2");

        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal(_t.ConferenceSid(sid), call.ConferenceSid);
        Assert.Matches("^CF[0-9a-f]{32}$", call.ConferenceSid);
        Assert.DoesNotContain(_t.Api.Requests, r => r.OperationId == "ListConference");
    }

    [Fact]
    public async Task A_declined_ring_is_stopped_through_the_conference_sid_and_the_leg_leaves_the_conference()
    {
        var zhao = _t.Grains.GetGrain<ICounselorGrain>("c-zhao");
        await zhao.ChangePresenceAsync(PresenceState.Available, "test");
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, "+8613200132001", "2");
        await _t.RingAsync(sid);
        var cf = _t.ConferenceSid(sid);
        Assert.Single(_t.Api.Conference(cf)!.Participants, p => p.Label == "counselor-c-zhao");

        await zhao.DeclineOfferAsync(sid);

        var stopped = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.OperationId == "DeleteParticipant")), r => r is not null, "the ring stopped");
        Assert.Equal($"/Conferences/{cf}/Participants/counselor-c-zhao.json", stopped!.Path);
        Assert.DoesNotContain(_t.Api.Conference(cf)!.Participants, p => p.Label == "counselor-c-zhao");
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
        var cf = _t.ConferenceSid(sid);

        foreach (var action in new[] { "monitor", "whisper", "barge" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "add-party", partyNumber = "+8629120" })).StatusCode);

        // Added by the conference's friendly name (only creating accepts it); changed afterwards only through its CF sid.
        var added = _t.Api.Requests.Where(r => r.OperationId == "CreateParticipant" && r.Field("Label") != "counselor-c-wang").ToList();
        Assert.All(added, r => Assert.Equal($"/Conferences/call-{sid}/Participants.json", r.Path));
        Assert.Equal(("client:s-zhou", "true", "supervisor-s-zhou"), (added[0].Field("To"), added[0].Field("Muted"), added[0].Field("Label")));
        Assert.Equal(("+8629120", "true"), (added[1].Field("To"), added[1].Field("EarlyMedia")));
        var changed = _t.Api.Requests.Where(r => r.OperationId == "UpdateParticipant").ToList();
        Assert.All(changed, r => Assert.Equal($"/Conferences/{cf}/Participants/supervisor-s-zhou.json", r.Path));
        var whisper = changed.Single(r => r.Field("Coaching") == "true");
        Assert.Equal(("false", counselorLeg), (whisper.Field("Muted"), whisper.Field("CallSidToCoach")));
        Assert.Equal(("false", "false"), (changed[^1].Field("Muted"), changed[^1].Field("Coaching")));
        var supervisor = Assert.Single(_t.Api.Conference(cf)!.Participants, p => p.Label == "supervisor-s-zhou");
        Assert.Equal((false, false), (supervisor.Muted, supervisor.Coaching));
    }

    [Fact]
    public async Task Hold_and_unhold_reach_twilio_and_come_back_on_the_call_timeline()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-huang");
        var cf = _t.ConferenceSid(sid);

        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "hold" })).StatusCode);
        var conferenceCallback = $"{PublicBase}/webhooks/twilio/conference?call={sid}";
        foreach (var (evt, seq) in new[] { ("participant-hold", "3"), ("participant-hold", "3"), ("participant-unhold", "4") })
        {
            var posted = await _t.Driver.PostAsync(conferenceCallback, new Dictionary<string, string>
            {
                ["ConferenceSid"] = cf, ["FriendlyName"] = $"call-{sid}", ["StatusCallbackEvent"] = evt, ["CallSid"] = sid,
                ["ParticipantLabel"] = "caller", ["Hold"] = evt == "participant-hold" ? "true" : "false", ["SequenceNumber"] = seq, ["AccountSid"] = AccountSid,
            });
            Assert.Equal(HttpStatusCode.NoContent, posted.Status);
        }

        var hold = _t.Api.Requests.Single(r => r.OperationId == "UpdateParticipant");
        Assert.Equal(($"/Conferences/{cf}/Participants/caller.json", "true"), (hold.Path, hold.Field("Hold")));
        Assert.True(_t.Api.Conference(cf)!.Participants.Single(p => p.Label == "caller").Hold);
        var timeline = (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).Timeline;
        Assert.Single(timeline, t => t.Kind == TimelineKind.Held);
        Assert.Single(timeline, t => t.Kind == TimelineKind.Resumed);

        var end = await _t.Driver.PostAsync(conferenceCallback, new Dictionary<string, string>
        {
            ["ConferenceSid"] = cf, ["StatusCallbackEvent"] = "conference-end", ["ReasonConferenceEnded"] = "last-participant-left", ["AccountSid"] = AccountSid,
        });
        Assert.Equal(HttpStatusCode.NoContent, end.Status);
        // An ended conference is forgotten: the next change looks the live one up by friendly name.
        Assert.Null((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).ConferenceSid);
    }

    [Fact]
    public async Task The_counselors_mute_and_a_supervisors_take_over_change_the_legs_through_the_conference_sid()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-wang");
        var cf = _t.ConferenceSid(sid);
        var desk = _t.Host.Services.GetRequiredService<HotlineCenter.Web.Consoles.DeskService>();
        // The supervisor's service acts for the circuit's signed-in user: a scope standing in for s-zhou's circuit.
        using var circuit = _t.Host.Services.CreateScope();
        var signedIn = (Microsoft.AspNetCore.Components.Authorization.IHostEnvironmentAuthenticationStateProvider)circuit.ServiceProvider
            .GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>();
        signedIn.SetAuthenticationState(Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(new System.Security.Claims.ClaimsPrincipal(
            new System.Security.Claims.ClaimsIdentity(
            [
                new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "s-zhou"),
                new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, nameof(HotlineCenter.Abstractions.Accounts.StaffRole.Supervisor)),
                new System.Security.Claims.Claim(HotlineCenter.Web.Accounts.AccountService.CentreIdClaim, "xa-12356"),
            ], "test")))));
        var supervisors = circuit.ServiceProvider.GetRequiredService<HotlineCenter.Web.Consoles.SupervisorService>();

        await desk.CallControlAsync("c-wang", sid, SupervisionAction.Mute);
        Assert.True(_t.Api.Conference(cf)!.Participants.Single(p => p.Label == "counselor-c-wang").Muted);
        Assert.Equal(HttpStatusCode.NoContent, (await _supervisor.PostAsJsonAsync($"/api/calls/{sid}/supervise", new { action = "monitor" })).StatusCode);
        var taken = await supervisors.TakeOverAsync(sid, "s-zhou");

        Assert.Contains(taken.Timeline, t => t.Kind == TimelineKind.TakenOver);
        await Eventually.MatchesAsync(() => Task.FromResult(_t.Api.Conference(cf)!.Participants), p => p.All(x => x.Label != "counselor-c-wang"), "the counsellor's leg removed");
        var supervisor = Assert.Single(_t.Api.Conference(cf)!.Participants, p => p.Label == "supervisor-s-zhou");
        Assert.False(supervisor.Muted);
        Assert.Single(_t.Api.Requests, r => r.Method == "DELETE" && r.Path == $"/Conferences/{cf}/Participants/counselor-c-wang.json");
        Assert.Equal(PresenceState.WrapUp, (await _t.Grains.GetGrain<ICounselorGrain>("c-wang").GetAsync()).State);
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

    [Fact]
    public async Task Supervisors_get_a_softphone_token_for_their_own_staff_id_counsellors_do_not()
    {
        using var counsellor = _t.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(counsellor, "c-zhao");

        var issued = await _supervisor.PostAsync("/api/softphone/supervisor-token", null);
        var refused = await counsellor.PostAsync("/api/softphone/supervisor-token", null);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("s-zhou", body.GetProperty("identity").GetString());
        var payload = body.GetProperty("token").GetString()!.Split('.')[1];
        var grants = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=').Replace('-', '+').Replace('_', '/'))).RootElement.GetProperty("grants");
        Assert.Equal("s-zhou", grants.GetProperty("identity").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}

/// <summary>A follow-up dialled from the desk: the caller leg's status callback records Twilio's outcome on the follow-up.</summary>
public sealed class TwilioFollowUpStatusTests : IAsyncLifetime
{
    private const string FollowUpId = "CAfollowup0042";
    private TwilioHost _t = default!;

    public async Task InitializeAsync()
    {
        _t = await StartAsync();
        var caller = _t.Host.Services.GetRequiredService<CallerIdentityProtector>().Protect("+8613766554400");
        var now = _t.Host.Services.GetRequiredService<HotlineCenter.Abstractions.Common.HotlineTime>().Now;
        await _t.Grains.GetGrain<ICaseloadGrain>("xa-12356").PlanFollowUpAsync(new FollowUpSchedule("xa-12356",
            new FollowUpItem(FollowUpId, "c-wang", caller.MaskedNumber, RiskLevel.High, now.AddHours(-24), now.AddSeconds(-1), FollowUpStatus.Open, 0, null, null),
            caller));
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private IFollowUpGrain FollowUp => _t.Grains.GetGrain<IFollowUpGrain>(FollowUpId);

    [Fact]
    public async Task An_unanswered_dial_counts_as_the_attempt_until_the_counselor_records_it_in_its_place()
    {
        await FollowUp.DialAsync("c-wang");
        var callerLeg = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.OperationId == "CreateParticipant" && r.Field("Label") == "caller")), r => r is not null, "the caller dialled");
        var status = callerLeg!.Field("StatusCallback")!;
        Assert.Equal($"{PublicBase}/webhooks/twilio/followup-status?followup={FollowUpId}&dial=1", status);

        var noAnswer = await _t.Driver.LegStatusAsync(status, TwilioDriver.NewCallSid(), "no-answer", 2);
        var again = await _t.Driver.LegStatusAsync(status, TwilioDriver.NewCallSid(), "no-answer", 2);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (noAnswer.Status, again.Status));
        var reported = await FollowUp.GetAsync();
        var attempt = Assert.Single(reported.Attempts);
        Assert.Equal(("provider", FollowUpOutcome.NotReached, 1, "NoAnswer"), (attempt.By, attempt.Outcome, attempt.Dial, attempt.Note));
        Assert.Equal((1, FollowUpDialOutcome.NoAnswer), (reported.Item.FailedAttempts, reported.Item.LastDialOutcome));

        // The counsellor's word on the same dial replaces the provider's: still one failed attempt, now theirs.
        await FollowUp.RecordOutcomeAsync("c-wang", FollowUpOutcome.NotReached, "关机");
        var recorded = await FollowUp.GetAsync();
        Assert.Equal(("c-wang", 1), (Assert.Single(recorded.Attempts).By, recorded.Item.FailedAttempts));
    }

    [Fact]
    public async Task A_picked_up_dial_is_kept_as_information_and_the_counselors_record_decides()
    {
        await FollowUp.DialAsync("c-wang");
        var status = $"{PublicBase}/webhooks/twilio/followup-status?followup={FollowUpId}&dial=1";

        await _t.Driver.LegStatusAsync(status, TwilioDriver.NewCallSid(), "in-progress", 1);
        await _t.Driver.LegStatusAsync(status, TwilioDriver.NewCallSid(), "completed", 2);

        var detail = await FollowUp.GetAsync();
        Assert.Empty(detail.Attempts);
        Assert.Equal((FollowUpStatus.Open, FollowUpDialOutcome.Completed), (detail.Item.Status, detail.Item.LastDialOutcome));
        await FollowUp.RecordOutcomeAsync("c-wang", FollowUpOutcome.Reached, null);
        Assert.Equal(FollowUpStatus.Done, (await FollowUp.GetAsync()).Item.Status);
    }

    [Fact]
    public async Task Follow_up_status_callbacks_that_are_unsigned_or_name_no_dial_are_refused_and_change_nothing()
    {
        await FollowUp.DialAsync("c-wang");
        var fields = _t.Driver.CallFields(TwilioDriver.NewCallSid(), "+862912356", "+8613766554400", "busy");

        var unsigned = await _t.Driver.PostAsync($"/webhooks/twilio/followup-status?followup={FollowUpId}&dial=1", fields, sign: false);
        var noDial = await _t.Driver.PostAsync($"/webhooks/twilio/followup-status?followup={FollowUpId}", fields);
        var badId = await _t.Driver.PostAsync("/webhooks/twilio/followup-status?followup=../x&dial=1", fields);
        var unknownDial = await _t.Driver.PostAsync($"/webhooks/twilio/followup-status?followup={FollowUpId}&dial=7", fields);

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            new[] { unsigned.Status, noDial.Status, badId.Status, unknownDial.Status });
        var detail = await FollowUp.GetAsync();
        Assert.Empty(detail.Attempts);
        Assert.Null(detail.Item.LastDialOutcome);
    }
}
