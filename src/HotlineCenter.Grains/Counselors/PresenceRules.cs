using HotlineCenter.Abstractions.Counselors;

namespace HotlineCenter.Grains.Counselors;

/// <summary>The presence state machine: which moves are legal, and which a counsellor may make by hand.</summary>
public static class PresenceRules
{
    private static readonly PresenceState[] SelfService =
    [
        PresenceState.Offline, PresenceState.Available, PresenceState.Break,
        PresenceState.Training, PresenceState.Supervision,
    ];

    /// <summary>States a counsellor (or supervisor) may choose; the rest are entered by the routing flow.</summary>
    public static bool IsSelfServiceTarget(PresenceState target) => Array.IndexOf(SelfService, target) >= 0;

    /// <summary>True when <paramref name="from"/> → <paramref name="to"/> is a legal move.</summary>
    public static bool CanMove(PresenceState from, PresenceState to) => (from, to) switch
    {
        _ when from == to => false,
        // Signing in goes to work (Available) or to a non-call duty; nobody signs in straight onto a break.
        (PresenceState.Offline, PresenceState.Available or PresenceState.Training or PresenceState.Supervision) => true,
        (PresenceState.Available, PresenceState.Offered) => true,
        (PresenceState.Available or PresenceState.Break or PresenceState.Training or PresenceState.Supervision
            or PresenceState.NotResponding or PresenceState.WrapUp, _) when IsSelfServiceTarget(to) => true,
        (PresenceState.Offered, PresenceState.OnCall or PresenceState.Available or PresenceState.NotResponding) => true,
        (PresenceState.OnCall, PresenceState.WrapUp or PresenceState.Decompression) => true,
        // Decompression ends by its clock or a supervisor (to Available), or by signing out.
        (PresenceState.Decompression, PresenceState.Available or PresenceState.Offline) => true,
        _ => false,
    };

    /// <summary>
    /// May the counsellor themself make this move? Not out of Decompression (only its clock or a supervisor ends it),
    /// except signing out at the end of a shift.
    /// </summary>
    public static bool MayChooseFrom(PresenceState from, PresenceState target) =>
        from != PresenceState.Decompression || target == PresenceState.Offline;

    /// <summary>Where a counsellor goes when a call ends: Decompression after a crisis call when the centre has it, else wrap-up.</summary>
    public static PresenceState AfterCall(CallEndFacts? facts) =>
        facts is { WasCrisis: true, DecompressionMinutes: > 0 } ? PresenceState.Decompression : PresenceState.WrapUp;
}
