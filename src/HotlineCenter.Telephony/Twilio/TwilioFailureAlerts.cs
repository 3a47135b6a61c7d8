using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// A Twilio command that failed for good is the supervisor's to know, not only a log line: it is raised as a
/// <see cref="AlertKind.TelephonyFailed"/> alert in the centre of the call (critical for a crisis call). One alert per
/// command, call and leg, so retried failures of the same thing stay one alert.
/// </summary>
public static class TwilioFailureAlerts
{
    /// <summary>Raises the alert in the call's centre; a call the grains do not know (no centre) is only logged by the caller.</summary>
    public static async Task RaiseForCallAsync(IGrainFactory grains, string callId, string command, string? counselorId = null)
    {
        var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
        if (call.CentreId is { Length: > 0 } centreId)
        {
            await grains.GetGrain<ICentreAlertsGrain>(centreId).RaiseAsync(new AlertRaise(
                AlertId(command, callId, counselorId), AlertKind.TelephonyFailed, call.IsCrisis, callId, counselorId));
        }
    }

    /// <summary>Raises the alert in a centre, for a command about no call or one the port knows the centre of.</summary>
    public static Task RaiseForCentreAsync(IGrainFactory grains, string centreId, string command, string? callId = null, string? counselorId = null, bool critical = false) =>
        grains.GetGrain<ICentreAlertsGrain>(centreId).RaiseAsync(new AlertRaise(
            AlertId(command, callId ?? centreId, counselorId), AlertKind.TelephonyFailed, critical, callId, counselorId));

    public static string AlertId(string command, string subject, string? counselorId) =>
        counselorId is null ? $"telephony-{command}-{subject}" : $"telephony-{command}-{subject}-{counselorId}";
}
