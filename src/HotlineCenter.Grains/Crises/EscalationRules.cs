using System.Collections.Immutable;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Grains.Crises;

/// <summary>
/// Facts → proposed actions, as plain code over a rule set that is data (crisis.md §2). Rules whose conditions
/// all hold propose their action; several rules proposing the same kind make one action, which needs approval
/// only if every one of them asks for it (life first: the least restrictive wins).
/// </summary>
public static class EscalationRules
{
    public const int MaxRules = 100;
    private const int MaxDeadlineSeconds = 30 * 24 * 3600;
    private const int Day = 24 * 3600;

    private static readonly RuleCondition Imminent = new RuleCondition(ConditionKind.LevelAtLeast, (int)CrisisLevel.Imminent);

    /// <summary>The product default, crisis.md §2, as version 1.</summary>
    public static EscalationRuleSet Default { get; } = new(1,
    [
        Rule("medical-120", ActionKind.Ambulance120, false, "医疗急症：120", next: "imminent-location-known-110", new RuleCondition(ConditionKind.MedicalEmergencyNow)),
        Rule("medical-psychiatric-green-channel", ActionKind.GreenChannelHospital, false, "医疗急症伴精神症状：120 之后绿色通道",
            null, new RuleCondition(ConditionKind.MedicalEmergencyNow), new RuleCondition(ConditionKind.AcutePsychiatricSymptoms)),
        Rule("imminent-location-known-110", ActionKind.Police110, false, "紧急且位置已知：110", null, Imminent, new RuleCondition(ConditionKind.LocationKnown)),
        Rule("imminent-location-unknown-110", ActionKind.Police110, true, "紧急且位置不明：110 并提供回拨号码定位（需督导批准）",
            null, Imminent, new RuleCondition(ConditionKind.LocationKnown, Negate: true)),
        Rule("weapon-110", ActionKind.Police110, false, "持有凶器：110", null, new RuleCondition(ConditionKind.WeaponAtHand)),
        Rule("danger-to-others-110", ActionKind.Police110, false, "正在危及他人：110", null, new RuleCondition(ConditionKind.DangerToOthersNow)),
        Rule("danger-grade-110", ActionKind.Police110, true, "危险性评估 ≥ 3 级：110（需督导批准）", null, new RuleCondition(ConditionKind.DangerGradeAtLeast, 3)),
        Rule("green-channel", ActionKind.GreenChannelHospital, true, "高危、急性精神症状、本人愿意：绿色通道医院（未成年人：青少年医院）",
            null, new RuleCondition(ConditionKind.LevelAtLeast, (int)CrisisLevel.High), new RuleCondition(ConditionKind.AcutePsychiatricSymptoms), new RuleCondition(ConditionKind.CallerWilling)),
        Rule("guardian", ActionKind.GuardianNotification, true, "未成年人且中危以上：通知监护人（监护人即危险来源时不通知）",
            null, new RuleCondition(ConditionKind.CallerIsMinor), new RuleCondition(ConditionKind.LevelAtLeast, (int)CrisisLevel.Moderate), new RuleCondition(ConditionKind.GuardianIsDanger, Negate: true)),
        Rule("community-referral", ActionKind.CommunityReferral, false, "严重精神障碍、病情稳定但缺乏支持：精康融合转介",
            null, new RuleCondition(ConditionKind.SevereMentalDisorderKnown), new RuleCondition(ConditionKind.StableButUnsupported)),
        Rule("follow-up-24h", ActionKind.FollowUp, false, "回访：紧急/高危 24 小时内", null, new RuleCondition(ConditionKind.LevelIs, (int)CrisisLevel.Moderate, Negate: true))
            with { Deadlines = FollowUpWithin(Day) },
        Rule("follow-up-72h", ActionKind.FollowUp, false, "回访：中危 72 小时内", null, new RuleCondition(ConditionKind.LevelIs, (int)CrisisLevel.Moderate))
            with { Deadlines = FollowUpWithin(3 * Day) },
    ], null, null);

    /// <summary>What a rule set proposes for a case's facts (null: nothing assessed yet), in rule order.</summary>
    public static ImmutableArray<ProposedAction> Evaluate(EscalationRuleSet set, RiskAssessment? facts)
    {
        var byKind = new List<ProposedAction>();
        foreach (var rule in set.Rules.Where(r => !r.Conditions.IsDefaultOrEmpty && r.Conditions.All(c => Holds(c, facts))))
        {
            var index = byKind.FindIndex(p => p.Kind == rule.Action);
            var proposal = new ProposedAction(rule.Action, rule.RequiresApproval, rule.RuleId, rule.Deadlines.IsDefault ? [] : rule.Deadlines, rule.NextOnFailure);
            if (index < 0)
            {
                byKind.Add(proposal);
            }
            else if (byKind[index].RequiresApproval && !rule.RequiresApproval)
            {
                byKind[index] = proposal;
            }
        }

        return [.. byKind];
    }

    public static bool Holds(RuleCondition c, RiskAssessment? f)
    {
        // Before any assessment (crisis button, IVR "I am in danger") the case is treated as high risk.
        var level = f?.Effective ?? CrisisLevel.High;
        var holds = c.Kind switch
        {
            ConditionKind.Any => true,
            ConditionKind.MedicalEmergencyNow => f?.MedicalEmergencyNow == true,
            ConditionKind.LevelAtLeast => (int)level >= c.Value,
            ConditionKind.LevelIs => f is not null && (int)level == c.Value,
            ConditionKind.LocationKnown => f?.LocationKnown == true,
            ConditionKind.WeaponAtHand => f?.WeaponAtHand == true,
            ConditionKind.DangerToOthersNow => f?.DangerToOthersNow == true,
            ConditionKind.DangerGradeAtLeast => (f?.DangerGrade ?? 0) >= c.Value,
            ConditionKind.AcutePsychiatricSymptoms => f?.AcutePsychiatricSymptoms == true,
            ConditionKind.CallerWilling => f?.CallerWilling == true,
            ConditionKind.CallerIsMinor => f?.CallerIsMinor == true,
            ConditionKind.GuardianIsDanger => f?.GuardianIsDanger == true,
            ConditionKind.SevereMentalDisorderKnown => f?.SevereMentalDisorderKnown == true,
            ConditionKind.StableButUnsupported => f is not null && !f.AcutePsychiatricSymptoms && f.DangerGrade <= 2 && !f.Has(RiskFactor.SupportAvailable),
            _ => false,
        };
        return c.Negate ? !holds : holds;
    }

    /// <summary>
    /// Situations every rule set must answer, each with the action it must propose: a rule set without one
    /// has a gap and is refused (a life-threatening case must never get no action).
    /// </summary>
    public static IReadOnlyList<(string Situation, RiskAssessment Facts, ActionKind Needs)> RequiredCoverage { get; } =
    [
        ("a medical emergency", Assessed(new RiskAssessment { MedicalEmergencyNow = true }), ActionKind.Ambulance120),
        ("imminent risk with the location known", Assessed(new RiskAssessment { Factors = [new(RiskFactor.AttemptInProgress)], LocationKnown = true }), ActionKind.Police110),
        ("imminent risk with the location unknown", Assessed(new RiskAssessment { Factors = [new(RiskFactor.AttemptInProgress)] }), ActionKind.Police110),
        ("danger to others now", Assessed(new RiskAssessment { DangerToOthersNow = true }), ActionKind.Police110),
        ("a weapon at hand", Assessed(new RiskAssessment { WeaponAtHand = true }), ActionKind.Police110),
        ("a moderate-risk case", Assessed(new RiskAssessment { Factors = [new(RiskFactor.IdeationNow)] }), ActionKind.FollowUp),
        ("a high-risk case", Assessed(new RiskAssessment { Factors = [new(RiskFactor.IdeationNow), new(RiskFactor.ExpressedIntentToDie)] }), ActionKind.FollowUp),
    ];

    /// <summary>Every problem of a rule set: malformed rules, gaps in the required coverage, broken or cyclic failure chains.</summary>
    public static IReadOnlyList<string> Problems(ImmutableArray<EscalationRule> rules)
    {
        var problems = new List<string>();
        if (rules.IsDefaultOrEmpty)
        {
            return ["a rule set needs at least one rule"];
        }

        if (rules.Length > MaxRules)
        {
            problems.Add($"a rule set has at most {MaxRules} rules");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var name = $"rule '{rule.RuleId}'";
            if (!Keys.IsValidId(rule.RuleId))
            {
                problems.Add($"{name}: the id must be 1–64 characters a-z, 0-9, '-' or '_'");
            }
            else if (!ids.Add(rule.RuleId))
            {
                problems.Add($"{name}: the id is used twice");
            }

            if (!Enum.IsDefined(rule.Action))
            {
                problems.Add($"{name}: action {(int)rule.Action} is unknown");
            }

            if (rule.Conditions.IsDefaultOrEmpty)
            {
                problems.Add($"{name}: needs at least one condition (use Any for every case)");
            }
            else
            {
                foreach (var c in rule.Conditions)
                {
                    problems.AddRange(ConditionProblems(c).Select(p => $"{name}: {p}"));
                }
            }

            var deadlines = rule.Deadlines.IsDefault ? [] : rule.Deadlines;
            foreach (var d in deadlines)
            {
                if (!ActionStateMachine.IsOpen(d.State))
                {
                    problems.Add($"{name}: a deadline can only be set for an open state, not {d.State}");
                }

                if (d.Seconds < 10 || d.Seconds > MaxDeadlineSeconds)
                {
                    problems.Add($"{name}: the deadline for {d.State} must be 10 s to 30 days");
                }
            }

            foreach (var twice in deadlines.GroupBy(d => d.State).Where(g => g.Count() > 1))
            {
                problems.Add($"{name}: the deadline for {twice.Key} is given twice");
            }
        }

        var byId = rules.Where(r => r.RuleId is not null).GroupBy(r => r.RuleId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var rule in rules.Where(r => r.NextOnFailure is not null))
        {
            if (!byId.ContainsKey(rule.NextOnFailure!))
            {
                problems.Add($"rule '{rule.RuleId}': next on failure '{rule.NextOnFailure}' is not a rule of this set");
            }
        }

        problems.AddRange(Cycles(byId));

        var set = new EscalationRuleSet(0, rules, null, null);
        foreach (var (situation, facts, needs) in RequiredCoverage)
        {
            if (!Evaluate(set, facts).Any(p => p.Kind == needs))
            {
                problems.Add($"gap: no rule proposes {needs} for {situation}");
            }
        }

        return problems;
    }

    /// <summary>Each cycle in the next-on-failure chains, once (a failed action must not propose itself forever).</summary>
    private static IEnumerable<string> Cycles(Dictionary<string, EscalationRule> byId)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in byId.Keys)
        {
            var path = new List<string>();
            var current = start;
            while (current is not null && byId.TryGetValue(current, out var rule))
            {
                var at = path.IndexOf(current);
                if (at >= 0)
                {
                    var cycle = path[at..];
                    var key = string.Join(">", cycle.Order(StringComparer.Ordinal));
                    if (reported.Add(key))
                    {
                        yield return $"cycle in next on failure: {string.Join(" → ", cycle.Append(current))}";
                    }

                    break;
                }

                path.Add(current);
                current = rule.NextOnFailure;
            }
        }
    }

    private static IEnumerable<string> ConditionProblems(RuleCondition c)
    {
        if (!Enum.IsDefined(c.Kind))
        {
            yield return $"condition {(int)c.Kind} is unknown";
        }
        else if (c.Kind is ConditionKind.LevelAtLeast or ConditionKind.LevelIs && !Enum.IsDefined((CrisisLevel)c.Value))
        {
            yield return $"{c.Kind} needs a level 0–4, not {c.Value}";
        }
        else if (c.Kind == ConditionKind.DangerGradeAtLeast && c.Value is < 0 or > 5)
        {
            yield return $"{c.Kind} needs a grade 0–5, not {c.Value}";
        }
    }

    private static RiskAssessment Assessed(RiskAssessment a) => a with { Derived = RiskDerivation.Derive(a) };

    private static ImmutableArray<StateDeadline> FollowUpWithin(int seconds) =>
        [new(ActionState.Proposed, seconds), new(ActionState.Approved, seconds), new(ActionState.Requested, seconds), new(ActionState.Acknowledged, seconds), new(ActionState.EnRoute, seconds)];

    private static EscalationRule Rule(string id, ActionKind action, bool approval, string description, string? next, params RuleCondition[] conditions) =>
        new() { RuleId = id, Action = action, RequiresApproval = approval, Description = description, NextOnFailure = next, Conditions = [.. conditions] };
}
