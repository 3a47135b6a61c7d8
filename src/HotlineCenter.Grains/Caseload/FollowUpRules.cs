using System.Collections.Immutable;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Grains.Caseload;

/// <summary>Where a follow-up stands at a moment.</summary>
public enum FollowUpPhase
{
    Upcoming = 0,
    DueNow = 1,
    Overdue = 2,
    Escalated = 3,
    Done = 4,
}

/// <summary>Follow-up deadlines by risk (domain.md §5): imminent/high within 24 h, moderate within 72 h; attempts, escalation and the lists.</summary>
public static class FollowUpRules
{
    public const int AttemptsBeforeEscalation = 3;
    public const int DefaultOverdueGraceMinutes = 120;
    public const int DefaultCallbackAttempts = 3;
    public const int DefaultCallbackRetrySeconds = 300;
    public static readonly TimeSpan DoneKept = TimeSpan.FromDays(2);

    public static DateTimeOffset? DueAt(RiskLevel risk, DateTimeOffset at) => risk switch
    {
        RiskLevel.High or RiskLevel.Imminent => at.AddHours(24),
        RiskLevel.Moderate => at.AddHours(72),
        _ => null,
    };

    /// <summary>A crisis case opens on a high or imminent assessment (or when a counsellor declares one).</summary>
    public static bool OpensCrisis(RiskLevel risk) => risk is RiskLevel.High or RiskLevel.Imminent;

    /// <summary>The centre's escalation count (0, or a configuration stored before the setting existed, reads as the default).</summary>
    public static int EscalateAfter(CentreConfig? config) => config?.FollowUpAttemptsBeforeEscalation is > 0 and var n ? n : AttemptsBeforeEscalation;

    public static TimeSpan OverdueGrace(CentreConfig? config) =>
        TimeSpan.FromMinutes(config?.FollowUpOverdueGraceMinutes is > 0 and var m ? m : DefaultOverdueGraceMinutes);

    public static int CallbackAttempts(CentreConfig? config) => config?.CallbackAttempts is > 0 and var n ? n : DefaultCallbackAttempts;

    public static TimeSpan CallbackRetry(CentreConfig? config) =>
        TimeSpan.FromSeconds(config?.CallbackRetrySeconds is > 0 and var s ? s : DefaultCallbackRetrySeconds);

    public static FollowUpPhase Phase(FollowUpItem item, DateTimeOffset now) => item.Status switch
    {
        FollowUpStatus.Done or FollowUpStatus.Closed => FollowUpPhase.Done,
        FollowUpStatus.Escalated => FollowUpPhase.Escalated,
        _ when now < item.DueAt => FollowUpPhase.Upcoming,
        _ when now < (item.OverdueAt ?? item.DueAt.AddMinutes(DefaultOverdueGraceMinutes)) => FollowUpPhase.DueNow,
        _ => FollowUpPhase.Overdue,
    };

    /// <summary>The item after an attempt: reached is done; a wrong number escalates at once; the N-th failure escalates.</summary>
    public static FollowUpItem AfterOutcome(FollowUpItem item, FollowUpOutcome outcome, DateTimeOffset now, int escalateAfter) => outcome switch
    {
        FollowUpOutcome.Reached => item with { Status = FollowUpStatus.Done, LastAttemptAt = now, ClosedAt = now, LastOutcome = outcome },
        FollowUpOutcome.WrongNumber => item with { Status = FollowUpStatus.Escalated, FailedAttempts = item.FailedAttempts + 1, LastAttemptAt = now, LastOutcome = outcome },
        _ => item with
        {
            FailedAttempts = item.FailedAttempts + 1,
            LastAttemptAt = now,
            LastOutcome = outcome,
            Status = item.FailedAttempts + 1 >= escalateAfter ? FollowUpStatus.Escalated : item.Status,
        },
    };

    /// <summary>When the follow-up's reminder must next look at it: the due time, then the end of the grace, then never.</summary>
    public static DateTimeOffset? NextCheck(FollowUpItem item, bool dueRaised, bool overdueRaised, DateTimeOffset now)
    {
        if (!item.IsOpen)
        {
            return null;
        }

        if (!dueRaised && item.Status == FollowUpStatus.Open)
        {
            return item.DueAt > now ? item.DueAt : now;
        }

        if (!overdueRaised && item.OverdueAt is { } overdue)
        {
            return overdue > now ? overdue : now;
        }

        return null;
    }

    /// <summary>Groups follow-ups for a screen: each list in the order it is worked (most urgent first; done newest first).</summary>
    public static FollowUpBoard Board(string centreId, IEnumerable<FollowUpItem> items, DateTimeOffset now)
    {
        var byPhase = items.GroupBy(i => Phase(i, now)).ToDictionary(g => g.Key, g => g.ToList());
        ImmutableArray<FollowUpItem> Of(FollowUpPhase phase) =>
            byPhase.TryGetValue(phase, out var list) ? [.. list.OrderBy(i => i.DueAt).ThenBy(i => i.CallId, StringComparer.Ordinal)] : [];
        var done = byPhase.TryGetValue(FollowUpPhase.Done, out var d)
            ? [.. d.Where(i => i.ClosedAt is { } c && c >= now - DoneKept).OrderByDescending(i => i.ClosedAt)]
            : ImmutableArray<FollowUpItem>.Empty;
        return new FollowUpBoard(centreId, now, Of(FollowUpPhase.DueNow), Of(FollowUpPhase.Overdue), Of(FollowUpPhase.Escalated), Of(FollowUpPhase.Upcoming), done);
    }

    /// <summary>Who an attempt the telephony provider reported (a dial nobody answered) is recorded by.</summary>
    public const string ProviderBy = "provider";

    /// <summary>
    /// Whether the provider's outcome of a dial counts as that dial's failed attempt: busy, no answer and failed do, unless
    /// the dial has an attempt already (the counsellor recorded it, or the provider reported it before). Picked up does
    /// not: only the counsellor knows whether it was the caller who answered.
    /// </summary>
    public static bool ProviderOutcomeCounts(IEnumerable<FollowUpAttemptEntry> attempts, int dial, FollowUpDialOutcome outcome) =>
        dial > 0
        && outcome is FollowUpDialOutcome.Busy or FollowUpDialOutcome.NoAnswer or FollowUpDialOutcome.Failed
        && !attempts.Any(a => a.Dial == dial);

    /// <summary>
    /// Which dial a counsellor's record belongs to, and the provider's attempt for that dial it takes the place of: the
    /// latest dial, unless a counsellor recorded it already (then the record stands alone, dial 0). The counsellor's word
    /// is the record; the provider's only fills in until they give it.
    /// </summary>
    public static (int Dial, int ReplacesAttempt) CounselorRecordFor(IReadOnlyList<FollowUpAttemptEntry> attempts, int dials)
    {
        if (dials <= 0 || attempts.Any(a => a.Dial == dials && a.By != ProviderBy))
        {
            return (0, -1);
        }

        return (dials, attempts.ToList().FindIndex(a => a.Dial == dials && a.By == ProviderBy));
    }

    public static string DueAlertId(string callId, string counselorId) => $"followup-due-{callId}-{counselorId}";

    public static string UnassignedAlertId(string callId) => $"followup-unassigned-{callId}";

    public static string OverdueAlertId(string callId) => $"followup-overdue-{callId}";

    public static string EscalatedAlertId(string callId) => $"followup-escalated-{callId}";
}
