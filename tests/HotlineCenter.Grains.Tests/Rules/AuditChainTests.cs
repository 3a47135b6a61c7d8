using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Grains.Audit;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>The chain as pure code: links, seals, checkpoints and what the check reports for each kind of change.</summary>
public sealed class AuditChainTests
{
    private const string Chain = "xa-12356";
    private static readonly DateTimeOffset At = new(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
    private static readonly AuditSigner Signer = new("rules-audit-checkpoint-key-0123456789-abcdef");

    [Theory]
    [InlineData("none", null, null)]
    [InlineData("target-changed", 3L, "entry-modified")]
    [InlineData("time-changed", 3L, "entry-modified")]
    [InlineData("roles-changed", 3L, "entry-modified")]
    [InlineData("rehashed-after-change", 4L, "entry-modified")]
    [InlineData("inserted-forgery", 3L, "entry-out-of-order")]
    [InlineData("deleted", 3L, "entry-missing")]
    [InlineData("swapped", 3L, "entry-missing")]
    [InlineData("first-deleted", 1L, "entry-missing")]
    [InlineData("last-of-sealed-deleted", 4L, "entry-missing")]
    [InlineData("seal-resigned-with-another-key", 4L, "seal-invalid")]
    [InlineData("seal-unsealed-in-the-middle", 5L, "segment-unsealed")]
    [InlineData("segment-emptied", 1L, "entry-missing")]
    public void Check_reports_the_first_sequence_a_change_breaks(string change, long? brokenAt, string? problem)
    {
        var segments = Build(7, size: 4);
        var first = segments[0].Entries;
        segments[0] = change switch
        {
            "target-changed" => segments[0] with { Entries = first.SetItem(2, first[2] with { Target = "CA-other" }) },
            "time-changed" => segments[0] with { Entries = first.SetItem(2, first[2] with { At = first[2].At.AddMinutes(-5) }) },
            "roles-changed" => segments[0] with { Entries = first.SetItem(2, first[2] with { Roles = [StaffRole.Admin] }) },
            "rehashed-after-change" => segments[0] with { Entries = first.SetItem(2, Rehash(first[2] with { Target = "CA-other" })) },
            "inserted-forgery" => segments[0] with { Entries = first.Insert(2, AuditChain.Link(Chain, 3, At, Event("CA-forged"), first[1].Hash)) },
            "deleted" => segments[0] with { Entries = first.RemoveAt(2) },
            "swapped" => segments[0] with { Entries = [first[0], first[1], first[3], first[2]] },
            "first-deleted" => segments[0] with { Entries = first.RemoveAt(0) },
            "last-of-sealed-deleted" => segments[0] with { Entries = first.RemoveAt(3) },
            "seal-resigned-with-another-key" => segments[0] with { Seal = AuditChain.Seal(Chain, 1, first[0], first[3], At, new AuditSigner("another-audit-checkpoint-key-0123456789-xyz")) },
            "seal-unsealed-in-the-middle" => segments[0] with { Seal = null },
            "segment-emptied" => new AuditSegmentView(1, [], null),
            _ => segments[0],
        };

        var result = AuditChain.Verify(Chain, null, 1, segments, Signer);

        Assert.Equal((brokenAt is null, brokenAt, problem), (result.Intact, result.FirstBrokenSequence, result.Problem));
    }

    [Fact]
    public void An_intact_chain_reports_every_entry_checked_and_its_head()
    {
        var segments = Build(7, size: 4);

        var result = AuditChain.Verify(Chain, null, 1, segments, Signer);

        Assert.Equal((true, 7L, 7L, segments[1].Entries[^1].Hash), (result.Intact, result.EntriesChecked, result.LastSequence, result.LastHash));
    }

    [Fact]
    public void Entries_cannot_be_moved_to_another_centres_chain()
    {
        var segments = Build(3, size: 4);

        Assert.True(AuditChain.Verify(Chain, null, 1, segments, Signer).Intact);
        Assert.Equal("entry-modified", AuditChain.Verify("bj-12356", null, 1, segments, Signer).Problem);
    }

    [Fact]
    public void A_chain_starts_at_its_checkpoint_only_while_the_checkpoint_is_as_signed()
    {
        var all = Build(8, size: 4);
        var cut = all[0].Entries[^1];
        var checkpoint = AuditChain.Checkpoint(Chain, cut.Sequence, cut.Hash, 2, At, Signer);
        var kept = all.Skip(1).ToList();

        Assert.True(AuditChain.Verify(Chain, checkpoint, 2, kept, Signer).Intact);
        Assert.Equal((5L, "checkpoint-invalid"), Broken(AuditChain.Verify(Chain, checkpoint with { LastHash = AuditChain.Genesis }, 2, kept, Signer)));
        Assert.Equal((5L, "checkpoint-invalid"), Broken(AuditChain.Verify(Chain, checkpoint with { FirstRetainedSegment = 3 }, 2, kept, Signer)));
        Assert.Equal((1L, "checkpoint-invalid"), Broken(AuditChain.Verify(Chain, null, 2, kept, Signer)));
        Assert.Equal((5L, "checkpoint-invalid"), Broken(AuditChain.Verify(Chain, checkpoint, 2, kept, new AuditSigner("a-different-audit-checkpoint-key-0123456789"))));
    }

    [Fact]
    public void After_a_key_rotation_the_retired_key_still_verifies_what_it_signed()
    {
        var segments = Build(5, size: 4);
        var rotated = new AuditSigner("the-next-audit-checkpoint-key-0123456789-abc", ["rules-audit-checkpoint-key-0123456789-abcdef"]);

        Assert.NotEqual(Signer.KeyId, rotated.KeyId);
        Assert.True(AuditChain.Verify(Chain, null, 1, segments, rotated).Intact);
    }

    [Fact]
    public void Key_ids_are_fingerprints_that_never_reveal_the_key()
    {
        var id = AuditSigner.IdOf("rules-audit-checkpoint-key-0123456789-abcdef");

        Assert.Equal(13, id.Length);
        Assert.DoesNotContain("rules", id);
        Assert.Equal(id, Signer.KeyId);
    }

    private static (long?, string?) Broken(AuditVerification v) => (v.FirstBrokenSequence, v.Problem);

    /// <summary>A chain of <paramref name="count"/> entries in segments of <paramref name="size"/>, full ones sealed.</summary>
    private static List<AuditSegmentView> Build(int count, int size)
    {
        var segments = new List<AuditSegmentView>();
        var entries = new List<AuditEntry>();
        var previous = AuditChain.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var entry = AuditChain.Link(Chain, i, At.AddSeconds(i), Event("CA" + i), previous);
            previous = entry.Hash;
            entries.Add(entry);
            if (entries.Count == size || i == count)
            {
                var number = segments.Count + 1;
                var seal = entries.Count == size ? AuditChain.Seal(Chain, number, entries[0], entries[^1], At, Signer) : null;
                segments.Add(new AuditSegmentView(number, [.. entries], seal));
                entries.Clear();
            }
        }

        return segments;
    }

    private static AuditEntry Rehash(AuditEntry entry) => entry with { Hash = AuditChain.HashOf(Chain, entry) };

    private static AuditEvent Event(string target) =>
        new("c-wang", ImmutableArray.Create(StaffRole.Counselor), AuditKind.RecordRead, target, "10.0.0.7", AuditOutcome.Succeeded, null);
}

public sealed class AuditEventRulesTests
{
    [Theory]
    [InlineData("c-wang", "CA0123456789abcdef", "10.0.0.7", null, true)]
    [InlineData("-", null, "::1", "unknown-account", true)]
    [InlineData("c-wang", "xa-12356/case-CA1:a2", "2001:db8::1%eth0", "rows=12 by-user", true)]
    [InlineData("王", "CA1", null, null, false)]
    [InlineData("", "CA1", null, null, false)]
    [InlineData("c-wang", "+8613800000000", null, null, false)]
    [InlineData("c-wang", "王小明", null, null, false)]
    [InlineData("c-wang", "CA1 and more", null, null, false)]
    [InlineData("c-wang", "CA1", "10.0.0.7 ", null, false)]
    [InlineData("c-wang", "CA1", null, "来电者说", false)]
    [InlineData("c-wang", "CA1", null, "line\nbreak", false)]
    public void Only_ids_addresses_and_ascii_codes_are_accepted(string actor, string? target, string? address, string? detail, bool accepted)
    {
        var problems = AuditEventRules.Problems(new AuditEvent(actor, [StaffRole.Counselor], AuditKind.RecordRead, target, address, AuditOutcome.Succeeded, detail));

        Assert.Equal(accepted, problems.Count == 0);
    }

    [Fact]
    public void Unknown_kinds_outcomes_and_roles_are_refused()
    {
        Assert.NotEmpty(AuditEventRules.Problems(new AuditEvent("c-wang", [], (AuditKind)999, null, null, AuditOutcome.Succeeded, null)));
        Assert.NotEmpty(AuditEventRules.Problems(new AuditEvent("c-wang", [], AuditKind.SignIn, null, null, (AuditOutcome)9, null)));
        Assert.NotEmpty(AuditEventRules.Problems(new AuditEvent("c-wang", [(StaffRole)42], AuditKind.SignIn, null, null, AuditOutcome.Succeeded, null)));
    }
}
