namespace HotlineCenter.Web.Components.Desk;

/// <summary>What the browser softphone can do right now, as the desk shows it.</summary>
public enum SoftphoneStatus
{
    /// <summary>Loading the SDK and fetching a token.</summary>
    Starting = 0,
    /// <summary>Registered with Twilio: calls to <c>client:&lt;counsellor id&gt;</c> ring here.</summary>
    Registered = 1,
    /// <summary>Not registered (signed off from Twilio, or the connection dropped); calls will not ring here.</summary>
    Unregistered = 2,
    /// <summary>A call is ringing in the browser.</summary>
    Ringing = 3,
    /// <summary>A call is connected in the browser.</summary>
    InCall = 4,
    /// <summary>Twilio reported an error (token, network, microphone).</summary>
    Error = 5,
    /// <summary>The softphone could not start (script failed, no token, browser unsupported).</summary>
    Unavailable = 6,
}
