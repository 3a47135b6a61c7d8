using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Grains.Retention;

/// <summary>
/// What the retention purge may remove at a time, and when a call may forget the caller's encrypted number, as plain code
/// (tables in tests/HotlineCenter.Grains.Tests/Rules/RetentionRulesTests.cs). Something is past retention when its
/// reference time is at or before the cutoff (now minus the retention), so it is kept at least the whole retention.
/// </summary>
public static class RetentionRules
{
    /// <summary>The reminder's period: the purge runs daily (and once soon after start-up).</summary>
    public static readonly TimeSpan RunEvery = TimeSpan.FromDays(1);

    /// <summary>Records, calls, crisis cases and follow-ups whose reference time is at or before this are past retention.</summary>
    public static DateTimeOffset RecordsCutoff(DateTimeOffset now, CentreConfig? config) =>
        now.AddYears(-(config?.EffectiveRecordRetentionYears ?? CentreConfig.DefaultRecordRetentionYears));

    /// <summary>Recordings of calls that arrived at or before this are past retention.</summary>
    public static DateTimeOffset RecordingsCutoff(DateTimeOffset now, CentreConfig? config) =>
        now.AddDays(-(config?.EffectiveRecordingRetentionDays ?? CentreConfig.DefaultRecordingRetentionDays));

    public static bool PastRetention(DateTimeOffset? at, DateTimeOffset cutoff) => at is { } t && t <= cutoff;

    /// <summary>A call is purged once it is over (ended or abandoned) and arrived at or before the cutoff; a live or stuck one stays.</summary>
    public static bool CallDue(Abstractions.Calls.CallStatus status, DateTimeOffset? arrivedAt, DateTimeOffset cutoff) =>
        status is Abstractions.Calls.CallStatus.Ended or Abstractions.Calls.CallStatus.Abandoned && PastRetention(arrivedAt, cutoff);

    /// <summary>A record is purged when every part was last saved at or before the cutoff (amendments do not restart the retention).</summary>
    public static bool RecordDue(IEnumerable<DateTimeOffset?> partsSavedAt, DateTimeOffset cutoff) =>
        partsSavedAt.All(at => at is null || at <= cutoff);

    /// <summary>A crisis case is purged only once closed, counted from its closing: an open case stays whatever its age.</summary>
    public static bool CaseDue(CaseStatus status, DateTimeOffset? closedAt, DateTimeOffset cutoff) =>
        status == CaseStatus.Closed && PastRetention(closedAt, cutoff);

    /// <summary>A follow-up is purged only once done or closed, counted from then: an open or escalated one stays.</summary>
    public static bool FollowUpDue(FollowUpItem item, DateTimeOffset cutoff) =>
        !item.IsOpen && PastRetention(item.ClosedAt ?? item.LastAttemptAt ?? item.DueAt, cutoff);

    /// <summary>The days whose index the purge reads: those that began at or before the cutoff (a later day has nothing past it).</summary>
    public static IEnumerable<DateOnly> DaysToScan(IEnumerable<DateOnly> days, DateTimeOffset cutoff) =>
        days.Where(d => ChinaTime.StartOfDay(d) <= cutoff).Order();

    /// <summary>The day index key of a call: the centre and the China day it arrived.</summary>
    public static string DayKey(string centreId, DateTimeOffset arrivedAt) => DayKey(centreId, ChinaTime.DayOf(arrivedAt));

    public static string DayKey(string centreId, DateOnly day) => $"{centreId}/{day:yyyy-MM-dd}";

    /// <summary>The centre and day of a day index key, or null when it is not one.</summary>
    public static (string CentreId, DateOnly Day)? ParseDayKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && DateOnly.TryParseExact(key[(slash + 1)..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            ? (key[..slash], day)
            : null;
    }

    /// <summary>
    /// Whether the call must still keep the caller's encrypted number: while it is live, while a keep-place callback is
    /// pending (the call dials it), and until every counsellor it was connected to has submitted their part of the record
    /// (a submitted part has handed the number to the follow-up or crisis case that needs it, which keep their own copy).
    /// </summary>
    public static bool CallNeedsNumber(Abstractions.Calls.CallStatus status, IReadOnlyCollection<string> counselorsInTurn, IReadOnlyCollection<string> partsSubmitted) =>
        status is not (Abstractions.Calls.CallStatus.Ended or Abstractions.Calls.CallStatus.Abandoned)
        || counselorsInTurn.Any(c => !partsSubmitted.Contains(c));
}
