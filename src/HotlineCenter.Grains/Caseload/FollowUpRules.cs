using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Grains.Caseload;

/// <summary>Follow-up deadlines by risk (domain.md §5): imminent/high within 24 h, moderate within 72 h.</summary>
public static class FollowUpRules
{
    public const int AttemptsBeforeEscalation = 3;

    public static DateTimeOffset? DueAt(RiskLevel risk, DateTimeOffset at) => risk switch
    {
        RiskLevel.High or RiskLevel.Imminent => at.AddHours(24),
        RiskLevel.Moderate => at.AddHours(72),
        _ => null,
    };

    /// <summary>A crisis case opens on a high or imminent assessment (or when a counsellor declares one).</summary>
    public static bool OpensCrisis(RiskLevel risk) => risk is RiskLevel.High or RiskLevel.Imminent;
}
