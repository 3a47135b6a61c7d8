using HotlineCenter.Abstractions.Common;
using HotlineCenter.Telephony.Simulated;
using Microsoft.Extensions.Logging.Abstractions;

namespace HotlineCenter.Telephony.Tests;

public sealed class SimulatedTelephonyTests
{
    private readonly SimulatedTelephony _network = new(HotlineTime.System, NullLogger<SimulatedTelephony>.Instance);

    [Fact]
    public async Task Ring_then_connect_leaves_one_bridged_leg_until_hang_up()
    {
        await _network.RingCounselorAsync("CA1", "c-wang", TimeSpan.FromSeconds(20), default);
        Assert.Equal("ringing", _network.Legs["c-wang"].State);

        await _network.ConnectCounselorAsync("CA1", "c-wang", default);
        Assert.Equal("bridged", _network.Legs["c-wang"].State);

        await _network.HangUpAsync("CA1", default);
        Assert.False(_network.Legs.ContainsKey("c-wang"));
    }

    [Fact]
    public async Task Stopping_a_stale_ring_does_not_drop_the_counselors_newer_call()
    {
        await _network.RingCounselorAsync("CA1", "c-li", TimeSpan.FromSeconds(20), default);
        await _network.RingCounselorAsync("CA2", "c-li", TimeSpan.FromSeconds(20), default);

        await _network.StopRingingAsync("CA1", "c-li", default);

        Assert.Equal("CA2", _network.Legs["c-li"].CallId);
    }

    [Fact]
    public async Task Follow_up_dial_is_recorded_and_the_simulated_caller_answers_or_not()
    {
        var caller = new HotlineCenter.Abstractions.Calls.CallerRef("hash-1", "138****0000", "enc-1");

        await _network.DialFollowUpAsync("CA1", 1, caller, "c-wang", default);
        _network.FollowUpCallersAnswer = false;
        await _network.DialFollowUpAsync("CA2", 1, caller, "c-li", default);
        await _network.DialFollowUpAsync("CA3", 1, caller with { EncryptedNumber = null }, "c-zhao", default);

        Assert.Equal(
            [("CA1", "c-wang", "hash-1", true), ("CA2", "c-li", "hash-1", false), ("CA3", "c-zhao", "hash-1", false)],
            _network.FollowUpDials.Select(d => (d.FollowUpId, d.CounselorId, d.CallerHash, d.Answered)));
        Assert.Equal(("followup-CA1", "bridged"), (_network.Legs["c-wang"].CallId, _network.Legs["c-wang"].State));
        Assert.Equal(("followup-CA2", "no-answer"), (_network.Legs["c-li"].CallId, _network.Legs["c-li"].State));
    }

    [Fact]
    public async Task The_satisfaction_question_ends_the_counsellors_leg_and_is_recorded()
    {
        await _network.RingCounselorAsync("CA9", "c-wang", TimeSpan.FromSeconds(20), default);
        await _network.ConnectCounselorAsync("CA9", "c-wang", default);

        await _network.AskSatisfactionAsync("CA9", default);

        Assert.Equal(["CA9"], _network.SurveysAsked);
        Assert.False(_network.Legs.ContainsKey("c-wang"));
    }
}
