using System.Security.Cryptography;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Telephony.Identity;

namespace HotlineCenter.Telephony.Simulated;

/// <summary>
/// Plays the caller's side for the simulated provider: dials in, presses a menu key, hangs up.
/// It drives the same grain entry points the provider webhooks do.
/// </summary>
public sealed class SimulatedCaller(IGrainFactory grains, CallerIdentityProtector identity, HotlineCenter.Abstractions.Common.HotlineTime time)
{
    /// <summary>
    /// Places a call from <paramref name="fromNumber"/> (a random mobile number when null) and answers the menu
    /// with <paramref name="digits"/>. A fixed number lets demos and tests show a repeat caller.
    /// </summary>
    public async Task<(string CallId, CallInstruction Instruction)> PlaceCallAsync(string centreId, string digits, string? fromNumber = null)
    {
        var callId = "SIM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var number = fromNumber ?? "+86" + "13" + RandomNumberGenerator.GetInt32(0, 10) + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000);
        var call = grains.GetGrain<ICallGrain>(callId);
        await call.ArriveAsync(new CallArrival(centreId, "sim", identity.ProtectCaller(number), $"{callId}:arrive"));
        var instruction = await call.ChooseAsync(new IvrChoice(digits, $"{callId}:menu:1"));
        return (callId, instruction);
    }

    /// <summary>The simulated caller hangs up.</summary>
    public Task<CallSnapshot> HangUpAsync(string callId) =>
        grains.GetGrain<ICallGrain>(callId).ApplyAsync(
            new ProviderEvent(ProviderEventKind.CallerHungUp, $"{callId}:caller-hangup", time.Now, null));
}
