using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using static HotlineCenter.Telephony.Tests.TwilioPortRig;

namespace HotlineCenter.Telephony.Tests;

/// <summary>
/// The Twilio port's commands against the contract-checking fake: rings under rate limits, participants changed only
/// through the conference SID, no second ring or second call after a lost answer, and failures raised as alerts.
/// </summary>
public sealed class TwilioPortTests
{
    private static readonly string Call = "CA" + new string('a', 32);
    private static readonly string CounselorLeg = "CA" + new string('b', 32);
    private static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(400, 21211)]
    [InlineData(403, null)]
    public async Task A_ring_twilio_refuses_is_reported_to_the_call_as_ring_failed(int status, int? code)
    {
        await using var rig = await StartAsync();
        rig.Api.FailNext(1, status, code);

        await rig.Port.RingCounselorAsync(Call, "wang", RingTimeout, default);
        var reported = (ProviderEvent)(await rig.Grains.FirstAsync(nameof(ICallGrain.ApplyAsync)))[0]!;

        Assert.Equal((ProviderEventKind.CounselorRingFailed, "wang"), (reported.Kind, reported.CounselorId));
        Assert.StartsWith($"{Call}:wang:ring-failed:", reported.EventKey, StringComparison.Ordinal);
        Assert.Single(rig.Api.Requests);
    }

    [Fact]
    public async Task An_unreachable_twilio_is_retried_for_the_rings_budget_then_reported_as_ring_failed()
    {
        await using var rig = await StartAsync(apiBase: new Uri("http://127.0.0.1:9/"));
        var started = rig.Clock.GetUtcNow();

        await rig.Port.RingCounselorAsync(Call, "li", RingTimeout, default);
        var reported = (ProviderEvent)(await rig.Grains.FirstAsync(nameof(ICallGrain.ApplyAsync)))[0]!;

        Assert.Equal((ProviderEventKind.CounselorRingFailed, "li"), (reported.Kind, reported.CounselorId));
        // Seconds of trying (half the 20 s ring timeout), not three tries in a fifth of a second.
        var tried = rig.Clock.GetUtcNow() - started;
        Assert.InRange(tried, TimeSpan.FromSeconds(5), TwilioBudgets.Ring(RingTimeout));
        Assert.Equal(7, rig.Waits.Count);
    }

    [Fact]
    public async Task With_twilio_rate_limiting_three_requests_in_ten_every_counsellor_is_still_rung_once()
    {
        await using var rig = await StartAsync();
        rig.Api.FailRandomly(0.3, 429, 20429, seed: 12356);
        var calls = Enumerable.Range(0, 20).Select(i => $"CA{i:x32}").ToList();

        // One after another, so the seeded failures fall on the same requests every run.
        foreach (var call in calls)
        {
            await rig.Port.RingCounselorAsync(call, "wang", RingTimeout, default);
            await rig.Grains.FirstAsync(nameof(ICallGrain.NoteConferenceAsync), call);
        }

        Assert.All(calls, c => Assert.Single(rig.Api.Conference($"call-{c}")!.Participants, p => p.Label == "counselor-wang"));
        Assert.Contains(rig.Api.Requests, r => r.OperationId == "CreateParticipant" && rig.Api.Requests.Count(x => x.Form.SequenceEqual(r.Form)) > 1);
        Assert.Empty(rig.Grains.Of(nameof(ICallGrain.ApplyAsync)));
    }

    [Fact]
    public async Task A_ring_whose_answer_was_lost_is_found_by_its_label_not_rung_twice()
    {
        await using var rig = await StartAsync();
        rig.Api.JoinConference($"call-{Call}", Call, "caller");
        rig.Api.LoseAnswerOfNext(1, 502, r => r.OperationId == "CreateParticipant");

        await rig.Port.RingCounselorAsync(Call, "wang", RingTimeout, default);
        var noted = (string)(await rig.Grains.FirstAsync(nameof(ICallGrain.NoteConferenceAsync)))[0]!;

        Assert.Equal(rig.Api.Conference($"call-{Call}")!.Sid, noted);
        Assert.Single(rig.Api.Conference($"call-{Call}")!.Participants, p => p.Label == "counselor-wang");
        Assert.Single(rig.Api.Requests, r => r.OperationId == "CreateParticipant");
        Assert.Empty(rig.Grains.Of(nameof(ICallGrain.ApplyAsync)));
    }

    [Fact]
    public async Task A_ring_again_after_a_lost_node_finds_the_counsellor_already_rung_and_sends_no_second_ring()
    {
        await using var rig = await StartAsync();
        var sid = rig.Api.JoinConference($"call-{Call}", Call, "caller");
        await rig.Rest.AddParticipantAsync(sid, new AddParticipantRequest(Hotline, "client:wang") { Label = "counselor-wang" }, default);

        var looked = rig.AnsweredAsync(r => r.OperationId == "FetchParticipant");
        await rig.Port.RingCounselorAgainAsync(Call, "wang", RingTimeout, default);
        await looked;
        await rig.Commands.StopAsync(CancellationToken.None);

        Assert.Single(rig.Api.Requests, r => r.OperationId == "CreateParticipant");
        Assert.Single(rig.Api.Conference(sid)!.Participants, p => p.Label == "counselor-wang");
    }

    [Fact]
    public async Task A_ring_again_that_finds_no_ring_out_rings_the_counsellor_once()
    {
        await using var rig = await StartAsync();
        var sid = rig.Api.JoinConference($"call-{Call}", Call, "caller");

        var rung = rig.AnsweredAsync(r => r.OperationId == "CreateParticipant");
        await rig.Port.RingCounselorAgainAsync(Call, "wang", RingTimeout, default);
        await rung;

        Assert.Single(rig.Api.Conference(sid)!.Participants, p => p.Label == "counselor-wang");
        Assert.Single(rig.Api.Requests, r => r.OperationId == "CreateParticipant");
    }

    [Fact]
    public async Task A_callback_twilio_took_is_noted_on_the_call_so_no_restart_dials_it_again()
    {
        await using var rig = await StartAsync();

        await rig.Port.CallBackCallerAsync(Call, rig.Identity.Protect("+8613800138000"), "c-wang", default);
        await rig.Grains.FirstAsync(nameof(ICallGrain.NoteCallbackPlacedAsync), Call);

        Assert.Single(rig.Api.Requests, r => r.OperationId == "CreateCall");
    }

    [Fact]
    public async Task Stop_ringing_removes_the_counsellor_through_the_conference_sid_the_ring_learnt()
    {
        await using var rig = await StartAsync();
        await rig.Port.RingCounselorAsync(Call, "wang", RingTimeout, default);
        var sid = (string)(await rig.Grains.FirstAsync(nameof(ICallGrain.NoteConferenceAsync)))[0]!;

        var deleted = rig.AnsweredAsync(r => r.Method == "DELETE");
        await rig.Port.StopRingingAsync(Call, "wang", default);
        await deleted;

        var removed = rig.Api.Requests.Single(r => r.Method == "DELETE");
        Assert.Equal(($"/Conferences/{sid}/Participants/counselor-wang.json", "DeleteParticipant"), (removed.Path, removed.OperationId));
        Assert.Matches("^/Conferences/CF[0-9a-f]{32}/", removed.Path);
        Assert.DoesNotContain(rig.Api.Conference(sid)!.Participants, p => p.Label == "counselor-wang");
    }

    [Fact]
    public async Task Stop_ringing_before_the_conference_sid_is_known_looks_it_up_by_friendly_name_and_keeps_it()
    {
        await using var rig = await StartAsync();
        var sid = rig.Api.JoinConference($"call-{Call}", Call, "caller");
        await rig.Rest.AddParticipantAsync(sid, new AddParticipantRequest(Hotline, "client:wang") { Label = "counselor-wang" }, default);

        var deleted = rig.AnsweredAsync(r => r.Method == "DELETE");
        await rig.Port.StopRingingAsync(Call, "wang", default);
        var noted = (string)(await rig.Grains.FirstAsync(nameof(ICallGrain.NoteConferenceAsync)))[0]!;
        await deleted;

        Assert.Equal(sid, noted);
        Assert.Equal(["CreateParticipant", "ListConference", "DeleteParticipant"], rig.Api.Requests.Select(r => r.OperationId));
    }

    [Fact]
    public async Task Stop_ringing_that_fails_for_good_raises_a_telephony_alert_for_the_call()
    {
        await using var rig = await StartAsync();
        rig.Grains.ConferenceSids[Call] = rig.Api.JoinConference($"call-{Call}", Call, "caller");
        rig.Api.FailNext(100, 500);

        await rig.Port.StopRingingAsync(Call, "wang", default);
        var alert = (AlertRaise)(await rig.Grains.FirstAsync(nameof(ICentreAlertsGrain.RaiseAsync)))[0]!;

        Assert.Equal((AlertKind.TelephonyFailed, Call, "wang"), (alert.Kind, alert.CallId, alert.CounselorId));
        Assert.Equal($"telephony-stop-ringing-{Call}-wang", alert.AlertId);
        Assert.True(rig.Waits.Sum(w => w.TotalSeconds) <= TwilioBudgets.StopRinging.TotalSeconds);
    }

    [Fact]
    public async Task Hold_mute_whisper_and_barge_change_participants_through_the_conference_sid()
    {
        await using var rig = await StartAsync();
        var sid = rig.Api.JoinConference($"call-{Call}", Call, "caller");
        rig.Api.JoinConference($"call-{Call}", CounselorLeg, "counselor-c-wang");
        rig.Grains.ConferenceSids[Call] = sid;

        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Hold, "c-wang", CounselorLeg, null), default);
        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Mute, "c-wang", CounselorLeg, null), default);
        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Monitor, "s-zhou", CounselorLeg, null), default);
        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Whisper, "s-zhou", CounselorLeg, null), default);
        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Barge, "s-zhou", CounselorLeg, null), default);

        var conference = rig.Api.Conference(sid)!;
        Assert.True(conference.Participants.Single(p => p.Label == "caller").Hold);
        Assert.True(conference.Participants.Single(p => p.Label == "counselor-c-wang").Muted);
        var supervisor = Assert.Single(conference.Participants, p => p.Label == "supervisor-s-zhou");
        Assert.Equal((false, false), (supervisor.Muted, supervisor.Coaching));
        var changes = rig.Api.Requests.Where(r => r.OperationId == "UpdateParticipant").ToList();
        Assert.All(changes, r => Assert.StartsWith($"/Conferences/{sid}/Participants/", r.Path, StringComparison.Ordinal));
        // Monitor tried the supervisor's leg first (not there yet), then added it by friendly name; whisper changed that leg.
        Assert.Equal(
            ["UpdateParticipant", "UpdateParticipant", "UpdateParticipant", "CreateParticipant", "UpdateParticipant", "UpdateParticipant"],
            rig.Api.Requests.Select(r => r.OperationId));
        Assert.Equal(("true", CounselorLeg), (changes[3].Field("Coaching"), changes[3].Field("CallSidToCoach")));
    }

    [Fact]
    public async Task A_supervisor_with_a_configured_phone_is_rung_there_others_in_the_browser()
    {
        await using var rig = await StartAsync(options: new TwilioOptions { SupervisorPhones = { ["s-li"] = "+8613911112222" } });
        rig.Grains.ConferenceSids[Call] = rig.Api.JoinConference($"call-{Call}", Call, "caller");

        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Monitor, "s-li", null, null), default);
        await rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Monitor, "s-zhou", null, null), default);

        Assert.Equal(["+8613911112222", "client:s-zhou"], rig.Api.Requests.Where(r => r.OperationId == "CreateParticipant").Select(r => r.Field("To")));
    }

    [Fact]
    public async Task Hold_on_a_call_without_a_live_conference_is_a_conflict_for_the_supervisor()
    {
        await using var rig = await StartAsync();

        var refused = await Assert.ThrowsAsync<TelephonyRefusedException>(() =>
            rig.Port.SuperviseAsync(Call, new SupervisionRequest(SupervisionAction.Hold, "c-wang", null, null), default));

        Assert.True(refused.IsConflict);
        Assert.Equal(["ListConference"], rig.Api.Requests.Select(r => r.OperationId));
    }

    [Fact]
    public async Task A_callback_call_that_may_have_been_placed_is_not_placed_again_and_is_alerted()
    {
        await using var rig = await StartAsync();
        rig.Api.LoseAnswerOfNext(1, 500);

        await rig.Port.CallBackCallerAsync(Call, rig.Identity.Protect("+8613800138000"), "c-wang", default);
        var alert = (AlertRaise)(await rig.Grains.FirstAsync(nameof(ICentreAlertsGrain.RaiseAsync)))[0]!;

        Assert.Equal((AlertKind.TelephonyFailed, Call), (alert.Kind, alert.CallId));
        Assert.Single(rig.Api.Requests);
        // Twilio may be dialling: the call waits for its status callback rather than scheduling another dial.
        Assert.Empty(rig.Grains.Of(nameof(ICallGrain.ApplyAsync)));
    }

    [Fact]
    public async Task A_callback_call_twilio_refused_goes_back_to_the_calls_retry_schedule_and_is_alerted()
    {
        await using var rig = await StartAsync();
        rig.Api.FailNext(1, 400, 21211);

        await rig.Port.CallBackCallerAsync(Call, rig.Identity.Protect("+8613800138000"), "c-wang", default);
        var reported = (ProviderEvent)(await rig.Grains.FirstAsync(nameof(ICallGrain.ApplyAsync)))[0]!;
        await rig.Grains.FirstAsync(nameof(ICentreAlertsGrain.RaiseAsync));

        Assert.Equal(ProviderEventKind.CallbackNotAnswered, reported.Kind);
    }

    [Fact]
    public async Task Follow_up_dial_adds_the_counsellor_then_the_callers_decrypted_number_whose_leg_reports_its_outcome()
    {
        await using var rig = await StartAsync();
        var caller = rig.Identity.Protect("+8613800138000");

        var callerAdded = rig.AnsweredAsync(r => r.Field("Label") == "caller");
        await rig.Port.DialFollowUpAsync("CA42", 2, caller, "c-wang", default);
        await callerAdded;

        Assert.Equal(
            [("/Conferences/followup-CA42/Participants.json", "client:c-wang", "counselor-c-wang"), ("/Conferences/followup-CA42/Participants.json", "+8613800138000", "caller")],
            rig.Api.Requests.Select(r => (r.Path, r.Field("To"), r.Field("Label"))));
        Assert.All(rig.Api.Requests, r => Assert.Equal(Hotline, r.Field("From")));
        var callerLeg = rig.Api.Requests[1];
        Assert.Equal("https://h.example/webhooks/twilio/followup-status?followup=CA42&dial=2", callerLeg.Field("StatusCallback"));
        Assert.Equal(["answered", "completed"], callerLeg.Fields("StatusCallbackEvent"));
        Assert.Null(rig.Api.Requests[0].Field("StatusCallback"));
        Assert.DoesNotContain("+8613800138000", caller.MaskedNumber + caller.CallerHash + caller.EncryptedNumber, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_dial_twilio_refused_is_recorded_as_that_dials_failure_and_alerted()
    {
        await using var rig = await StartAsync();
        rig.Api.FailNext(1, 400, 21211);

        await rig.Port.DialFollowUpAsync("CA42", 1, rig.Identity.Protect("+8613800138000"), "c-wang", default);
        var outcome = await rig.Grains.FirstAsync(nameof(IFollowUpGrain.ApplyDialOutcomeAsync));
        var alert = (AlertRaise)(await rig.Grains.FirstAsync(nameof(ICentreAlertsGrain.RaiseAsync)))[0]!;

        Assert.Equal((1, FollowUpDialOutcome.Failed), ((int)outcome[0]!, (FollowUpDialOutcome)outcome[1]!));
        Assert.Equal((AlertKind.TelephonyFailed, "CA42", "c-wang"), (alert.Kind, alert.CallId, alert.CounselorId));
    }
}
