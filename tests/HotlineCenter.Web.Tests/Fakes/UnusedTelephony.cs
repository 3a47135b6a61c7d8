using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Telephony;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>The telephony port for components that must not reach the provider: any use fails the test.</summary>
public sealed class UnusedTelephony : ITelephonyPort
{
    public string Name => "unused";

    public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) => throw Unexpected();

    public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) => throw Unexpected();

    public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => throw Unexpected();

    public Task CallBackCallerAsync(string callId, CallerRef caller, string counselorId, CancellationToken cancellationToken) => throw Unexpected();

    public Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken) => throw Unexpected();

    public Task HangUpAsync(string callId, CancellationToken cancellationToken) => throw Unexpected();

    private static NotSupportedException Unexpected() => new("This component test does not expect a telephony call.");
}
