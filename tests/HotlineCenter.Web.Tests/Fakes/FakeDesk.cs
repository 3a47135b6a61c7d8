using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Consoles;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>The real <see cref="DeskService"/> over fake grains: components are tested through their actual façade.</summary>
public static class FakeDesk
{
    public static DeskService Over(FakeGrainFactory grains, TimeProvider time) => new(grains, new UnusedTelephony(), new HotlineTime(time), new RecordingAuditTrail());
}
