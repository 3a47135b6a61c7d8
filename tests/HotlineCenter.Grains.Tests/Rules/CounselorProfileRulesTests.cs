using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Counselors;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class CounselorProfileRulesTests
{
    private static readonly CounselorProfile Valid = new("xa-12356", "王雪", [new SkillLevel("youth", 3)], ["cmn"], ["general"]);

    [Fact]
    public void A_complete_profile_has_no_problems()
    {
        Assert.Empty(CounselorProfileRules.Problems(Valid));
        Assert.Empty(CounselorProfileRules.Problems(Valid with { Device = new AnswerDevice(DeviceKind.Phone, "+8613900000000") }));
    }

    public static TheoryData<CounselorProfile, string> Broken => new()
    {
        { Valid with { CentreId = "XA 12356" }, "centre id 'XA 12356' is invalid" },
        { Valid with { DisplayName = " " }, "display name must be 1–100 characters" },
        { Valid with { DisplayName = new string('王', 101) }, "display name must be 1–100 characters" },
        { Valid with { Skills = default }, "skills, languages and queues must be given (they may be empty)" },
        { Valid with { Skills = [new SkillLevel("youth", 6)] }, "skill 'youth' needs a valid name and a level from 1 to 5" },
        { Valid with { Skills = [new SkillLevel("Youth!", 3)] }, "skill 'Youth!' needs a valid name and a level from 1 to 5" },
        { Valid with { QueueIds = ["general", "青少年"] }, "queue id '青少年' is invalid" },
        { Valid with { Device = new AnswerDevice(DeviceKind.Phone, null) }, "a counsellor answering on a phone needs an E.164 number such as +8613900000000" },
        { Valid with { Device = new AnswerDevice(DeviceKind.Phone, "13900000000") }, "a counsellor answering on a phone needs an E.164 number such as +8613900000000" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_broken_field_is_named(CounselorProfile profile, string problem) =>
        Assert.Equal([problem], CounselorProfileRules.Problems(profile));

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var problems = CounselorProfileRules.Problems(Valid with { DisplayName = "", Skills = [new SkillLevel("youth", 0)], QueueIds = ["Bad"] });

        Assert.Equal(3, problems.Count);
    }
}
