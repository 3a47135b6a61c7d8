using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Grains.Crises;

/// <summary>
/// The level a structured assessment derives: crisis.md §1 as plain code, first match wins. Buffers never enter
/// the derivation (so they can never lower imminent or high); screens show them beside the level.
/// </summary>
public static class RiskDerivation
{
    /// <summary>Stored on every assessment, so a later change of this rule does not silently re-read old ones.</summary>
    public const string Version = "crisis-1.v1";

    private const int MaxNote = 500;
    private const int MaxSummary = 1000;

    public static CrisisLevel Derive(RiskAssessment a) => Explain(a).Level;

    /// <summary>The level and the row of the table that produced it (a stable code for the timeline).</summary>
    public static (CrisisLevel Level, string Row) Explain(RiskAssessment a)
    {
        var ideation = a.Has(RiskFactor.IdeationNow);
        var intent = a.AnyIn(FactorGroup.Intent);
        var means = a.Has(RiskFactor.MeansAtHand);

        if (a.Has(RiskFactor.AttemptInProgress))
        {
            return (CrisisLevel.Imminent, "imminent.attempt-in-progress");
        }

        if (intent && means)
        {
            return (CrisisLevel.Imminent, "imminent.intent-and-means");
        }

        if (a.DangerGrade >= 4)
        {
            return (CrisisLevel.Imminent, "imminent.danger-grade");
        }

        if (a.DangerToOthersNow)
        {
            return (CrisisLevel.Imminent, "imminent.danger-to-others");
        }

        if (a.Has(RiskFactor.Plan) && a.PlanWithin72Hours)
        {
            return (CrisisLevel.High, "high.plan-within-72h");
        }

        if (a.Has(RiskFactor.PastAttempt) && a.PastAttemptWithinTwoWeeks)
        {
            return (CrisisLevel.High, "high.attempt-past-2-weeks");
        }

        if (ideation && intent)
        {
            return (CrisisLevel.High, "high.ideation-with-intent");
        }

        if (ideation && means)
        {
            return (CrisisLevel.High, "high.ideation-with-means");
        }

        if (a.DangerGrade == 3)
        {
            return (CrisisLevel.High, "high.danger-grade-3");
        }

        if (ideation)
        {
            return (CrisisLevel.Moderate, "moderate.ideation");
        }

        var desire = a.AnyIn(FactorGroup.Desire);
        if (desire && a.AnyIn(FactorGroup.Capability))
        {
            return (CrisisLevel.Moderate, "moderate.capability-with-desire");
        }

        if (desire)
        {
            return (CrisisLevel.Low, "low.desire-only");
        }

        // The table has no row for risk factors ticked outside the rows above (e.g. a capability factor alone):
        // they are not "nothing ticked", so the lowest level above none; the counsellor may override upwards.
        if (a.AnyIn(FactorGroup.Capability) || intent)
        {
            return (CrisisLevel.Low, "low.other-factors");
        }

        return (CrisisLevel.None, "none.nothing-ticked");
    }

    /// <summary>The existing five-value level every other screen and report reads.</summary>
    public static RiskLevel ToRiskLevel(CrisisLevel level) => level switch
    {
        CrisisLevel.None or CrisisLevel.Low => RiskLevel.NoneOrLow,
        CrisisLevel.Moderate => RiskLevel.Moderate,
        CrisisLevel.High => RiskLevel.High,
        _ => RiskLevel.Imminent,
    };

    /// <summary>A crisis case opens at high or imminent, or at danger grade ≥ 3 (domain.md §5).</summary>
    public static bool OpensCase(RiskAssessment a) => a.Effective >= CrisisLevel.High || a.DangerGrade >= 3;

    /// <summary>Everything wrong with an assessment a screen sent, for one rule error.</summary>
    public static IReadOnlyList<string> Problems(RiskAssessment a)
    {
        var problems = new List<string>();
        if (a.DangerGrade is < 0 or > 5)
        {
            problems.Add("danger grade must be 0–5");
        }

        var factors = a.Factors.IsDefault ? [] : a.Factors;
        foreach (var f in factors)
        {
            if (!Enum.IsDefined(f.Factor))
            {
                problems.Add($"factor {(int)f.Factor} is unknown");
            }

            if (f.Note is { Length: > MaxNote })
            {
                problems.Add($"the note on {f.Factor} is longer than {MaxNote} characters");
            }
        }

        foreach (var twice in factors.GroupBy(f => f.Factor).Where(g => g.Count() > 1))
        {
            problems.Add($"factor {twice.Key} is ticked twice");
        }

        if (a.Location is { Length: > MaxNote })
        {
            problems.Add($"location is longer than {MaxNote} characters");
        }

        if (a.Summary is { Length: > MaxSummary })
        {
            problems.Add($"summary is longer than {MaxSummary} characters");
        }

        if (a.Override is { } o)
        {
            if (!Enum.IsDefined(o.Level))
            {
                problems.Add("override level is unknown");
            }

            if (string.IsNullOrWhiteSpace(o.Reason) || o.Reason.Length > MaxNote)
            {
                problems.Add($"an override needs a reason of 1–{MaxNote} characters");
            }
        }

        return problems;
    }
}
