using HotlineCenter.Abstractions.Common;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Web.Demo;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>The real <see cref="DeskService"/> over fake grains: components are tested through their actual façade.</summary>
public static class FakeDesk
{
    public static DeskService Over(FakeGrainFactory grains, TimeProvider time)
    {
        var identity = new CallerIdentityProtector(Options.Create(new CallerIdentityOptions { CallerHashKey = "component-tests-caller-hash-key-0123456789" }));
        return new DeskService(grains, new SimulatedCaller(grains, identity, new HotlineTime(time)), new UnusedTelephony());
    }
}
