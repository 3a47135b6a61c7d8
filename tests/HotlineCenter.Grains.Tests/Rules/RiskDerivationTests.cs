using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Crises;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>crisis.md §1 as a table: each row of the derivation rule, first match wins, buffers never lower.</summary>
public sealed class RiskDerivationTests
{
    private static RiskAssessment Ticked(params RiskFactor[] factors) => new() { Factors = [.. factors.Select(f => new FactorTick(f))] };

    public static TheoryData<string, RiskAssessment, CrisisLevel, string> Table => new()
    {
        { "nothing ticked", new RiskAssessment(), CrisisLevel.None, "none.nothing-ticked" },
        { "buffers only", Ticked(RiskFactor.SupportAvailable, RiskFactor.ReasonsForLiving), CrisisLevel.None, "none.nothing-ticked" },
        { "desire without ideation", Ticked(RiskFactor.Hopelessness, RiskFactor.IntolerablyAlone), CrisisLevel.Low, "low.desire-only" },
        { "capability alone (no row in the table)", Ticked(RiskFactor.HistoryOfViolence), CrisisLevel.Low, "low.other-factors" },
        { "ideation alone", Ticked(RiskFactor.IdeationNow), CrisisLevel.Moderate, "moderate.ideation" },
        { "capability with desire", Ticked(RiskFactor.PsychologicalPain, RiskFactor.IntoxicatedNow), CrisisLevel.Moderate, "moderate.capability-with-desire" },
        { "plan not within 72 h, no ideation", Ticked(RiskFactor.Plan), CrisisLevel.Low, "low.other-factors" },
        { "plan within 72 h", Ticked(RiskFactor.Plan) with { PlanWithin72Hours = true }, CrisisLevel.High, "high.plan-within-72h" },
        { "72 h flag without the plan ticked", Ticked(RiskFactor.IdeationNow) with { PlanWithin72Hours = true }, CrisisLevel.Moderate, "moderate.ideation" },
        { "attempt in the past 2 weeks", Ticked(RiskFactor.PastAttempt) with { PastAttemptWithinTwoWeeks = true }, CrisisLevel.High, "high.attempt-past-2-weeks" },
        { "older attempt with desire", Ticked(RiskFactor.PastAttempt, RiskFactor.Hopelessness), CrisisLevel.Moderate, "moderate.capability-with-desire" },
        { "ideation with intent", Ticked(RiskFactor.IdeationNow, RiskFactor.ExpressedIntentToDie), CrisisLevel.High, "high.ideation-with-intent" },
        { "ideation with means at hand", Ticked(RiskFactor.IdeationNow, RiskFactor.MeansAtHand), CrisisLevel.High, "high.ideation-with-means" },
        { "danger grade 3", new RiskAssessment { DangerGrade = 3 }, CrisisLevel.High, "high.danger-grade-3" },
        { "attempt in progress", Ticked(RiskFactor.AttemptInProgress), CrisisLevel.Imminent, "imminent.attempt-in-progress" },
        { "intent and means at hand", Ticked(RiskFactor.PreparatoryBehaviour, RiskFactor.MeansAtHand), CrisisLevel.Imminent, "imminent.intent-and-means" },
        { "danger grade 4", new RiskAssessment { DangerGrade = 4 }, CrisisLevel.Imminent, "imminent.danger-grade" },
        { "danger grade 5", new RiskAssessment { DangerGrade = 5 }, CrisisLevel.Imminent, "imminent.danger-grade" },
        { "danger to others now", new RiskAssessment { DangerToOthersNow = true }, CrisisLevel.Imminent, "imminent.danger-to-others" },
        { "every buffer beside an attempt in progress", Ticked(RiskFactor.AttemptInProgress, RiskFactor.SupportAvailable, RiskFactor.PlansForTheFuture, RiskFactor.Ambivalence, RiskFactor.ReasonsForLiving, RiskFactor.EngagedWithHelper), CrisisLevel.Imminent, "imminent.attempt-in-progress" },
        { "every buffer beside ideation with intent", Ticked(RiskFactor.IdeationNow, RiskFactor.Plan, RiskFactor.SupportAvailable, RiskFactor.ReasonsForLiving), CrisisLevel.High, "high.ideation-with-intent" },
        { "first match wins: grade 3 and attempt in progress", Ticked(RiskFactor.AttemptInProgress) with { DangerGrade = 3 }, CrisisLevel.Imminent, "imminent.attempt-in-progress" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Assessment_derives_the_level_of_the_first_matching_row(string situation, RiskAssessment assessment, CrisisLevel level, string row)
    {
        Assert.Equal((level, row), RiskDerivation.Explain(assessment));
        Assert.NotNull(situation);
    }

    [Theory]
    [InlineData(CrisisLevel.None, RiskLevel.NoneOrLow)]
    [InlineData(CrisisLevel.Low, RiskLevel.NoneOrLow)]
    [InlineData(CrisisLevel.Moderate, RiskLevel.Moderate)]
    [InlineData(CrisisLevel.High, RiskLevel.High)]
    [InlineData(CrisisLevel.Imminent, RiskLevel.Imminent)]
    public void Crisis_level_maps_onto_the_record_risk_every_screen_reads(CrisisLevel level, RiskLevel risk) =>
        Assert.Equal(risk, RiskDerivation.ToRiskLevel(level));

    [Fact]
    public void Override_is_the_effective_level_and_the_derived_level_is_kept_beside_it()
    {
        var a = Ticked(RiskFactor.IdeationNow) with { Derived = CrisisLevel.Moderate, Override = new RiskOverride(CrisisLevel.High, "语气决绝，拒绝安全计划") };

        Assert.Equal((CrisisLevel.Moderate, CrisisLevel.High), (a.Derived, a.Effective));
        Assert.True(RiskDerivation.OpensCase(a));
    }

    [Theory]
    [InlineData(CrisisLevel.Moderate, 2, false)]
    [InlineData(CrisisLevel.Moderate, 3, true)]
    [InlineData(CrisisLevel.High, 0, true)]
    [InlineData(CrisisLevel.Imminent, 0, true)]
    [InlineData(CrisisLevel.Low, 0, false)]
    public void A_case_opens_at_high_or_imminent_or_danger_grade_three(CrisisLevel derived, int grade, bool opens) =>
        Assert.Equal(opens, RiskDerivation.OpensCase(new RiskAssessment { Derived = derived, DangerGrade = grade }));

    [Fact]
    public void Invalid_assessment_lists_every_problem()
    {
        var bad = new RiskAssessment
        {
            DangerGrade = 6,
            Factors = [new(RiskFactor.IdeationNow), new(RiskFactor.IdeationNow), new((RiskFactor)999)],
            Override = new RiskOverride(CrisisLevel.High, " "),
        };

        Assert.Equal(
            ["danger grade must be 0–5", "factor 999 is unknown", "factor IdeationNow is ticked twice", "an override needs a reason of 1–500 characters"],
            RiskDerivation.Problems(bad));
    }
}
