using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Grains.Calls;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class UnmaskRulesTests
{
    private static readonly ImmutableArray<UnmaskPurpose> CasePurposes =
        [new(UnmaskPurposeKind.CrisisCase, "case-1", "case-1"), new(UnmaskPurposeKind.CrisisAction, "a1", "Ambulance120")];

    private const string Reason = "联动120需核对来电号码";

    private static UnmaskRequest Request(string? centre = "xa", string? reason = Reason, UnmaskPurposeKind kind = UnmaskPurposeKind.CrisisCase, string? id = "case-1", params StaffRole[] roles) =>
        new("s-zhou", centre, roles.Length == 0 ? [StaffRole.Supervisor] : [.. roles], reason, kind, id);

    [Theory]
    [InlineData(new[] { StaffRole.Supervisor }, null)]
    [InlineData(new[] { StaffRole.Provincial }, null)]
    [InlineData(new[] { StaffRole.Supervisor, StaffRole.Provincial }, null)]
    [InlineData(new[] { StaffRole.Supervisor, StaffRole.Admin }, null)]
    [InlineData(new[] { StaffRole.Admin }, UnmaskRules.RoleRefused)]
    [InlineData(new[] { StaffRole.Admin, StaffRole.Provincial }, UnmaskRules.RoleRefused)]
    [InlineData(new[] { StaffRole.Auditor }, UnmaskRules.RoleRefused)]
    [InlineData(new[] { StaffRole.Counselor }, UnmaskRules.RoleRefused)]
    public void Only_supervisors_and_provincial_supervisors_may_unmask(StaffRole[] roles, string? expected) =>
        Assert.Equal(expected, UnmaskRules.Refusal(Request(roles: roles), "xa", CasePurposes, hasNumber: true));

    [Theory]
    [InlineData("xa", new[] { StaffRole.Supervisor }, null)]
    [InlineData("bj", new[] { StaffRole.Supervisor }, UnmaskRules.OtherCentre)]
    [InlineData(null, new[] { StaffRole.Supervisor }, UnmaskRules.OtherCentre)]
    [InlineData("bj", new[] { StaffRole.Supervisor, StaffRole.Provincial }, null)]
    public void A_supervisor_unmasks_only_in_their_own_centre_unless_provincial(string? centre, StaffRole[] roles, string? expected) =>
        Assert.Equal(expected, UnmaskRules.Refusal(Request(centre: centre, roles: roles), "xa", CasePurposes, hasNumber: true));

    [Theory]
    [InlineData(null, UnmaskRules.ReasonRefused)]
    [InlineData("", UnmaskRules.ReasonRefused)]
    [InlineData("   需要号码   ", UnmaskRules.ReasonRefused)]
    [InlineData("123456789", UnmaskRules.ReasonRefused)]
    [InlineData("1234567890", null)]
    [InlineData(Reason, null)]
    public void A_reason_of_10_to_500_characters_is_required(string? reason, string? expected) =>
        Assert.Equal(expected, UnmaskRules.Refusal(Request(reason: reason), "xa", CasePurposes, hasNumber: true));

    [Fact]
    public void A_reason_longer_than_500_characters_is_refused() =>
        Assert.Equal(UnmaskRules.ReasonRefused, UnmaskRules.Refusal(Request(reason: new string('x', 501)), "xa", CasePurposes, hasNumber: true));

    [Theory]
    [InlineData(UnmaskPurposeKind.CrisisCase, "case-1", null)]
    [InlineData(UnmaskPurposeKind.CrisisAction, "a1", null)]
    [InlineData(UnmaskPurposeKind.CrisisAction, "a9", UnmaskRules.PurposeRefused)]
    [InlineData(UnmaskPurposeKind.CrisisCase, "case-2", UnmaskRules.PurposeRefused)]
    [InlineData(UnmaskPurposeKind.FollowUp, "case-1", UnmaskRules.PurposeRefused)]
    [InlineData(UnmaskPurposeKind.CrisisCase, null, UnmaskRules.PurposeRefused)]
    public void The_purpose_must_be_the_calls_case_or_one_of_its_actions(UnmaskPurposeKind kind, string? id, string? expected) =>
        Assert.Equal(expected, UnmaskRules.Refusal(Request(kind: kind, id: id), "xa", CasePurposes, hasNumber: true));

    [Fact]
    public void A_call_without_a_number_cannot_be_unmasked() =>
        Assert.Equal(UnmaskRules.NoNumber, UnmaskRules.Refusal(Request(), "xa", CasePurposes, hasNumber: false));

    [Fact]
    public void A_call_without_a_case_offers_its_follow_up_and_a_call_with_neither_offers_nothing()
    {
        var item = new HotlineCenter.Abstractions.Caseload.FollowUpItem("call-9", "c-wang", "138****0000", HotlineCenter.Abstractions.Records.RiskLevel.Moderate,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, HotlineCenter.Abstractions.Caseload.FollowUpStatus.Open, 0, null, null);

        var followUp = UnmaskRules.PurposesOf(null, new("xa", item, [], []));
        var none = UnmaskRules.PurposesOf(null, null);

        Assert.Equal(new UnmaskPurpose(UnmaskPurposeKind.FollowUp, "call-9", "call-9"), Assert.Single(followUp));
        Assert.Empty(none);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(1, 1)]
    [InlineData(60, 60)]
    [InlineData(0, 10)]
    public void A_grant_lasts_the_centres_minutes_and_a_configuration_from_before_the_setting_reads_as_ten(int configured, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), UnmaskRules.Lifetime(new CentreConfig { CentreId = "xa", DisplayName = "西安", Queues = [], IvrOptions = [], DefaultQueueId = "general", UnmaskGrantMinutes = configured }));

    [Fact]
    public void A_grant_is_valid_for_its_own_staff_member_until_its_expiry()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);
        var grant = new UnmaskGrant("g1", "call-1", "xa", "s-zhou", UnmaskPurposeKind.CrisisCase, "case-1", t0, t0.AddMinutes(10));

        Assert.True(UnmaskRules.IsValid(grant, "s-zhou", t0.AddMinutes(9)));
        Assert.False(UnmaskRules.IsValid(grant, "s-zhou", t0.AddMinutes(10)));
        Assert.False(UnmaskRules.IsValid(grant, "s-li", t0.AddMinutes(1)));
    }
}
