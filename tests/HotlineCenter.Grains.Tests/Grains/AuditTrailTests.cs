using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains.Audit;
using HotlineCenter.Grains.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// The audit log against the real Redis: appends numbered, linked and persisted in sealed segments of four; the chain
/// check finds an entry changed, inserted or deleted in the stored values (rewritten here with StackExchange.Redis,
/// as someone with access to Redis would); the purge drops exactly the segments past retention behind a signed
/// checkpoint that the check trusts only while it is unaltered.
/// </summary>
[Collection(AuditClusterCollection.Name)]
public sealed class AuditTrailTests(AuditClusterFixture fixture)
{
    [Fact]
    public async Task Appends_are_numbered_linked_stored_in_segments_of_four_and_each_full_segment_is_sealed()
    {
        var chain = NewChain();

        var receipts = new List<AuditReceipt>();
        for (var i = 1; i <= 9; i++)
        {
            receipts.Add(await Log(chain).AppendAsync(Read("CA" + i)));
        }

        var index = await Log(chain).GetIndexAsync();
        var stored = await StoredAsync<AuditSegmentState>(SegmentKey(chain, 2));
        var verification = await VerifyAsync(chain);

        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), receipts.Select(r => r.Sequence));
        Assert.Equal((1L, 3L, 9L, receipts[^1].Hash), (index.FirstSegment, index.CurrentSegment, index.LastSequence, index.LastHash));
        Assert.Equal([(1L, 1L, 4L, true), (2L, 5L, 8L, true), (3L, 9L, 9L, false)], index.Segments.Select(s => (s.Segment, s.FirstSequence, s.LastSequence, s.Sealed)));
        Assert.Equal([5L, 6L, 7L, 8L], stored.Entries.Select(e => e.Sequence));
        Assert.Equal(receipts[3].Hash, stored.Entries[0].PreviousHash);
        Assert.Equal(["CA5", "CA6", "CA7", "CA8"], stored.Entries.Select(e => e.Target));
        Assert.Equal((8L, receipts[7].Hash, fixture.Signer.KeyId), (stored.Seal!.LastSequence, stored.Seal.LastHash, stored.Seal.KeyId));
        Assert.True(await fixture.Db.KeyExistsAsync(SegmentKey(chain, 3)));
        Assert.Equal((true, 9L, (long?)null), (verification.Intact, verification.EntriesChecked, verification.FirstBrokenSequence));
    }

    [Fact]
    public async Task Concurrent_appends_to_one_chain_are_serialised_into_one_unbroken_sequence()
    {
        var chain = NewChain();

        var receipts = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Log(chain).AppendAsync(Read("CA" + i))));
        var verification = await VerifyAsync(chain);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), receipts.Select(r => r.Sequence).Order());
        Assert.Equal((true, 30L), (verification.Intact, verification.EntriesChecked));
    }

    [Theory]
    [InlineData("modified", 6L, "entry-modified")]
    [InlineData("modified-in-open-segment", 10L, "entry-modified")]
    [InlineData("inserted", 6L, "entry-out-of-order")]
    [InlineData("deleted", 6L, "entry-missing")]
    [InlineData("deleted-last-of-sealed-segment", 8L, "entry-missing")]
    [InlineData("segment-deleted", 5L, "entry-missing")]
    [InlineData("seal-altered", 8L, "seal-invalid")]
    public async Task Chain_check_finds_the_first_broken_sequence_of_a_stored_entry_changed_behind_the_grains_back(string tampering, long brokenAt, string problem)
    {
        var chain = NewChain();
        for (var i = 1; i <= 10; i++)
        {
            await Log(chain).AppendAsync(Read("CA" + i));
        }

        var before = await VerifyAsync(chain);
        switch (tampering)
        {
            case "modified":
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Entries[1] = s.Entries[1] with { Target = "CA-someone-else" });
                break;
            case "modified-in-open-segment":
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 3), s => s.Entries[1] = s.Entries[1] with { Outcome = AuditOutcome.Refused });
                break;
            case "inserted":
                // A forger who knows the format: a well-formed entry 6 linked to entry 5, slipped in before the real 6.
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Entries.Insert(1, AuditChain.Link(chain, 6, fixture.Time.GetUtcNow(), Read("CA-forged"), s.Entries[0].Hash)));
                break;
            case "deleted":
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Entries.RemoveAt(1));
                break;
            case "deleted-last-of-sealed-segment":
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Entries.RemoveAt(3));
                break;
            case "segment-deleted":
                await fixture.Db.KeyDeleteAsync(SegmentKey(chain, 2));
                break;
            case "seal-altered":
                await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Seal = s.Seal! with { SealedAt = s.Seal.SealedAt.AddDays(1) });
                break;
        }

        var after = await VerifyAsync(chain);

        Assert.Equal((true, 10L), (before.Intact, before.EntriesChecked));
        Assert.Equal((false, (long?)brokenAt, problem), (after.Intact, after.FirstBrokenSequence, after.Problem));
        Assert.True(after.EntriesChecked < before.EntriesChecked);
    }

    [Fact]
    public async Task Entries_deleted_from_the_end_of_the_open_segment_are_found_against_the_head_the_log_holds()
    {
        var chain = NewChain();
        for (var i = 1; i <= 7; i++)
        {
            await Log(chain).AppendAsync(Read("CA" + i));
        }

        await RewriteAsync<AuditSegmentState>(SegmentKey(chain, 2), s => s.Entries.RemoveRange(1, 2));
        var after = await VerifyAsync(chain);

        Assert.Equal((false, (long?)6, "entry-missing"), (after.Intact, after.FirstBrokenSequence, after.Problem));
    }

    [Fact]
    public async Task A_new_activation_continues_the_chain_from_the_stored_open_segment()
    {
        var chain = NewChain();
        for (var i = 1; i <= 6; i++)
        {
            await Log(chain).AppendAsync(Read("CA" + i));
        }

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var next = await Log(chain).AppendAsync(Read("CA7"));
        var verification = await VerifyAsync(chain);

        Assert.Equal(7L, next.Sequence);
        Assert.Equal((true, 7L), (verification.Intact, verification.EntriesChecked));
    }

    [Fact]
    public async Task Malformed_events_are_refused_and_store_nothing()
    {
        var chain = NewChain();
        await Log(chain).AppendAsync(Read("CA1"));

        var name = await Assert.ThrowsAsync<HotlineRuleException>(() => Log(chain).AppendAsync(Read("王小明")));
        var number = await Assert.ThrowsAsync<HotlineRuleException>(() => Log(chain).AppendAsync(Read("+8613800000000")));
        var index = await Log(chain).GetIndexAsync();

        Assert.Equal(("audit.invalid-entry", "audit.invalid-entry"), (name.Code, number.Code));
        Assert.Equal(1L, index.LastSequence);
    }

    [Fact]
    public async Task Purge_drops_exactly_the_segments_past_retention_and_the_chain_verifies_from_its_signed_checkpoint_until_it_is_altered()
    {
        var chain = NewChain();
        var start = fixture.Time.GetUtcNow();
        await AppendAsync(chain, 4);                      // segment 1, sealed at start
        fixture.Time.Advance(TimeSpan.FromDays(100));
        await AppendAsync(chain, 4);                      // segment 2, sealed at start + 100 days
        await AppendAsync(chain, 1);                      // segment 3, open
        var reminder = await ReminderRowAsync(chain);

        fixture.Time.SetUtcNow(start.AddDays(189));
        var early = await Log(chain).PurgeExpiredAsync();
        fixture.Time.SetUtcNow(start.AddDays(191));
        var purged = await Log(chain).PurgeExpiredAsync();
        var index = await Log(chain).GetIndexAsync();
        var kept = await VerifyAsync(chain);
        var purgeEntry = (await fixture.Grains.GetGrain<IAuditSegmentGrain>(AuditChains.SegmentKey(chain, 3)).GetAsync()).Entries[^1];

        Assert.NotNull(reminder);
        Assert.Equal(0, early.SegmentsDropped);
        Assert.Equal((1, (long?)4), (purged.SegmentsDropped, purged.ThroughSequence));
        Assert.False(await fixture.Db.KeyExistsAsync(SegmentKey(chain, 1)));
        Assert.True(await fixture.Db.KeyExistsAsync(SegmentKey(chain, 2)));
        Assert.True(await fixture.Db.KeyExistsAsync(SegmentKey(chain, 3)));
        Assert.Equal((2L, 4L, 2L, fixture.Signer.KeyId), (index.FirstSegment, index.Checkpoint!.LastSequence, index.Checkpoint.FirstRetainedSegment, index.Checkpoint.KeyId));
        Assert.Equal((AuditKind.Purge, AuditChains.SystemActor, "1-1", 10L), (purgeEntry.Kind, purgeEntry.Actor, purgeEntry.Target, purgeEntry.Sequence));
        Assert.Equal((true, 6L, (long?)null), (kept.Intact, kept.EntriesChecked, kept.FirstBrokenSequence));

        // Moving the checkpoint to hide more (or fewer) entries breaks its signature.
        await RewriteAsync<AuditLogState>(LogKey(chain), s => s.Checkpoint = s.Checkpoint! with { LastSequence = 5 });
        var altered = await VerifyAsync(chain);
        await RewriteAsync<AuditLogState>(LogKey(chain), s => s.Checkpoint = null);
        var removed = await VerifyAsync(chain);

        Assert.Equal((false, (long?)6, "checkpoint-invalid"), (altered.Intact, altered.FirstBrokenSequence, altered.Problem));
        Assert.Equal((false, "checkpoint-invalid"), (removed.Intact, removed.Problem));
    }

    [Fact]
    public async Task A_checkpoint_signed_with_a_retired_key_still_verifies_and_one_with_an_unknown_key_does_not()
    {
        var chain = NewChain();
        var start = fixture.Time.GetUtcNow();
        await AppendAsync(chain, 5);
        fixture.Time.SetUtcNow(start.AddDays(200));
        await Log(chain).PurgeExpiredAsync();

        var rotated = await AuditVerifier.VerifyAsync(fixture.Grains, chain, new AuditSigner("a-new-audit-checkpoint-key-after-rotation-0123", [AuditClusterFixture.CheckpointKey]));
        var unknown = await AuditVerifier.VerifyAsync(fixture.Grains, chain, new AuditSigner("some-other-audit-checkpoint-key-0123456789abc"));

        Assert.True(rotated.Intact);
        Assert.Equal((false, "checkpoint-invalid"), (unknown.Intact, unknown.Problem));
    }

    [Fact]
    public async Task Verifying_a_chain_that_does_not_exist_finds_it_empty_and_leaves_no_reminder_or_value_behind()
    {
        var chain = NewChain();

        var verification = await VerifyAsync(chain);

        Assert.Equal((true, 0L, 0L), (verification.Intact, verification.EntriesChecked, verification.LastSequence));
        Assert.Null(await ReminderRowAsync(chain));
        Assert.False(await fixture.Db.KeyExistsAsync(LogKey(chain)));
    }

    private async Task AppendAsync(string chain, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Log(chain).AppendAsync(Read("CA" + i));
        }
    }

    private Task<AuditVerification> VerifyAsync(string chain) => AuditVerifier.VerifyAsync(fixture.Grains, chain, fixture.Signer);

    private static AuditEvent Read(string target) =>
        new("c-wang", [HotlineCenter.Abstractions.Accounts.StaffRole.Counselor], AuditKind.RecordRead, target, "10.0.0.7", AuditOutcome.Succeeded, null);

    private static string NewChain() => "c" + Guid.NewGuid().ToString("N")[..10];

    private IAuditLogGrain Log(string chain) => fixture.Grains.GetGrain<IAuditLogGrain>(chain);

    // Where the Redis grain storage keeps each state: {ServiceId}/state/{grain type}/{key}/{state name}.
    private string SegmentKey(string chain, long segment) => $"{fixture.ServiceId}/state/auditsegment/{AuditChains.SegmentKey(chain, segment)}/segment";

    private string LogKey(string chain) => $"{fixture.ServiceId}/state/auditlog/{chain}/log";

    private async Task<T> StoredAsync<T>(string key)
    {
        var data = await fixture.Db.HashGetAsync(key, "data");
        Assert.True(data.HasValue, $"nothing stored at {key}");
        return fixture.Serializer.Deserialize<T>((byte[])data!)!;
    }

    /// <summary>Rewrites a stored value in place (the etag kept), as someone with access to Redis could.</summary>
    private async Task RewriteAsync<T>(string key, Action<T> change)
    {
        var value = await StoredAsync<T>(key);
        change(value);
        await fixture.Db.HashSetAsync(key, "data", fixture.Serializer.SerializeToArray(value));
    }

    private async Task<ReminderEntry?> ReminderRowAsync(string chain)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        return await silo.SiloHost!.Services.GetRequiredService<IReminderTable>().ReadRow(Log(chain).GetGrainId(), AuditLogGrain.PurgeReminder);
    }
}
