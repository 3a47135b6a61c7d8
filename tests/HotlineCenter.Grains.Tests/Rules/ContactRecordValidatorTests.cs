using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Records;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class ContactRecordValidatorTests
{
    private static readonly ContactRecord Complete = new() { Risk = RiskLevel.Moderate, ProblemCategories = ["情绪"], Outcome = "情绪缓解" };

    [Fact]
    public void Complete_record_submits() => Assert.Empty(ContactRecordValidator.Problems(Complete, submitting: true));

    [Fact]
    public void Submitting_needs_risk_category_and_outcome_but_a_draft_does_not()
    {
        var empty = new ContactRecord();

        Assert.Empty(ContactRecordValidator.Problems(empty, submitting: false));
        Assert.Equal(
            ["risk must be assessed", "at least one problem category is required", "outcome is required"],
            ContactRecordValidator.Problems(empty, submitting: true));
    }

    [Theory]
    [InlineData(RiskLevel.High)]
    [InlineData(RiskLevel.Imminent)]
    public void High_risk_needs_a_follow_up_plan(RiskLevel risk)
    {
        Assert.Contains("a follow-up plan is required for high or imminent risk", ContactRecordValidator.Problems(Complete with { Risk = risk }, true));
        Assert.Empty(ContactRecordValidator.Problems(Complete with { Risk = risk, FollowUpPlan = "24小时内回访" }, true));
    }

    [Fact]
    public void Unknown_category_and_oversized_text_are_refused_even_in_a_draft()
    {
        var problems = ContactRecordValidator.Problems(Complete with { ProblemCategories = ["天气"], Note = new string('字', 4001) }, submitting: false);

        Assert.Contains("'天气' is not a problem category", problems);
        Assert.Contains("note is longer than 4000 characters", problems);
    }
}

public sealed class ContactRecordMissingTests
{
    [Fact]
    public void Missing_fields_are_named_by_code_for_the_screen_to_word()
    {
        Assert.Equal(["risk", "category", "outcome"], ContactRecordValidator.MissingForSubmit(new ContactRecord()));
        Assert.Equal(["follow-up"], ContactRecordValidator.MissingForSubmit(new ContactRecord { Risk = RiskLevel.Imminent, ProblemCategories = ["情绪"], Outcome = "转介" }));
    }
}
