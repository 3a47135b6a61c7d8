using System.Collections.Immutable;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Retention;
using HotlineCenter.Abstractions.Telephony;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Retention;

[GenerateSerializer]
[Alias("hotline.retention-state")]
public sealed class RetentionState
{
    /// <summary>China days with a day index (calls arrived), oldest first.</summary>
    [Id(0)] public List<DateOnly> Days { get; set; } = [];
    /// <summary>Days whose every recording is deleted at the provider: read again only once their records are due.</summary>
    [Id(1)] public HashSet<DateOnly> RecordingsDone { get; set; } = [];
    [Id(2)] public RetentionRun? LastRun { get; set; }
}

/// <summary>
/// A centre's retention purge (key: centre id), woken daily by a Redis reminder so it runs after any restart. It reads the
/// day indexes that began before the cutoffs, asks the provider to delete recordings past the recording retention, and
/// removes each call's crisis case (closed only), follow-up (done or closed only), record and call past the record
/// retention, each grain checking on its own state that it is due (<see cref="RetentionRules"/>). A call leaves its day
/// index once nothing of it is left; what is still needed stays and is tried again the next day. Each run is audited
/// with counts. Nothing awaits this grain; it awaits the per-call grains, the indexes, the provider and the audit log.
/// </summary>
public sealed class RetentionGrain(
    [PersistentState("retention", StorageNames.Hotline)] IPersistentState<RetentionState> state,
    HotlineTime time,
    IServiceProvider services,
    ILogger<RetentionGrain> logger) : Grain, IRetentionGrain, IRemindable
{
    public const string Reminder = "retention-purge";
    private static readonly TimeSpan ProviderBudget = TimeSpan.FromSeconds(15);

    private string CentreId => this.GetPrimaryKeyString();

    private RetentionState S => state.State;

    public async Task EnsureScheduledAsync()
    {
        Keys.RequireId(CentreId, "centre");
        if (await this.GetReminder(Reminder) is null)
        {
            await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(5), RetentionRules.RunEvery);
        }
    }

    public async Task DayOpenedAsync(DateOnly day)
    {
        if (S.Days.Contains(day))
        {
            return;
        }

        S.Days.Add(day);
        S.Days.Sort();
        await state.WriteStateAsync();

        // A centre configured after start-up is scheduled by its first call.
        await EnsureScheduledAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => PurgeNowAsync();

    public Task<RetentionRun?> GetLastRunAsync() => Task.FromResult(S.LastRun);

    public Task<ImmutableArray<DateOnly>> GetDaysAsync() => Task.FromResult(S.Days.ToImmutableArray());

    public async Task<RetentionRun> PurgeNowAsync()
    {
        Keys.RequireId(CentreId, "centre");
        var config = await GrainFactory.GetGrain<ICentreGrain>(CentreId).GetConfigAsync();
        var now = time.Now;
        var recordsCutoff = RetentionRules.RecordsCutoff(now, config);
        var recordingsCutoff = RetentionRules.RecordingsCutoff(now, config);
        var counts = new Counts();
        foreach (var day in RetentionRules.DaysToScan(S.Days, recordingsCutoff > recordsCutoff ? recordingsCutoff : recordsCutoff).ToList())
        {
            var recordsDue = ChinaTime.StartOfDay(day) <= recordsCutoff;
            if (!recordsDue && S.RecordingsDone.Contains(day))
            {
                continue;
            }

            await PurgeDayAsync(day, recordsCutoff, recordingsCutoff, counts);
        }

        var run = new RetentionRun(CentreId, now, recordsCutoff, recordingsCutoff, counts.Calls, counts.Records, counts.Cases, counts.FollowUps,
            counts.Recordings, counts.Kept, counts.RecordingsFailed, counts.Days);
        S.LastRun = run;
        await state.WriteStateAsync();
        await AuditAsync(run);
        logger.LogInformation("Retention purge of centre {CentreId}: {Counts}", CentreId, run.AuditDetail);
        return run;
    }

    private async Task PurgeDayAsync(DateOnly day, DateTimeOffset recordsCutoff, DateTimeOffset recordingsCutoff, Counts counts)
    {
        var index = GrainFactory.GetGrain<IRetentionIndexGrain>(RetentionRules.DayKey(CentreId, day));
        var entries = await index.ListAsync();
        var recordingsPurged = new List<string>();
        var gone = new List<string>();
        var recordingsPending = false;
        foreach (var entry in entries)
        {
            var recordingsGone = entry.RecordingsPurged;
            if (!recordingsGone && RetentionRules.PastRetention(entry.ArrivedAt, recordingsCutoff))
            {
                recordingsGone = await PurgeRecordingsAsync(entry.CallId, counts);
                if (recordingsGone)
                {
                    recordingsPurged.Add(entry.CallId);
                }
            }

            recordingsPending |= !recordingsGone;
            if (!RetentionRules.PastRetention(entry.ArrivedAt, recordsCutoff))
            {
                continue;
            }

            // A recording the provider still holds keeps its call (the metadata says what to delete next time).
            if (recordingsGone && await PurgeCallAsync(entry.CallId, recordsCutoff, counts))
            {
                gone.Add(entry.CallId);
            }
            else
            {
                counts.Kept++;
            }
        }

        if (recordingsPurged.Count > 0)
        {
            await index.MarkRecordingsPurgedAsync([.. recordingsPurged]);
        }

        if (!recordingsPending && S.RecordingsDone.Add(day))
        {
            await state.WriteStateAsync();
        }

        if (gone.Count > 0 || entries.IsEmpty)
        {
            var remaining = entries.IsEmpty ? 0 : await index.RemoveAsync([.. gone]);
            if (remaining == 0)
            {
                S.Days.Remove(day);
                S.RecordingsDone.Remove(day);
                counts.Days++;
                await state.WriteStateAsync();
            }
        }
    }

    /// <summary>The call's case, follow-up, record and call itself, each if due; true when nothing of the call is left.</summary>
    private async Task<bool> PurgeCallAsync(string callId, DateTimeOffset cutoff, Counts counts)
    {
        try
        {
            var crisisCase = await GrainFactory.GetGrain<ICrisisCaseGrain>(CrisisKeys.CaseId(callId)).PurgeAsync(cutoff);
            var followUp = await GrainFactory.GetGrain<IFollowUpGrain>(callId).PurgeAsync(cutoff);
            var record = await GrainFactory.GetGrain<IContactRecordGrain>(callId).PurgeAsync(cutoff);
            var call = await GrainFactory.GetGrain<ICallGrain>(callId).PurgeAsync(cutoff);
            counts.Cases += crisisCase == PurgeOutcome.Purged ? 1 : 0;
            counts.FollowUps += followUp == PurgeOutcome.Purged ? 1 : 0;
            counts.Records += record == PurgeOutcome.Purged ? 1 : 0;
            counts.Calls += call == PurgeOutcome.Purged ? 1 : 0;
            if (crisisCase == PurgeOutcome.Purged || followUp == PurgeOutcome.Purged)
            {
                await GrainFactory.GetGrain<ICaseloadGrain>(CentreId).ForgetCallAsync(callId);
            }

            return crisisCase != PurgeOutcome.Kept && followUp != PurgeOutcome.Kept && record != PurgeOutcome.Kept && call != PurgeOutcome.Kept;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Tried again on the next run; the call stays in its day index meanwhile.
            logger.LogError(ex, "Retention purge of call {CallId} at centre {CentreId} failed; retried on the next run", callId, CentreId);
            return false;
        }
    }

    /// <summary>
    /// Asks the provider to delete the call's recordings; with no provider holding recordings (the simulated one) only the
    /// metadata goes. True when the call has no recording left; a refusal is logged with the provider's code only.
    /// </summary>
    private async Task<bool> PurgeRecordingsAsync(string callId, Counts counts)
    {
        var call = GrainFactory.GetGrain<ICallGrain>(callId);
        var recordings = (await call.GetAsync()).Recordings;
        if (recordings.IsDefaultOrEmpty)
        {
            return true;
        }

        var source = services.GetService<IRecordingSource>();
        var deleted = new List<string>();
        foreach (var recording in recordings)
        {
            if (source is not null)
            {
                try
                {
                    using var budget = new CancellationTokenSource(ProviderBudget);
                    await source.DeleteAsync(recording.RecordingSid, budget.Token);
                }
                catch (Exception ex) when (ex is TelephonyRefusedException or OperationCanceledException)
                {
                    counts.RecordingsFailed++;
                    logger.LogWarning("Recording {RecordingSid} of call {CallId}: the provider did not delete it ({Code}); retried on the next run",
                        recording.RecordingSid, callId, (ex as TelephonyRefusedException)?.ProviderCode ?? "timeout");
                    continue;
                }
            }

            deleted.Add(recording.RecordingSid);
        }

        if (deleted.Count > 0)
        {
            await call.RecordingsDeletedAsync([.. deleted]);
            counts.Recordings += deleted.Count;
        }

        return deleted.Count == recordings.Length;
    }

    private async Task AuditAsync(RetentionRun run)
    {
        try
        {
            await GrainFactory.GetGrain<IAuditLogGrain>(CentreId).AppendAsync(new AuditEvent(
                AuditChains.SystemActor, [], AuditKind.Purge, $"retention:{CentreId}", null, AuditOutcome.Succeeded, run.AuditDetail));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Retention purge of centre {CentreId} could not be audited", CentreId);
        }
    }

    private sealed class Counts
    {
        public int Calls;
        public int Records;
        public int Cases;
        public int FollowUps;
        public int Recordings;
        public int Kept;
        public int RecordingsFailed;
        public int Days;
    }
}
