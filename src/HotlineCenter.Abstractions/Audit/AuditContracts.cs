using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Abstractions.Audit;

/// <summary>What an audit entry records. Stored by number in the chain's hash: add members at the end, never renumber.</summary>
[GenerateSerializer]
public enum AuditKind
{
    SignIn = 0,
    SignInFailed = 1,
    SignOut = 2,
    RecordRead = 3,
    CallerContextRead = 4,
    SafetyPlanRead = 5,
    RecordingRead = 6,
    Unmask = 7,
    CaseChanged = 8,
    ActionChanged = 9,
    FollowUpChanged = 10,
    ConfigChanged = 11,
    AccountChanged = 12,
    RoleChanged = 13,
    Export = 14,
    Purge = 15,
    AuditVerified = 16,
    /// <summary>An auditor searched the audit trail.</summary>
    AuditRead = 17,
    /// <summary>A caller's safety plan or flags were changed.</summary>
    CallerChanged = 18,
    /// <summary>A supervisor blocked a caller (target: the call it was set from).</summary>
    CallerBlocked = 19,
    /// <summary>A supervisor lifted a block (target: the call it was set from).</summary>
    CallerUnblocked = 20,
    /// <summary>A supervisor read a counsellor's debriefs (target: the counsellor id).</summary>
    DebriefRead = 21,
    /// <summary>A supervisor ended a counsellor's decompression early (target: the counsellor id).</summary>
    DecompressionEnded = 22,
    /// <summary>A submitted contact record was amended (target: the call id; detail: the part and the fields changed, never their values).</summary>
    RecordAmended = 23,
}

/// <summary>How the audited act ended. Stored by number in the chain's hash.</summary>
[GenerateSerializer]
public enum AuditOutcome
{
    Succeeded = 0,
    /// <summary>A rule or a permission refused it.</summary>
    Refused = 1,
    /// <summary>It broke (a provider or storage error).</summary>
    Failed = 2,
}

/// <summary>
/// What the web layer hands the audit log: who did what to which id, from where, and how it ended. Never a phone
/// number, a name or anything said: the target is a record, case, call or caller-key id, the detail a short code.
/// The log adds the sequence number, the time and the hashes.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-event")]
public sealed record AuditEvent(
    [property: Id(0)] string Actor,
    [property: Id(1)] ImmutableArray<StaffRole> Roles,
    [property: Id(2)] AuditKind Kind,
    [property: Id(3)] string? Target,
    [property: Id(4)] string? Address,
    [property: Id(5)] AuditOutcome Outcome,
    [property: Id(6)] string? Detail);

/// <summary>
/// One entry of a chain, as stored: <see cref="Hash"/> is SHA-256 over the canonical encoding of every other field
/// (the chain id included), so changing, inserting or deleting an entry breaks the chain at that sequence number.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] ImmutableArray<StaffRole> Roles,
    [property: Id(4)] AuditKind Kind,
    [property: Id(5)] string Target,
    [property: Id(6)] string Address,
    [property: Id(7)] AuditOutcome Outcome,
    [property: Id(8)] string Detail,
    [property: Id(9)] string PreviousHash,
    [property: Id(10)] string Hash);

/// <summary>What an append answers: the entry's place in the chain.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-receipt")]
public sealed record AuditReceipt(
    [property: Id(0)] string ChainId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Hash);

/// <summary>The seal of a full segment: its range and last hash, signed (HMAC-SHA256) with the checkpoint key.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-seal")]
public sealed record AuditSeal(
    [property: Id(0)] long Segment,
    [property: Id(1)] long FirstSequence,
    [property: Id(2)] long LastSequence,
    [property: Id(3)] string LastHash,
    [property: Id(4)] DateTimeOffset SealedAt,
    [property: Id(5)] string KeyId,
    [property: Id(6)] string Signature);

/// <summary>
/// Left by a purge: the sequence number and hash of the last dropped entry and the first segment kept, signed
/// (HMAC-SHA256, key id recorded), so the remaining chain verifies from here.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-checkpoint")]
public sealed record AuditCheckpoint(
    [property: Id(0)] long LastSequence,
    [property: Id(1)] string LastHash,
    [property: Id(2)] long FirstRetainedSegment,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string KeyId,
    [property: Id(5)] string Signature);

/// <summary>A segment's entries and, once full, its seal.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-segment-view")]
public sealed record AuditSegmentView(
    [property: Id(0)] long Segment,
    [property: Id(1)] ImmutableArray<AuditEntry> Entries,
    [property: Id(2)] AuditSeal? Seal);

/// <summary>Where a segment sits in its chain and in time (for searches by time range and for the purge).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-segment-info")]
public sealed record AuditSegmentInfo(
    [property: Id(0)] long Segment,
    [property: Id(1)] long FirstSequence,
    [property: Id(2)] long LastSequence,
    [property: Id(3)] DateTimeOffset FirstAt,
    [property: Id(4)] DateTimeOffset LastAt,
    [property: Id(5)] string LastHash,
    [property: Id(6)] bool Sealed);

/// <summary>A chain's segments (oldest kept first, the open one last), its head and its checkpoint.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-index")]
public sealed record AuditIndex(
    [property: Id(0)] string ChainId,
    [property: Id(1)] long FirstSegment,
    [property: Id(2)] long CurrentSegment,
    [property: Id(3)] long LastSequence,
    [property: Id(4)] string LastHash,
    [property: Id(5)] ImmutableArray<AuditSegmentInfo> Segments,
    [property: Id(6)] AuditCheckpoint? Checkpoint);

/// <summary>What a purge dropped (nothing when no whole segment was past retention).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-purge-result")]
public sealed record AuditPurgeResult(
    [property: Id(0)] int SegmentsDropped,
    [property: Id(1)] long? ThroughSequence,
    [property: Id(2)] AuditCheckpoint? Checkpoint);

/// <summary>
/// The outcome of verifying a chain. <see cref="Problem"/> is a code (entry-modified, entry-missing,
/// entry-out-of-order, seal-invalid, segment-unsealed, checkpoint-invalid).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.audit-verification")]
public sealed record AuditVerification(
    [property: Id(0)] string ChainId,
    [property: Id(1)] bool Intact,
    [property: Id(2)] long EntriesChecked,
    [property: Id(3)] long? FirstBrokenSequence,
    [property: Id(4)] string? Problem,
    [property: Id(5)] long LastSequence,
    [property: Id(6)] string LastHash,
    [property: Id(7)] AuditCheckpoint? Checkpoint);

/// <summary>
/// The audit log of one chain (key: the centre id, or <see cref="AuditChains.Host"/> for sign-ins to no known
/// account). Non-reentrant, so appends are serialised: each entry is linked to the one before and persisted in the
/// current segment before the call returns; a full segment is sealed and the next opened. A durable reminder
/// drops whole segments past retention behind a signed checkpoint. It awaits only its segments.
/// </summary>
[Alias("hotline.audit-log")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Appends one entry (stored before this returns); a malformed event is a rule error and stores nothing.</summary>
    [Alias("append")]
    Task<AuditReceipt> AppendAsync(AuditEvent entry);

    /// <summary>The chain's segments and head as this activation holds them (for searches).</summary>
    [Alias("index"), ReadOnly]
    Task<AuditIndex> GetIndexAsync();

    /// <summary>The index re-read from storage (for verification: what is stored, not what this activation remembers).</summary>
    [Alias("read-stored-index")]
    Task<AuditIndex> ReadStoredIndexAsync();

    /// <summary>Drops whole sealed segments older than retention, leaves a signed checkpoint, and audits the purge.</summary>
    [Alias("purge")]
    Task<AuditPurgeResult> PurgeExpiredAsync();
}

/// <summary>
/// Up to a segment's worth of consecutive entries of one chain (key: <see cref="AuditChains.SegmentKey"/>). Only its
/// chain's <see cref="IAuditLogGrain"/> appends, seals and drops; everyone else only reads.
/// </summary>
[Alias("hotline.audit-segment")]
public interface IAuditSegmentGrain : IGrainWithStringKey
{
    /// <summary>Appends the next entry and stores it; refused once sealed or when it does not follow the last one.</summary>
    [Alias("append")]
    Task AppendAsync(AuditEntry entry);

    /// <summary>Seals the segment (no entry can follow) and stores the seal.</summary>
    [Alias("seal")]
    Task SealAsync(AuditSeal seal);

    /// <summary>The entries and seal as this activation holds them.</summary>
    [Alias("get"), ReadOnly]
    Task<AuditSegmentView> GetAsync();

    /// <summary>The entries and seal re-read from storage (for verification).</summary>
    [Alias("read-stored")]
    Task<AuditSegmentView> ReadStoredAsync();

    /// <summary>Deletes the stored segment (the purge, after its checkpoint is stored).</summary>
    [Alias("drop")]
    Task DropAsync();
}

/// <summary>Chain ids and segment keys.</summary>
public static class AuditChains
{
    /// <summary>The chain of events that belong to no centre: sign-in attempts to accounts that do not exist.</summary>
    public const string Host = "_host";

    /// <summary>The actor of what the system itself does (the purge).</summary>
    public const string SystemActor = "system";

    /// <summary>The actor of a sign-in attempt to no known account (the typed name is not kept: it may be a mistyped password).</summary>
    public const string UnknownActor = "-";

    /// <summary>Key of a segment grain: <c>chain/00000001</c>.</summary>
    public static string SegmentKey(string chainId, long segment) =>
        $"{chainId}/{segment.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)}";
}
