using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Crises;

/// <summary>What a rule condition tests on the case's facts.</summary>
[GenerateSerializer]
public enum ConditionKind
{
    /// <summary>Always true (a rule for every case).</summary>
    Any = 0,
    MedicalEmergencyNow = 1,
    /// <summary>Effective level ≥ <see cref="RuleCondition.Value"/> (a <see cref="CrisisLevel"/>); a case without an assessment counts as High.</summary>
    LevelAtLeast = 2,
    /// <summary>Effective level = <see cref="RuleCondition.Value"/>.</summary>
    LevelIs = 3,
    LocationKnown = 4,
    WeaponAtHand = 5,
    DangerToOthersNow = 6,
    /// <summary>Danger grade ≥ <see cref="RuleCondition.Value"/>.</summary>
    DangerGradeAtLeast = 7,
    AcutePsychiatricSymptoms = 8,
    CallerWilling = 9,
    CallerIsMinor = 10,
    GuardianIsDanger = 11,
    SevereMentalDisorderKnown = 12,
    /// <summary>No acute symptoms, danger grade ≤ 2 and no support ticked: stable but unsupported.</summary>
    StableButUnsupported = 13,
}

/// <summary>One condition of a rule; <see cref="Negate"/> turns it into "not".</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.rule-condition")]
public sealed record RuleCondition(
    [property: Id(0)] ConditionKind Kind,
    [property: Id(1)] int Value = 0,
    [property: Id(2)] bool Negate = false);

/// <summary>Facts (all conditions hold) → one proposed action.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.escalation-rule")]
public sealed record EscalationRule
{
    [Id(0)] public required string RuleId { get; init; }
    [Id(1)] public required ImmutableArray<RuleCondition> Conditions { get; init; }
    [Id(2)] public required ActionKind Action { get; init; }
    [Id(3)] public bool RequiresApproval { get; init; }
    /// <summary>Per-state deadlines that replace the defaults (crisis.md §3).</summary>
    [Id(4)] public ImmutableArray<StateDeadline> Deadlines { get; init; } = [];
    /// <summary>The rule whose action is proposed when this one fails; null for none.</summary>
    [Id(5)] public string? NextOnFailure { get; init; }
    /// <summary>Why the rule exists, for the administrator's screen.</summary>
    [Id(6)] public string? Description { get; init; }
}

/// <summary>A centre's escalation rules, one version; versions are kept and the one used is stored on each case.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.escalation-rule-set")]
public sealed record EscalationRuleSet(
    [property: Id(0)] int Version,
    [property: Id(1)] ImmutableArray<EscalationRule> Rules,
    [property: Id(2)] string? PublishedBy,
    [property: Id(3)] DateTimeOffset? PublishedAt);

/// <summary>An action the rules propose for a case's facts.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.proposed-action")]
public sealed record ProposedAction(
    [property: Id(0)] ActionKind Kind,
    [property: Id(1)] bool RequiresApproval,
    [property: Id(2)] string RuleId,
    [property: Id(3)] ImmutableArray<StateDeadline> Deadlines,
    [property: Id(4)] string? NextOnFailure);

/// <summary>A centre's escalation rule set (key: centre id): validated, versioned, previous versions kept.</summary>
[Alias("hotline.escalation-rule-set-grain")]
public interface IEscalationRuleSetGrain : IGrainWithStringKey
{
    /// <summary>The rule set in force (the crisis.md §2 default, version 1, until one is published).</summary>
    [Alias("current"), ReadOnly]
    Task<EscalationRuleSet> GetCurrentAsync();

    /// <summary>A stored version, or null.</summary>
    [Alias("version"), ReadOnly]
    Task<EscalationRuleSet?> GetVersionAsync(int version);

    /// <summary>Every version, oldest first.</summary>
    [Alias("history"), ReadOnly]
    Task<ImmutableArray<EscalationRuleSet>> GetHistoryAsync();

    /// <summary>Validates and stores the rules as the next version; a rule error listing every problem otherwise, nothing stored.</summary>
    [Alias("publish")]
    Task<EscalationRuleSet> PublishAsync(ImmutableArray<EscalationRule> rules, string by);
}
