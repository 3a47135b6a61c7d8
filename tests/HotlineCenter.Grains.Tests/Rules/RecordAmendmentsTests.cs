using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Records;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>What an amendment of a submitted record may change, and what it records of the change.</summary>
public sealed class RecordAmendmentsTests
{
    private static readonly ContactRecord Submitted = new()
    {
        Risk = RiskLevel.NoneOrLow, ProblemCategories = ["情绪", "家庭"], Outcome = "情绪平稳", AgeBand = "25-34", Gender = "female", RepeatCaller = false,
    };

    [Fact]
    public void The_diff_lists_each_changed_field_old_to_new_in_the_forms_order()
    {
        var corrected = Submitted with { AgeBand = "35-44", ProblemCategories = ["家庭", "情绪", "职场"], Note = "补充：来电者提到失业", Outcome = "情绪平稳" };

        var changes = RecordAmendments.Diff(Submitted, corrected);

        Assert.Equal<RecordFieldChange>(
            [new RecordFieldChange("age-band", "25-34", "35-44"), new RecordFieldChange("categories", "家庭,情绪", "家庭,情绪,职场"), new RecordFieldChange("note", null, "补充：来电者提到失业")],
            changes);
    }

    [Fact]
    public void Reordering_categories_or_padding_text_with_spaces_changes_nothing() =>
        Assert.Empty(RecordAmendments.Diff(Submitted, Submitted with { ProblemCategories = ["家庭", "情绪"], Outcome = " 情绪平稳 " }));

    [Theory]
    [InlineData("来电者更正了年龄", null)]
    [InlineData("", "record.amendment-reason")]
    [InlineData("   ", "record.amendment-reason")]
    [InlineData(null, "record.amendment-reason")]
    public void An_amendment_needs_a_reason(string? reason, string? code) =>
        Assert.Equal(code, RecordAmendments.Problems(Submitted, Submitted with { AgeBand = "35-44" }, reason).Select(p => p.Code).FirstOrDefault());

    [Fact]
    public void A_reason_longer_than_1000_characters_is_refused() =>
        Assert.Equal("record.amendment-reason", RecordAmendments.Problems(Submitted, Submitted with { AgeBand = "35-44" }, new string('x', 1001)).Single().Code);

    [Fact]
    public void An_amendment_that_changes_nothing_is_refused() =>
        Assert.Equal("record.amendment-empty", RecordAmendments.Problems(Submitted, Submitted, "复核").Single().Code);

    [Fact]
    public void The_corrected_record_must_still_be_complete() =>
        Assert.Equal("record.invalid", RecordAmendments.Problems(Submitted, Submitted with { Outcome = null }, "复核").Single().Code);

    [Fact]
    public void The_structured_risk_assessment_is_never_amended()
    {
        var assessed = Submitted with { Assessment = new RiskAssessment { Factors = [new FactorTick(RiskFactor.IdeationNow)] }, Risk = RiskLevel.Moderate, FollowUpPlan = "三天内回访" };

        var changedAssessment = RecordAmendments.Problems(assessed, assessed with { Assessment = new RiskAssessment { Factors = [] } }, "复核");
        var changedLevel = RecordAmendments.Problems(assessed, assessed with { Risk = RiskLevel.NoneOrLow }, "复核");
        var levelWithoutAssessment = RecordAmendments.Problems(Submitted, Submitted with { Risk = RiskLevel.Moderate, FollowUpPlan = "三天内回访" }, "复核");

        Assert.Equal("record.amendment-assessment", changedAssessment.First().Code);
        Assert.Equal("record.amendment-assessment", changedLevel.First().Code);
        Assert.Empty(levelWithoutAssessment);
    }
}
