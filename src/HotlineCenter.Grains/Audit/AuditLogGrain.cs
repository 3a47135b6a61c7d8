using HotlineCenter.Abstractions.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Audit;

[GenerateSerializer]
[Alias("hotline.audit-log-state")]
public sealed class AuditLogState
{
    /// <summary>The oldest segment kept (raised by a purge).</summary>
    [Id(0)] public long FirstSegment { get; set; } = 1;
    /// <summary>The open segment entries are appended to.</summary>
    [Id(1)] public long CurrentSegment { get; set; } = 1;
    /// <summary>Sealed segments still kept, oldest first.</summary>
    [Id(2)] public List<AuditSegmentInfo> Sealed { get; set; } = [];
    /// <summary>Left by the last purge: where the kept chain starts.</summary>
    [Id(3)] public AuditCheckpoint? Checkpoint { get; set; }
    /// <summary>Segments below this are deleted from storage (a purge stores its checkpoint first, then deletes).</summary>
    [Id(4)] public long ClearedBelow { get; set; } = 1;
}

/// <summary>
/// The audit log of one chain. Non-reentrant: one append at a time, each linked to the one before and stored in the
/// open segment before the call returns. The open segment is the only record of the chain's head, so the index is
/// written only when a segment is sealed or purged, and an activation rebuilds the head from the open segment
/// (sealing it first if a crash left it full). A reminder (Redis in production) runs the purge.
/// Awaits only its own segments; nothing it awaits calls it.
/// </summary>
public sealed class AuditLogGrain(
    [PersistentState("log", StorageNames.Audit)] IPersistentState<AuditLogState> state,
    HotlineTime time,
    AuditSigner signer,
    IOptions<AuditOptions> options,
    ILogger<AuditLogGrain> logger) : Grain, IAuditLogGrain, IRemindable
{
    public const string PurgeReminder = "audit-purge";

    private long _next = 1;
    private string _lastHash = AuditChain.Genesis;
    private AuditEntry? _first;
    private AuditEntry? _last;
    private int _count;
    private bool _reminderRegistered;

    private string ChainId => this.GetPrimaryKeyString();

    private AuditLogState S => state.State;

    private AuditOptions Options => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Keys.RequireId(ChainId, "audit chain");
        await RebuildHeadAsync();
        if (_next > 1)
        {
            await EnsurePurgeReminderAsync();
        }
    }

    public Task<AuditReceipt> AppendAsync(AuditEvent entry)
    {
        var problems = AuditEventRules.Problems(entry);
        return problems.Count > 0
            ? throw new HotlineRuleException("audit.invalid-entry", "The audit entry is refused: " + string.Join("; ", problems) + ".")
            : AppendCoreAsync(entry);
    }

    public Task<AuditIndex> GetIndexAsync() => Task.FromResult(Index());

    public async Task<AuditIndex> ReadStoredIndexAsync()
    {
        await state.ReadStateAsync();
        return Index();
    }

    public async Task<AuditPurgeResult> PurgeExpiredAsync()
    {
        var cutoff = time.Now - TimeSpan.FromDays(Options.RetentionDays);
        var expired = S.Sealed.Where(s => s.Segment >= S.FirstSegment).OrderBy(s => s.Segment).TakeWhile(s => s.LastAt < cutoff).ToList();
        if (expired.Count == 0)
        {
            await DeleteDroppedAsync();
            return new AuditPurgeResult(0, null, S.Checkpoint);
        }

        var last = expired[^1];

        // The checkpoint is stored before any segment is deleted: a crash in between leaves orphans, never a gap.
        S.Checkpoint = AuditChain.Checkpoint(ChainId, last.LastSequence, last.LastHash, last.Segment + 1, time.Now, signer);
        S.FirstSegment = last.Segment + 1;
        S.Sealed.RemoveAll(s => s.Segment <= last.Segment);
        await state.WriteStateAsync();
        await DeleteDroppedAsync();
        logger.LogInformation("Audit chain {ChainId}: purged segments {First}-{Last} (entries through {Sequence}) past {RetentionDays} days", ChainId, expired[0].Segment, last.Segment, last.LastSequence, Options.RetentionDays);
        await AppendCoreAsync(new AuditEvent(
            AuditChains.SystemActor, [], AuditKind.Purge, $"{expired[0].Segment}-{last.Segment}", null, AuditOutcome.Succeeded,
            $"segments={expired.Count} through-sequence={last.LastSequence} retention-days={Options.RetentionDays}"));
        return new AuditPurgeResult(expired.Count, last.LastSequence, S.Checkpoint);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == PurgeReminder)
        {
            await PurgeExpiredAsync();
        }
    }

    private async Task<AuditReceipt> AppendCoreAsync(AuditEvent @event)
    {
        var entry = AuditChain.Link(ChainId, _next, time.Now, @event, _lastHash);
        await Segment(S.CurrentSegment).AppendAsync(entry);
        Track(entry);
        await EnsurePurgeReminderAsync();
        if (_count >= Options.SegmentSize)
        {
            try
            {
                await SealOpenSegmentAsync();
            }
            catch (Exception ex)
            {
                // The entry is stored; the next activation seals the full segment from what is stored.
                logger.LogError(ex, "Audit chain {ChainId}: sealing segment {Segment} failed; it is sealed on the next activation", ChainId, S.CurrentSegment);
                DeactivateOnIdle();
            }
        }

        return new AuditReceipt(ChainId, entry.Sequence, entry.Hash);
    }

    /// <summary>The head from the open segment: sealed-but-unrecorded and full-but-unsealed segments (a crash) are finished first.</summary>
    private async Task RebuildHeadAsync()
    {
        var open = await Segment(S.CurrentSegment).GetAsync();
        if (open.Seal is not null && !open.Entries.IsDefaultOrEmpty)
        {
            S.Sealed.Add(InfoOf(open, open.Entries[0], open.Entries[^1]));
            S.CurrentSegment++;
            await state.WriteStateAsync();
            open = await Segment(S.CurrentSegment).GetAsync();
        }

        (_first, _last, _count) = (null, null, 0);
        if (S.Sealed.LastOrDefault() is { } sealedLast)
        {
            (_next, _lastHash) = (sealedLast.LastSequence + 1, sealedLast.LastHash);
        }
        else if (S.Checkpoint is { } checkpoint)
        {
            (_next, _lastHash) = (checkpoint.LastSequence + 1, checkpoint.LastHash);
        }

        foreach (var entry in open.Entries)
        {
            Track(entry);
        }

        if (_count >= Options.SegmentSize)
        {
            await SealOpenSegmentAsync();
        }
    }

    private async Task SealOpenSegmentAsync()
    {
        var seal = AuditChain.Seal(ChainId, S.CurrentSegment, _first!, _last!, time.Now, signer);
        await Segment(S.CurrentSegment).SealAsync(seal);
        S.Sealed.Add(new AuditSegmentInfo(S.CurrentSegment, _first!.Sequence, _last!.Sequence, _first.At, _last.At, _last.Hash, Sealed: true));
        S.CurrentSegment++;
        (_first, _last, _count) = (null, null, 0);
        await state.WriteStateAsync();
    }

    /// <summary>A chain gets its purge reminder with its first entry: reading a chain that does not exist (a mistyped id) leaves nothing behind.</summary>
    private async Task EnsurePurgeReminderAsync()
    {
        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(PurgeReminder, Options.PurgeInterval, Options.PurgeInterval);
            _reminderRegistered = true;
        }
    }

    private void Track(AuditEntry entry)
    {
        _first ??= entry;
        _last = entry;
        _count++;
        (_next, _lastHash) = (entry.Sequence + 1, entry.Hash);
    }

    private async Task DeleteDroppedAsync()
    {
        if (S.ClearedBelow >= S.FirstSegment)
        {
            return;
        }

        for (var segment = S.ClearedBelow; segment < S.FirstSegment; segment++)
        {
            await Segment(segment).DropAsync();
        }

        S.ClearedBelow = S.FirstSegment;
        await state.WriteStateAsync();
    }

    private AuditIndex Index()
    {
        var segments = S.Sealed.Where(s => s.Segment >= S.FirstSegment).ToList();
        if (_first is not null && _last is not null)
        {
            segments.Add(new AuditSegmentInfo(S.CurrentSegment, _first.Sequence, _last.Sequence, _first.At, _last.At, _last.Hash, Sealed: false));
        }

        return new AuditIndex(ChainId, S.FirstSegment, S.CurrentSegment, _next - 1, _lastHash, [.. segments], S.Checkpoint);
    }

    private static AuditSegmentInfo InfoOf(AuditSegmentView segment, AuditEntry first, AuditEntry last) =>
        new(segment.Segment, first.Sequence, last.Sequence, first.At, last.At, last.Hash, Sealed: true);

    private IAuditSegmentGrain Segment(long number) => GrainFactory.GetGrain<IAuditSegmentGrain>(AuditChains.SegmentKey(ChainId, number));
}
