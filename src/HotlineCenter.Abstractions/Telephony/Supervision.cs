namespace HotlineCenter.Abstractions.Telephony;

/// <summary>What a supervisor can do to a live call (domain.md §3.6).</summary>
public enum SupervisionAction
{
    /// <summary>Listen in, muted.</summary>
    Monitor = 0,
    /// <summary>Speak to the counsellor only.</summary>
    Whisper = 1,
    /// <summary>Join the conversation.</summary>
    Barge = 2,
    Hold = 3,
    Unhold = 4,
    /// <summary>Bring in an outside party (110/120 dispatcher, hospital, guardian) by number.</summary>
    AddParty = 5,
    HangUp = 6,
    /// <summary>Mute the counsellor's own leg (the caller no longer hears them).</summary>
    Mute = 7,
    Unmute = 8,
}

/// <param name="SupervisorId">Who acts (their browser softphone identity).</param>
/// <param name="CounselorLegId">The counsellor's leg, needed to whisper to them.</param>
/// <param name="PartyNumber">E.164 number of the outside party, for <see cref="SupervisionAction.AddParty"/>.</param>
public sealed record SupervisionRequest(SupervisionAction Action, string SupervisorId, string? CounselorLegId, string? PartyNumber);
