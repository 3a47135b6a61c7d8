using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Records;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class ContactRecordValidatorTests
{
    private static readonly ContactRecord Complete = new() { Risk = RiskLevel.Moderate, ProblemCategories = ["情绪"], Outcome = "情绪缓解", AgeBand = "18-24", Gender = "unknown" };

    [Fact]
    public void Complete_record_submits() => Assert.Empty(ContactRecordValidator.Problems(Complete, submitting: true));

    [Fact]
    public void Submitting_needs_risk_category_and_outcome_but_a_draft_does_not()
    {
        var empty = new ContactRecord();

        Assert.Empty(ContactRecordValidator.Problems(empty, submitting: false));
        Assert.Equal(
            ["risk must be assessed", "at least one problem category is required", "the age band is required (unknown is a choice)", "the gender is required (unknown is a choice)", "outcome is required"],
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

    public static TheoryData<ContactRecord, string> BadChoices => new()
    {
        { Complete with { AgeBand = "18-25" }, "'18-25' is not an age band" },
        { Complete with { Gender = "女" }, "'女' is not a gender" },
        { Complete with { ThirdParty = true, ThirdPartyRelation = "neighbour" }, "'neighbour' is not a relation" },
        { Complete with { InterventionsGiven = ["hypnosis"] }, "'hypnosis' is not an intervention" },
        { Complete with { Referrals = ["police"] }, "'police' is not a referral" },
        { Complete with { Province = "陕西" }, "'陕西' is not a province" },
        { Complete with { Province = "陕西省", City = "成都市" }, "'成都市' is not a city of 陕西省" },
        { Complete with { City = "西安市" }, "'西安市' is not a city of no province" },
    };

    [Theory]
    [MemberData(nameof(BadChoices))]
    public void A_category_field_takes_only_its_choices_even_in_a_draft(ContactRecord record, string problem) =>
        Assert.Contains(problem, ContactRecordValidator.Problems(record, submitting: false));

    [Fact]
    public void Every_choice_of_every_field_is_accepted()
    {
        var all = Complete with
        {
            ThirdParty = true, ThirdPartyRelation = "teacher", InterventionsGiven = RecordChoices.Interventions, Referrals = RecordChoices.Referrals,
            ReferralOther = "街道社工", Province = "陕西省", City = "西安市",
        };

        Assert.Empty(ContactRecordValidator.Problems(all, submitting: true));
        Assert.All(RecordChoices.AgeBands, a => Assert.Empty(ContactRecordValidator.Problems(Complete with { AgeBand = a }, true)));
        Assert.All(ChinaRegions.Provinces, p => Assert.Empty(ContactRecordValidator.Problems(Complete with { Province = p, City = ChinaRegions.CitiesOf(p)[0] }, true)));
    }
}

public sealed class ContactRecordMissingTests
{
    [Fact]
    public void Missing_fields_are_named_by_code_for_the_screen_to_word()
    {
        Assert.Equal(["risk", "category", "age-band", "gender", "outcome"], ContactRecordValidator.MissingForSubmit(new ContactRecord()));
        Assert.Equal(["follow-up"], ContactRecordValidator.MissingForSubmit(new ContactRecord { Risk = RiskLevel.Imminent, ProblemCategories = ["情绪"], Outcome = "转介", AgeBand = "unknown", Gender = "male" }));
        Assert.Equal(["relation", "referral-other"], ContactRecordValidator.MissingForSubmit(new ContactRecord
        {
            Risk = RiskLevel.NoneOrLow, ProblemCategories = ["家庭"], Outcome = "转介", AgeBand = "45-59", Gender = "male", ThirdParty = true, Referrals = ["other"],
        }));
    }
}
