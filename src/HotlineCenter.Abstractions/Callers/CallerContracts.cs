using System.Collections.Immutable;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Abstractions.Callers;

/// <summary>What a flag on a caller warns the next counsellor of (domain.md §3, repeat callers).</summary>
[GenerateSerializer]
public enum CallerFlagKind
{
    HighRisk = 0,
    FrequentCaller = 1,
    ManagementPlan = 2,
    Minor = 3,
    Abusive = 4,
    Other = 5,
}

/// <summary>A flag on a caller; <see cref="Automatic"/> flags are derived from contacts and calls, never stored.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-flag")]
public sealed record CallerFlag(
    [property: Id(0)] CallerFlagKind Kind,
    [property: Id(1)] string Note,
    [property: Id(2)] string SetBy,
    [property: Id(3)] DateTimeOffset SetAt,
    [property: Id(4)] DateTimeOffset? ExpiresAt,
    [property: Id(5)] bool Automatic = false);

/// <summary>One earlier contact with the caller, as the next counsellor needs to see it (no free text).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-contact")]
public sealed record CallerContact(
    [property: Id(0)] string CallId,
    [property: Id(1)] string CentreId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string CounselorId,
    [property: Id(4)] RiskLevel Risk,
    [property: Id(5)] ImmutableArray<string> Categories,
    [property: Id(6)] bool HasFollowUpPlan);

[GenerateSerializer, Immutable]
[Alias("hotline.safety-plan")]
public sealed record SafetyPlan(
    [property: Id(0)] string Text,
    [property: Id(1)] string UpdatedBy,
    [property: Id(2)] DateTimeOffset UpdatedAt);

/// <summary>What a counsellor sees of a caller before and during a call, so the caller need not retell their story.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.caller-context")]
public sealed record CallerContext(
    [property: Id(0)] bool IsRepeat,
    [property: Id(1)] int CallsLast30Days,
    [property: Id(2)] int TotalContacts,
    [property: Id(3)] ImmutableArray<CallerContact> RecentContacts,
    [property: Id(4)] RiskLevel LastRisk,
    [property: Id(5)] DateTimeOffset? LastContactAt,
    [property: Id(6)] ImmutableArray<CallerFlag> ActiveFlags,
    [property: Id(7)] SafetyPlan? SafetyPlan)
{
    public static CallerContext Unknown { get; } = new(false, 0, 0, [], RiskLevel.NotAssessed, null, [], null);
}

/// <summary>
/// One caller, keyed by the keyed hash of their number (never the number). Holds prior calls and contacts,
/// flags and the safety plan. Screens reach it only through a call the staff member is on.
/// </summary>
[Alias("hotline.caller")]
public interface ICallerGrain : IGrainWithStringKey
{
    /// <summary>Counts an arrival (one-way from the call; keyed by call id, so counted once).</summary>
    [Alias("call-arrived"), OneWay]
    Task CallArrivedAsync(string callId, DateTimeOffset at);

    /// <summary>Adds a submitted contact; a second report of the same call replaces the first.</summary>
    [Alias("record-contact")]
    Task RecordContactAsync(CallerContact contact);

    /// <summary>The context as seen on <paramref name="currentCallId"/> (that call does not make the caller a repeat caller).</summary>
    [Alias("get-context"), ReadOnly]
    Task<CallerContext> GetContextAsync(string? currentCallId);

    [Alias("set-flag")]
    Task<CallerContext> SetFlagAsync(CallerFlagKind kind, string note, string by, DateTimeOffset? expiresAt);

    [Alias("clear-flag")]
    Task<CallerContext> ClearFlagAsync(CallerFlagKind kind, string by);

    [Alias("set-safety-plan")]
    Task<CallerContext> SetSafetyPlanAsync(string text, string by);

    /// <summary>Blocks the caller until <see cref="CallerBlock.Until"/> (validated by the call that sets it).</summary>
    [Alias("block")]
    Task BlockAsync(CallerBlock block);

    /// <summary>Lifts the block (a no-op when none is in force).</summary>
    [Alias("unblock")]
    Task UnblockAsync(string by);

    /// <summary>The context as seen on this call and the block in force now, read together when the caller chooses from the menu.</summary>
    [Alias("get-menu-facts"), ReadOnly]
    Task<CallerMenuFacts> GetMenuFactsAsync(string currentCallId);

    /// <summary>The block in force now, or null.</summary>
    [Alias("get-block"), ReadOnly]
    Task<CallerBlock?> GetBlockAsync();

    /// <summary>The retention purge removed this call: its arrival and contact leave the caller's history (one-way from the call).</summary>
    [Alias("forget-call"), OneWay]
    Task ForgetCallAsync(string callId);
}
