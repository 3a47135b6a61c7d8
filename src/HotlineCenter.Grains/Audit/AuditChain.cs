using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HotlineCenter.Abstractions.Audit;

namespace HotlineCenter.Grains.Audit;

/// <summary>
/// The hash chain of an audit log, as pure code: how an entry is linked (SHA-256 over a canonical encoding of its
/// fields, the chain id and the previous entry's hash), how seals and checkpoints are signed, and the verification
/// of a chain segment by segment. Feed it the segments oldest first with <see cref="Add"/>; it stops at the first
/// break and reports its sequence number. Enums are encoded by number and times as UTC ticks, so renaming a member
/// or moving a time zone never changes a hash.
/// </summary>
public sealed class AuditChain
{
    /// <summary>The previous hash of a chain's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    private readonly string _chainId;
    private readonly AuditSigner _signer;
    private readonly AuditCheckpoint? _checkpoint;
    private long _expected;
    private string _previous;
    private long _checked;
    private long? _brokenAt;
    private string? _problem;
    private AuditSegmentView? _openSegment;

    /// <param name="firstSegment">The first segment the chain keeps (after a purge, the checkpoint's first retained one).</param>
    public AuditChain(string chainId, AuditCheckpoint? checkpoint, long firstSegment, AuditSigner signer)
    {
        (_chainId, _checkpoint, _signer) = (chainId, checkpoint, signer);
        (_expected, _previous) = checkpoint is null ? (1, Genesis) : (checkpoint.LastSequence + 1, checkpoint.LastHash);
        if (checkpoint is null ? firstSegment != 1 : !IsValid(chainId, checkpoint, signer) || checkpoint.FirstRetainedSegment != firstSegment)
        {
            // A dropped checkpoint, or one changed after it was signed: nothing after it can be trusted to start there.
            Break(_expected, "checkpoint-invalid");
        }
    }

    public bool IsIntact => _brokenAt is null;

    public AuditVerification Result => new(_chainId, IsIntact, _checked, _brokenAt, _problem, _expected - 1, _previous, _checkpoint);

    /// <summary>Checks the next segment; false once the chain is broken (later segments are not read).</summary>
    public bool Add(AuditSegmentView segment)
    {
        if (!IsIntact)
        {
            return false;
        }

        if (_openSegment is { } open)
        {
            // Only the last segment may be open: an empty one in the middle lost its entries (its stored value was
            // deleted), one with entries lost its seal.
            return Break(_expected, open.Entries.IsDefaultOrEmpty ? "entry-missing" : "segment-unsealed");
        }

        var entries = segment.Entries.IsDefault ? [] : segment.Entries;
        foreach (var entry in entries)
        {
            if (entry.Sequence != _expected)
            {
                // A lower number than expected is an entry inserted before it; a higher one means one is missing.
                return entry.Sequence < _expected ? Break(entry.Sequence, "entry-out-of-order") : Break(_expected, "entry-missing");
            }

            if (entry.PreviousHash != _previous || HashOf(_chainId, entry) != entry.Hash)
            {
                return Break(entry.Sequence, "entry-modified");
            }

            _checked++;
            _expected++;
            _previous = entry.Hash;
        }

        if (segment.Seal is not { } seal)
        {
            _openSegment = segment;
            return true;
        }

        var last = entries.IsEmpty ? null : entries[^1];
        if (last is null || seal.LastSequence > last.Sequence)
        {
            // Entries at the end of a sealed segment were deleted: the seal still names the last one.
            return Break(last is null ? seal.FirstSequence : last.Sequence + 1, "entry-missing");
        }

        return seal.Segment == segment.Segment && seal.FirstSequence == entries[0].Sequence && seal.LastSequence == last.Sequence
            && seal.LastHash == last.Hash && _signer.Verify(seal.KeyId, EncodeSeal(_chainId, seal), seal.Signature)
            || Break(seal.LastSequence, "seal-invalid");
    }

    /// <summary>
    /// Ends the check against the head the log holds in memory: fewer entries stored than it appended means entries
    /// were deleted from the end of the open segment.
    /// </summary>
    public AuditVerification End(long headSequence)
    {
        if (IsIntact && headSequence > _expected - 1)
        {
            Break(_expected, "entry-missing");
        }

        return Result;
    }

    /// <summary>Verifies a whole chain: its checkpoint, then its segments oldest first.</summary>
    public static AuditVerification Verify(string chainId, AuditCheckpoint? checkpoint, long firstSegment, IEnumerable<AuditSegmentView> segments, AuditSigner signer)
    {
        var chain = new AuditChain(chainId, checkpoint, firstSegment, signer);
        foreach (var segment in segments)
        {
            if (!chain.Add(segment))
            {
                break;
            }
        }

        return chain.Result;
    }

    /// <summary>The entry for <paramref name="event"/> at <paramref name="sequence"/>, linked to <paramref name="previousHash"/>.</summary>
    public static AuditEntry Link(string chainId, long sequence, DateTimeOffset at, AuditEvent @event, string previousHash)
    {
        var entry = new AuditEntry(
            sequence, at.ToUniversalTime(), @event.Actor, @event.Roles.IsDefault ? [] : @event.Roles, @event.Kind,
            @event.Target ?? string.Empty, @event.Address ?? string.Empty, @event.Outcome, @event.Detail ?? string.Empty, previousHash, string.Empty);
        return entry with { Hash = HashOf(chainId, entry) };
    }

    /// <summary>SHA-256 (lower-case hex) over the canonical encoding of every field but the hash itself.</summary>
    public static string HashOf(string chainId, AuditEntry entry)
    {
        var w = new Canonical("hotline-audit-entry/1");
        w.Text(chainId).Number(entry.Sequence).Number(entry.At.UtcTicks).Text(entry.Actor);
        var roles = entry.Roles.IsDefault ? [] : entry.Roles;
        w.Number(roles.Length);
        foreach (var role in roles)
        {
            w.Number((int)role);
        }

        w.Number((int)entry.Kind).Text(entry.Target).Text(entry.Address).Number((int)entry.Outcome).Text(entry.Detail).Text(entry.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(w.ToArray()));
    }

    public static AuditSeal Seal(string chainId, long segment, AuditEntry first, AuditEntry last, DateTimeOffset at, AuditSigner signer)
    {
        var seal = new AuditSeal(segment, first.Sequence, last.Sequence, last.Hash, at.ToUniversalTime(), signer.KeyId, string.Empty);
        return seal with { Signature = signer.Sign(EncodeSeal(chainId, seal)) };
    }

    public static AuditCheckpoint Checkpoint(string chainId, long lastSequence, string lastHash, long firstRetainedSegment, DateTimeOffset at, AuditSigner signer)
    {
        var checkpoint = new AuditCheckpoint(lastSequence, lastHash, firstRetainedSegment, at.ToUniversalTime(), signer.KeyId, string.Empty);
        return checkpoint with { Signature = signer.Sign(EncodeCheckpoint(chainId, checkpoint)) };
    }

    public static bool IsValid(string chainId, AuditCheckpoint checkpoint, AuditSigner signer) =>
        signer.Verify(checkpoint.KeyId, EncodeCheckpoint(chainId, checkpoint), checkpoint.Signature);

    private static byte[] EncodeSeal(string chainId, AuditSeal seal) =>
        new Canonical("hotline-audit-seal/1").Text(chainId).Number(seal.Segment).Number(seal.FirstSequence).Number(seal.LastSequence)
            .Text(seal.LastHash).Number(seal.SealedAt.UtcTicks).Text(seal.KeyId).ToArray();

    private static byte[] EncodeCheckpoint(string chainId, AuditCheckpoint checkpoint) =>
        new Canonical("hotline-audit-checkpoint/1").Text(chainId).Number(checkpoint.LastSequence).Text(checkpoint.LastHash)
            .Number(checkpoint.FirstRetainedSegment).Number(checkpoint.At.UtcTicks).Text(checkpoint.KeyId).ToArray();

    private bool Break(long sequence, string problem)
    {
        if (IsIntact)
        {
            (_brokenAt, _problem) = (sequence, problem);
        }

        return false;
    }

    /// <summary>Length-prefixed UTF-8 strings and big-endian integers: no two different field lists encode alike.</summary>
    private sealed class Canonical
    {
        private readonly MemoryStream _bytes = new();

        public Canonical(string label) => Text(label);

        public Canonical Text(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Number(bytes.Length);
            _bytes.Write(bytes);
            return this;
        }

        public Canonical Number(long value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(buffer, value);
            _bytes.Write(buffer);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
