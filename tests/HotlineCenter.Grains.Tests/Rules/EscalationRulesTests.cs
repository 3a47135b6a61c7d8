using System.Collections.Immutable;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Grains.Crises;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>The default rule set (crisis.md §2) as a table of facts → actions with their approval, and rule-set validation.</summary>
public sealed class EscalationRulesTests
{
    private static RiskAssessment Facts(RiskAssessment a) => a with { Derived = RiskDerivation.Derive(a) };

    private static RiskAssessment Ticked(params RiskFactor[] factors) => new() { Factors = [.. factors.Select(f => new FactorTick(f))] };

    private static readonly RiskAssessment Attempt = Ticked(RiskFactor.AttemptInProgress);

    private static readonly RiskAssessment HighRisk = Ticked(RiskFactor.IdeationNow, RiskFactor.ExpressedIntentToDie);

    /// <summary>Expected actions written as "Kind" (no approval) or "Kind!" (needs a supervisor's approval), in rule order.</summary>
    public static TheoryData<string, RiskAssessment?, string[]> Table => new()
    {
        { "crisis button, nothing assessed", null, ["FollowUp"] },
        { "medical emergency", Facts(new RiskAssessment { MedicalEmergencyNow = true }), ["Ambulance120", "FollowUp"] },
        { "medical emergency with acute psychiatric symptoms", Facts(new RiskAssessment { MedicalEmergencyNow = true, AcutePsychiatricSymptoms = true }), ["Ambulance120", "GreenChannelHospital", "FollowUp"] },
        { "imminent, location known", Facts(Attempt with { LocationKnown = true, Location = "雁塔区某小区" }), ["Police110", "FollowUp"] },
        { "imminent, location known, overdose taken", Facts(Attempt with { LocationKnown = true, MedicalEmergencyNow = true }), ["Ambulance120", "Police110", "FollowUp"] },
        { "imminent, location unknown", Facts(Attempt), ["Police110!", "FollowUp"] },
        { "weapon at hand", Facts(new RiskAssessment { WeaponAtHand = true }), ["Police110", "FollowUp"] },
        { "danger to others now, location unknown: no approval for others now", Facts(new RiskAssessment { DangerToOthersNow = true }), ["Police110", "FollowUp"] },
        { "danger grade 3", Facts(new RiskAssessment { DangerGrade = 3 }), ["Police110!", "FollowUp"] },
        { "danger grade 4, location known", Facts(new RiskAssessment { DangerGrade = 4, LocationKnown = true }), ["Police110", "FollowUp"] },
        { "high, acute psychiatric, willing", Facts(HighRisk with { AcutePsychiatricSymptoms = true, CallerWilling = true }), ["GreenChannelHospital!", "FollowUp"] },
        { "high, acute psychiatric, not willing", Facts(HighRisk with { AcutePsychiatricSymptoms = true }), ["FollowUp"] },
        { "minor at moderate risk", Facts(Ticked(RiskFactor.IdeationNow) with { CallerIsMinor = true }), ["GuardianNotification!", "FollowUp"] },
        { "minor at moderate risk, guardian is the danger", Facts(Ticked(RiskFactor.IdeationNow) with { CallerIsMinor = true, GuardianIsDanger = true }), ["FollowUp"] },
        { "minor at low risk", Facts(Ticked(RiskFactor.Hopelessness) with { CallerIsMinor = true }), ["FollowUp"] },
        { "severe mental disorder, stable, unsupported", Facts(Ticked(RiskFactor.Hopelessness) with { SevereMentalDisorderKnown = true, DangerGrade = 1 }), ["CommunityReferral", "FollowUp"] },
        { "severe mental disorder with support", Facts(Ticked(RiskFactor.Hopelessness, RiskFactor.SupportAvailable) with { SevereMentalDisorderKnown = true }), ["FollowUp"] },
        { "severe mental disorder, acute", Facts(Ticked(RiskFactor.Hopelessness) with { SevereMentalDisorderKnown = true, AcutePsychiatricSymptoms = true }), ["FollowUp"] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Default_rules_propose_the_actions_of_crisis_md_section_2(string situation, RiskAssessment? facts, string[] expected)
    {
        var proposed = EscalationRules.Evaluate(EscalationRules.Default, facts);

        Assert.Equal(expected, proposed.Select(p => p.Kind + (p.RequiresApproval ? "!" : string.Empty)));
        Assert.NotNull(situation);
    }

    [Theory]
    [InlineData(CrisisLevel.Imminent, 24)]
    [InlineData(CrisisLevel.High, 24)]
    [InlineData(CrisisLevel.Moderate, 72)]
    [InlineData(CrisisLevel.Low, 24)]
    public void Follow_up_is_due_within_24_hours_for_imminent_or_high_and_72_for_moderate(CrisisLevel level, int hours)
    {
        var followUp = EscalationRules.Evaluate(EscalationRules.Default, new RiskAssessment { Derived = level }).Single(p => p.Kind == ActionKind.FollowUp);

        Assert.Equal(hours * 3600, followUp.Deadlines.Single(d => d.State == ActionState.Proposed).Seconds);
    }

    [Fact]
    public void Default_rule_set_is_valid() => Assert.Empty(EscalationRules.Problems(EscalationRules.Default.Rules));

    [Fact]
    public void Rule_set_without_the_120_rule_has_a_gap()
    {
        var rules = EscalationRules.Default.Rules.RemoveAll(r => r.Action == ActionKind.Ambulance120);

        Assert.Equal(["gap: no rule proposes Ambulance120 for a medical emergency"], EscalationRules.Problems(rules));
    }

    [Fact]
    public void Rule_set_without_any_110_rule_lists_every_imminent_gap()
    {
        var rules = EscalationRules.Default.Rules.RemoveAll(r => r.Action == ActionKind.Police110)
            .Select(r => r with { NextOnFailure = null }).ToImmutableArray();

        Assert.Equal(
        [
            "gap: no rule proposes Police110 for imminent risk with the location known",
            "gap: no rule proposes Police110 for imminent risk with the location unknown",
            "gap: no rule proposes Police110 for danger to others now",
            "gap: no rule proposes Police110 for a weapon at hand",
        ], EscalationRules.Problems(rules));
    }

    [Fact]
    public void Cycle_in_the_next_on_failure_chain_is_refused()
    {
        var rules = EscalationRules.Default.Rules
            .Select(r => r.RuleId switch
            {
                "imminent-location-known-110" => r with { NextOnFailure = "weapon-110" },
                "weapon-110" => r with { NextOnFailure = "medical-120" },
                _ => r,
            }).ToImmutableArray();

        Assert.Equal(["cycle in next on failure: medical-120 → imminent-location-known-110 → weapon-110 → medical-120"], EscalationRules.Problems(rules));
    }

    [Fact]
    public void Malformed_rules_are_refused_with_every_problem()
    {
        ImmutableArray<EscalationRule> rules =
        [
            .. EscalationRules.Default.Rules,
            new EscalationRule { RuleId = "Bad Id", Conditions = [], Action = (ActionKind)42 },
            new EscalationRule { RuleId = "weapon-110", Conditions = [new(ConditionKind.DangerGradeAtLeast, 9)], Action = ActionKind.Police110, NextOnFailure = "nowhere" },
            new EscalationRule { RuleId = "self", Conditions = [new(ConditionKind.Any)], Action = ActionKind.FollowUp, NextOnFailure = "self", Deadlines = [new(ActionState.Completed, 60), new(ActionState.Proposed, 1)] },
        ];

        Assert.Equal(
        [
            "rule 'Bad Id': the id must be 1–64 characters a-z, 0-9, '-' or '_'",
            "rule 'Bad Id': action 42 is unknown",
            "rule 'Bad Id': needs at least one condition (use Any for every case)",
            "rule 'weapon-110': the id is used twice",
            "rule 'weapon-110': DangerGradeAtLeast needs a grade 0–5, not 9",
            "rule 'self': a deadline can only be set for an open state, not Completed",
            "rule 'self': the deadline for Proposed must be 10 s to 30 days",
            "rule 'weapon-110': next on failure 'nowhere' is not a rule of this set",
            "cycle in next on failure: self → self",
        ], EscalationRules.Problems(rules));
    }

    [Fact]
    public void Empty_rule_set_is_refused() => Assert.Equal(["a rule set needs at least one rule"], EscalationRules.Problems([]));
}
