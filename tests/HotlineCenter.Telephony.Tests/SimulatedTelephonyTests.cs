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
}
