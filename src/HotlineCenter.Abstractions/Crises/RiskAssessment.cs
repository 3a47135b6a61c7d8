using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Crises;

/// <summary>The suicide-risk level a structured assessment derives (crisis.md §1); None and Low are told apart here.</summary>
[GenerateSerializer]
public enum CrisisLevel
{
    None = 0,
    Low = 1,
    Moderate = 2,
    High = 3,
    Imminent = 4,
}

/// <summary>The four factor groups of the Lifeline suicide-risk standard.</summary>
[GenerateSerializer]
public enum FactorGroup
{
    Desire = 0,
    Capability = 1,
    Intent = 2,
    Buffer = 3,
}

/// <summary>One factor of the assessment (crisis.md §1); the number says its group (0–99 desire, 100– capability, 200– intent, 300– buffers).</summary>
[GenerateSerializer]
public enum RiskFactor
{
    IdeationNow = 0,
    PsychologicalPain = 1,
    Hopelessness = 2,
    FeelingTrapped = 3,
    FeelingABurden = 4,
    IntolerablyAlone = 5,

    PastAttempt = 100,
    MeansAtHand = 101,
    IntoxicatedNow = 102,
    AgitationOrNoSleep = 103,
    HistoryOfViolence = 104,

    AttemptInProgress = 200,
    Plan = 201,
    PreparatoryBehaviour = 202,
    ExpressedIntentToDie = 203,

    SupportAvailable = 300,
    PlansForTheFuture = 301,
    Ambivalence = 302,
    ReasonsForLiving = 303,
    EngagedWithHelper = 304,
}

/// <summary>A ticked factor with the counsellor's optional note (e.g. when the past attempt was).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.factor-tick")]
public sealed record FactorTick([property: Id(0)] RiskFactor Factor, [property: Id(1)] string? Note = null);

/// <summary>The counsellor's override of the derived level; kept beside the derived level, never instead of it.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.risk-override")]
public sealed record RiskOverride(
    [property: Id(0)] CrisisLevel Level,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? By = null,
    [property: Id(3)] DateTimeOffset? At = null);

/// <summary>
/// The structured risk assessment on a contact record: factors, the danger grade of the 2018 norm (0–5) and the
/// facts the escalation rules read. <see cref="Derived"/> and <see cref="RuleVersion"/> are set by the server
/// (whatever a screen sends is replaced); the effective level is the override's when there is one.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.risk-assessment")]
public sealed record RiskAssessment
{
    [Id(0)] public ImmutableArray<FactorTick> Factors { get; init; } = [];
    /// <summary>Severe-mental-disorder danger grade, 0–5 (domain.md §4.2).</summary>
    [Id(1)] public int DangerGrade { get; init; }
    /// <summary>The plan (if ticked) is to act within 72 hours.</summary>
    [Id(2)] public bool PlanWithin72Hours { get; init; }
    /// <summary>The past attempt (if ticked) was within the last two weeks.</summary>
    [Id(3)] public bool PastAttemptWithinTwoWeeks { get; init; }
    /// <summary>Overdose taken, injury, bleeding: a medical emergency now.</summary>
    [Id(4)] public bool MedicalEmergencyNow { get; init; }
    /// <summary>A weapon at hand now (beyond the suicide means the capability factor names).</summary>
    [Id(5)] public bool WeaponAtHand { get; init; }
    [Id(6)] public bool DangerToOthersNow { get; init; }
    [Id(7)] public bool LocationKnown { get; init; }
    /// <summary>Where the person is, as the caller gave it (only ever sent on a dispatch sheet).</summary>
    [Id(8)] public string? Location { get; init; }
    [Id(9)] public bool CallerIsMinor { get; init; }
    /// <summary>Someone calling about another person.</summary>
    [Id(10)] public bool ThirdPartyCaller { get; init; }
    [Id(11)] public bool AcutePsychiatricSymptoms { get; init; }
    /// <summary>The caller agrees to the help proposed (e.g. going to hospital).</summary>
    [Id(12)] public bool CallerWilling { get; init; }
    [Id(13)] public bool SevereMentalDisorderKnown { get; init; }
    /// <summary>The guardian is the danger: no guardian notification.</summary>
    [Id(14)] public bool GuardianIsDanger { get; init; }
    /// <summary>A short counsellor summary of what happened, for a dispatch sheet.</summary>
    [Id(15)] public string? Summary { get; init; }
    /// <summary>Derived by the server's rule (<c>RiskDerivation</c>).</summary>
    [Id(16)] public CrisisLevel Derived { get; init; }
    [Id(17)] public RiskOverride? Override { get; init; }
    /// <summary>Which derivation rule produced <see cref="Derived"/>.</summary>
    [Id(18)] public string? RuleVersion { get; init; }
    /// <summary>Set by the server when the assessment was stored.</summary>
    [Id(19)] public DateTimeOffset? AssessedAt { get; init; }

    public CrisisLevel Effective => Override?.Level ?? Derived;

    public bool Has(RiskFactor factor) => !Factors.IsDefault && Factors.Any(f => f.Factor == factor);

    public bool AnyIn(FactorGroup group) => !Factors.IsDefault && Factors.Any(f => GroupOf(f.Factor) == group);

    public static FactorGroup GroupOf(RiskFactor factor) => (int)factor switch
    {
        < 100 => FactorGroup.Desire,
        < 200 => FactorGroup.Capability,
        < 300 => FactorGroup.Intent,
        _ => FactorGroup.Buffer,
    };
}
