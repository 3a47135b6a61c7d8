using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;

namespace HotlineCenter.Abstractions.Caseload;

/// <summary>What happened when a counsellor tried to reach the caller.</summary>
[GenerateSerializer]
public enum FollowUpOutcome
{
    Reached = 0,
    NotReached = 1,
    /// <summary>Someone else answered: calling again is pointless, the supervisor decides at once.</summary>
    WrongNumber = 2,
}

/// <summary>What the telephony provider reports of a follow-up dial to the caller's number (its final status).</summary>
[GenerateSerializer]
public enum FollowUpDialOutcome
{
    /// <summary>The caller's phone was picked up (by someone: the counsellor says whether it was the caller).</summary>
    Answered = 0,
    /// <summary>Picked up, then ended.</summary>
    Completed = 1,
    Busy = 2,
    /// <summary>Rang out unanswered (or the dial was cancelled before anyone answered).</summary>
    NoAnswer = 3,
    /// <summary>The dial could not be placed, or the network failed it.</summary>
    Failed = 4,
}

/// <summary>One attempt to reach the caller.</summary>
/// <param name="By">The counsellor who recorded it, or <c>provider</c> for a dial the provider reported unanswered.</param>
/// <param name="Dial">Which dial from the desk it records (1, 2, …); 0 for an attempt not tied to one.</param>
[GenerateSerializer, Immutable]
[Alias("hotline.follow-up-attempt")]
public sealed record FollowUpAttemptEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] FollowUpOutcome Outcome,
    [property: Id(3)] string? Note,
    [property: Id(4)] int Dial = 0);

/// <summary>What scheduling a follow-up needs: the item, its centre, and the caller reference (with the encrypted number) to dial.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.follow-up-schedule")]
public sealed record FollowUpSchedule(
    [property: Id(0)] string CentreId,
    [property: Id(1)] FollowUpItem Item,
    [property: Id(2)] CallerRef? Caller);

/// <summary>A follow-up as its grain keeps it: the item, its attempts and who held it. Never the number.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.follow-up-detail")]
public sealed record FollowUpDetail(
    [property: Id(0)] string CentreId,
    [property: Id(1)] FollowUpItem Item,
    [property: Id(2)] ImmutableArray<FollowUpAttemptEntry> Attempts,
    [property: Id(3)] ImmutableArray<string> PreviousCounselors);

/// <summary>Follow-ups grouped by what they need now (the lists the desk, wallboard and handover show).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.follow-up-board")]
public sealed record FollowUpBoard(
    [property: Id(0)] string CentreId,
    [property: Id(1)] DateTimeOffset At,
    // Past the due time, within the grace.
    [property: Id(2)] ImmutableArray<FollowUpItem> DueNow,
    // Past the grace and still open: the supervisor's.
    [property: Id(3)] ImmutableArray<FollowUpItem> Overdue,
    // Failed attempts escalated it: the supervisor reassigns or closes.
    [property: Id(4)] ImmutableArray<FollowUpItem> Escalated,
    [property: Id(5)] ImmutableArray<FollowUpItem> Upcoming,
    // Reached or closed in the last two days, newest first.
    [property: Id(6)] ImmutableArray<FollowUpItem> DoneRecently);

/// <summary>
/// One follow-up (回访), keyed by the call id it follows. It owns its attempts and a durable reminder that fires
/// at the due time and at the end of the grace, raising the due and overdue alerts; the centre's caseload keeps the index.
/// </summary>
[Alias("hotline.follow-up-grain")]
public interface IFollowUpGrain : IGrainWithStringKey
{
    /// <summary>Creates the follow-up (idempotent; an earlier due time wins) and arms its reminder.</summary>
    [Alias("schedule")]
    Task<FollowUpDetail> ScheduleAsync(FollowUpSchedule schedule);

    /// <summary>The assigned counsellor calls the caller back from the desk; the number is decrypted on the server for the dial only.</summary>
    [Alias("dial")]
    Task<FollowUpDetail> DialAsync(string counselorId);

    /// <summary>Records an attempt by the assigned counsellor: reached closes it; N failures or a wrong number escalate it.</summary>
    [Alias("record-outcome")]
    Task<FollowUpDetail> RecordOutcomeAsync(string counselorId, FollowUpOutcome outcome, string? note);

    /// <summary>
    /// The provider's final status of dial <paramref name="dial"/> to the caller's number. Kept on the follow-up; busy, no
    /// answer or failed counts as that dial's failed attempt unless the counsellor recorded the dial already, and the
    /// counsellor's own record of the dial later takes its place. Applied once per dial.
    /// </summary>
    [Alias("apply-dial-outcome")]
    Task<FollowUpDetail> ApplyDialOutcomeAsync(int dial, FollowUpDialOutcome outcome);

    /// <summary>The supervisor hands it to another counsellor of the centre (attempts start again).</summary>
    [Alias("reassign")]
    Task<FollowUpDetail> ReassignAsync(string supervisorId, string toCounselorId);

    /// <summary>The supervisor closes it with a reason.</summary>
    [Alias("close")]
    Task<FollowUpDetail> CloseAsync(string supervisorId, string reason);

    /// <summary>Drops the encrypted number (retention purge); the follow-up stays, but can no longer be dialled.</summary>
    [Alias("forget-number")]
    Task<FollowUpDetail> ForgetNumberAsync(string by);

    [Alias("get"), ReadOnly]
    Task<FollowUpDetail> GetAsync();

    /// <summary>The retention purge: a follow-up done or closed at or before <paramref name="cutoff"/> is deleted; an open one stays.</summary>
    [Alias("purge")]
    Task<Retention.PurgeOutcome> PurgeAsync(DateTimeOffset cutoff);
}
