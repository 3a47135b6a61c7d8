using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Telephony.Simulated;

namespace HotlineCenter.Web.Demo;

/// <summary>Places and ends simulated calls for the demo controls and the demo API (registered only with <c>Demo:Enabled</c>).</summary>
public sealed class DemoCalls(SimulatedCaller caller)
{
    public async Task<string> PlaceAsync(string centreId, string digits, string? fromNumber = null) =>
        (await caller.PlaceCallAsync(centreId, digits, fromNumber)).CallId;

    public Task<CallSnapshot> CallerHangsUpAsync(string callId) => caller.HangUpAsync(callId);
}
