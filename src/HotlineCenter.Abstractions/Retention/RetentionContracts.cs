using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Retention;

/// <summary>What a grain answers the retention purge.</summary>
[GenerateSerializer]
public enum PurgeOutcome
{
    /// <summary>Nothing is stored (never was, or purged before).</summary>
    Gone = 0,
    /// <summary>It was past retention and is deleted now.</summary>
    Purged = 1,
    /// <summary>It is still needed (not past retention, or open) and stays.</summary>
    Kept = 2,
}

/// <summary>One call of a day's retention index: its id (the key of its call, record, case and follow-up) and when it arrived.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.retention-entry")]
public sealed record RetentionEntry(
    [property: Id(0)] string CallId,
    [property: Id(1)] DateTimeOffset ArrivedAt,
    [property: Id(2)] bool RecordingsPurged);

/// <summary>What one purge run removed, in counts only (it is audited as such).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.retention-run")]
public sealed record RetentionRun(
    [property: Id(0)] string CentreId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] DateTimeOffset RecordsCutoff,
    [property: Id(3)] DateTimeOffset RecordingsCutoff,
    [property: Id(4)] int Calls,
    [property: Id(5)] int Records,
    [property: Id(6)] int CrisisCases,
    [property: Id(7)] int FollowUps,
    [property: Id(8)] int Recordings,
    [property: Id(9)] int Kept,
    [property: Id(10)] int RecordingsFailed,
    [property: Id(11)] int DaysDropped)
{
    /// <summary>The audit entry's detail: counts only, never an id of what was removed.</summary>
    public string AuditDetail =>
        $"calls={Calls} records={Records} crisis-cases={CrisisCases} follow-ups={FollowUps} recordings={Recordings} kept={Kept} recordings-failed={RecordingsFailed} days={DaysDropped}";
}

/// <summary>
/// The calls that arrived at a centre on one China day (key: <c>centre/yyyy-MM-dd</c>), so the purge finds what exists by
/// date without scanning storage. Appended one-way when a call arrives; awaits nobody (its first entry tells the centre's
/// <see cref="IRetentionGrain"/> one-way that the day exists).
/// </summary>
[Alias("hotline.retention-index")]
public interface IRetentionIndexGrain : IGrainWithStringKey
{
    [Alias("add"), OneWay]
    Task AddAsync(string callId, DateTimeOffset arrivedAt);

    [Alias("list"), ReadOnly]
    Task<ImmutableArray<RetentionEntry>> ListAsync();

    /// <summary>The calls whose recordings the provider deleted (or never had).</summary>
    [Alias("recordings-purged")]
    Task MarkRecordingsPurgedAsync(ImmutableArray<string> callIds);

    /// <summary>Removes calls of which nothing is left; answers how many remain (an empty day is deleted).</summary>
    [Alias("remove")]
    Task<int> RemoveAsync(ImmutableArray<string> callIds);
}

/// <summary>
/// A centre's scheduled purge (key: centre id): a daily Redis reminder (registered at start-up for every centre) removes
/// exactly what is past the centre's retention — calls, contact records, closed crisis cases, finished follow-ups and
/// their index entries; recordings through the provider after the recording retention — and audits each run with counts.
/// Statistics are anonymous aggregates and stay. Awaits the per-call grains, the day indexes, the caseload, the crisis
/// index, the provider's recordings and the audit log; nothing awaits it back.
/// </summary>
[Alias("hotline.retention")]
public interface IRetentionGrain : IGrainWithStringKey
{
    /// <summary>Registers the daily reminder (idempotent).</summary>
    [Alias("ensure-scheduled")]
    Task EnsureScheduledAsync();

    /// <summary>A day index received its first call.</summary>
    [Alias("day-opened"), OneWay]
    Task DayOpenedAsync(DateOnly day);

    /// <summary>Runs the purge now (what the reminder does), audits it, and answers what it removed.</summary>
    [Alias("purge-now")]
    Task<RetentionRun> PurgeNowAsync();

    [Alias("last-run"), ReadOnly]
    Task<RetentionRun?> GetLastRunAsync();

    /// <summary>The China days with an index, oldest first.</summary>
    [Alias("days"), ReadOnly]
    Task<ImmutableArray<DateOnly>> GetDaysAsync();
}
