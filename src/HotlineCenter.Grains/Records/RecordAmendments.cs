using System.Collections.Immutable;
using System.Globalization;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Grains.Records;

/// <summary>
/// What an amendment of a submitted record may change and what it records, as plain code: every field of the record but
/// the structured risk assessment (a clinical act kept as it was made, with its time), each change old → new.
/// </summary>
public static class RecordAmendments
{
    public const int MaxReason = 1000;

    /// <summary>The record's fields as an amendment names them (stable codes; screens word them with <c>RecordField_{code}</c>).</summary>
    public static ImmutableArray<(string Field, Func<ContactRecord, string?> Value)> Fields { get; } =
    [
        ("age-band", r => r.AgeBand),
        ("gender", r => r.Gender),
        ("province", r => r.Province),
        ("city", r => r.City),
        ("region", r => r.Region),
        ("repeat-caller", r => r.RepeatCaller is { } b ? (b ? RecordChoices.Repeat : RecordChoices.FirstTime) : null),
        ("third-party", r => r.ThirdParty is { } t ? (t ? "yes" : "no") : null),
        ("relation", r => r.ThirdPartyRelation),
        ("risk", r => r.Risk == RiskLevel.NotAssessed ? null : r.Risk.ToString()),
        ("categories", r => List(r.ProblemCategories)),
        ("interventions-given", r => List(r.InterventionsGiven)),
        ("interventions", r => r.Interventions),
        ("referrals", r => List(r.Referrals)),
        ("referral-other", r => r.ReferralOther),
        ("referral", r => r.Referral),
        ("outcome", r => r.Outcome),
        ("follow-up-plan", r => r.FollowUpPlan),
        ("note", r => r.Note),
    ];

    /// <summary>The fields that differ, old → new, in the order of <see cref="Fields"/>.</summary>
    public static ImmutableArray<RecordFieldChange> Diff(ContactRecord old, ContactRecord corrected) =>
    [
        .. Fields
            .Select(f => (f.Field, Old: Blank(f.Value(old)), New: Blank(f.Value(corrected))))
            .Where(f => !string.Equals(f.Old, f.New, StringComparison.Ordinal))
            .Select(f => new RecordFieldChange(f.Field, f.Old, f.New)),
    ];

    /// <summary>Why an amendment is refused (code for the <c>Rule_</c> resource, and the English text); empty when it is accepted.</summary>
    public static IReadOnlyList<(string Code, string Text)> Problems(ContactRecord submitted, ContactRecord corrected, string? reason)
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReason)
        {
            problems.Add(("record.amendment-reason", $"an amendment needs a reason of 1–{MaxReason} characters"));
        }

        if (!SameAssessment(submitted.Assessment, corrected.Assessment) || (submitted.Assessment is not null && corrected.Risk != submitted.Risk))
        {
            problems.Add(("record.amendment-assessment", "the structured risk assessment is not amended: it stays as it was made"));
        }

        var invalid = ContactRecordValidator.Problems(corrected, submitting: true);
        if (invalid.Count > 0)
        {
            problems.Add(("record.invalid", string.Join("; ", invalid)));
        }

        if (problems.Count == 0 && Diff(submitted, corrected).IsEmpty)
        {
            problems.Add(("record.amendment-empty", "the amendment changes nothing"));
        }

        return problems;
    }

    private static bool SameAssessment(Abstractions.Crises.RiskAssessment? a, Abstractions.Crises.RiskAssessment? b) =>
        a is null ? b is null : b is not null && System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    private static string? List(ImmutableArray<string> values) =>
        values.IsDefaultOrEmpty ? null : string.Join(",", values.Order(StringComparer.Ordinal));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToString(CultureInfo.InvariantCulture);
}
