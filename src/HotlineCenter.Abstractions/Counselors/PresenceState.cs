namespace HotlineCenter.Abstractions.Counselors;

/// <summary>Where a counsellor is in the presence state machine.</summary>
[GenerateSerializer]
public enum PresenceState
{
    Offline = 0,
    Available = 1,
    Break = 2,
    Training = 3,
    Supervision = 4,
    /// <summary>Reserved for exactly one call and being rung.</summary>
    Offered = 5,
    OnCall = 6,
    WrapUp = 7,
    /// <summary>Missed an offer; routing skips them until they come back.</summary>
    NotResponding = 8,
}
