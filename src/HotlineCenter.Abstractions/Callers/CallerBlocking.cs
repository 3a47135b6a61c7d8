using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Callers;

/// <summary>
/// A supervisor's block on a caller (by one of their calls, never by a typed number): until it expires a non-crisis
/// menu choice hears the centre's blocked message and the call ends; the danger option always gets through.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-block")]
public sealed record CallerBlock(
    [property: Id(0)] string Reason,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DateTimeOffset Until,
    [property: Id(4)] string CallId);

/// <summary>What the call reads of its caller at the menu choice, in one read: the context (high-risk boost) and any block in force.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-menu-facts")]
public sealed record CallerMenuFacts([property: Id(0)] CallerContext Context, [property: Id(1)] CallerBlock? Block);

/// <summary>A centre's blocked caller as supervisors see it: masked number and the call it was set from, never the hash.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.blocked-caller")]
public sealed record BlockedCaller(
    [property: Id(0)] string CallId,
    [property: Id(1)] string? MaskedNumber,
    [property: Id(2)] CallerBlock Block);

/// <summary>The blocks set in one centre (key: centre id), for the supervisors' list; the caller grain holds the block itself.</summary>
[Alias("hotline.block-list")]
public interface IBlockListGrain : IGrainWithStringKey
{
    /// <summary>Records a block set from a call (replaces an earlier entry for the same caller).</summary>
    [Alias("add")]
    Task AddAsync(string callerKey, BlockedCaller entry);

    /// <summary>Lifts the block set from this call: the caller is answered normally again.</summary>
    [Alias("unblock")]
    Task<ImmutableArray<BlockedCaller>> UnblockAsync(string callId, string by);

    /// <summary>Blocks still in force, newest first (expired ones drop out by themselves).</summary>
    [Alias("get"), ReadOnly]
    Task<ImmutableArray<BlockedCaller>> GetAsync();
}
