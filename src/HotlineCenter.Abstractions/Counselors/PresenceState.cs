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
    /// <summary>
    /// After a crisis call: a set time (the centre's <c>DecompressionMinutes</c>) offered no calls, to write the record and a
    /// short debrief; it ends by itself or when a supervisor ends it, never by the counsellor's own choice.
    /// </summary>
    Decompression = 9,
}
