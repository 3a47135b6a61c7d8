using HotlineCenter.Abstractions.Audit;

namespace HotlineCenter.Grains.Audit;

[GenerateSerializer]
[Alias("hotline.audit-segment-state")]
public sealed class AuditSegmentState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
    [Id(1)] public AuditSeal? Seal { get; set; }
}

/// <summary>
/// Up to a segment's worth of a chain's entries, stored as one value (key <c>chain/00000001</c>). Only its log grain
/// writes it. Searches read what this activation holds; verification re-reads the stored value, so a change made
/// to Redis behind the grain's back is what gets checked. Sealed segments are never written again; they are read
/// rarely, so their activations are collected early.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class AuditSegmentGrain(
    [PersistentState("segment", StorageNames.Audit)] IPersistentState<AuditSegmentState> state) : Grain, IAuditSegmentGrain
{
    private long Number => long.Parse(this.GetPrimaryKeyString().AsSpan()[(this.GetPrimaryKeyString().LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public async Task AppendAsync(AuditEntry entry)
    {
        if (state.State.Seal is not null)
        {
            throw new HotlineRuleException("audit.segment-sealed", $"Audit segment {this.GetPrimaryKeyString()} is sealed.");
        }

        if (state.State.Entries.Count > 0 && entry.Sequence != state.State.Entries[^1].Sequence + 1)
        {
            throw new HotlineRuleException("audit.out-of-order", $"Entry {entry.Sequence} does not follow {state.State.Entries[^1].Sequence}.");
        }

        state.State.Entries.Add(entry);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not appended: the log grain retries with the same sequence number.
            state.State.Entries.RemoveAt(state.State.Entries.Count - 1);
            throw;
        }
    }

    public async Task SealAsync(AuditSeal seal)
    {
        if (state.State.Seal is not null)
        {
            return;
        }

        state.State.Seal = seal;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Seal = null;
            throw;
        }
    }

    public Task<AuditSegmentView> GetAsync() => Task.FromResult(View());

    public async Task<AuditSegmentView> ReadStoredAsync()
    {
        await state.ReadStateAsync();
        return View();
    }

    public async Task DropAsync()
    {
        await state.ClearStateAsync();
        state.State = new AuditSegmentState();
        DeactivateOnIdle();
    }

    private AuditSegmentView View() => new(Number, [.. state.State.Entries], state.State.Seal);
}
