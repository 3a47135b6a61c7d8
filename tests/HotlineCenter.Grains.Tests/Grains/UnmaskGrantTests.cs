using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Grains.Calls;
using HotlineCenter.Grains.Tests.Fixtures;
using Orleans.Core.Internal;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Break-glass: a grant needs a reason and a purpose of the call, stays in its centre and expires on the domain clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UnmaskGrantTests(ClusterFixture fixture)
{
    private const string Reason = "联动120需要核对来电号码";

    private static UnmaskRequest Request(Scenario s, string caseId, string? reason = Reason, string staff = "sup-zhou", string? centre = null, params StaffRole[] roles) =>
        new(staff, centre ?? s.CentreId, roles.Length == 0 ? [StaffRole.Supervisor] : [.. roles], reason, UnmaskPurposeKind.CrisisCase, caseId);

    private async Task<(Scenario S, ICallGrain Call, string CaseId, IUnmaskGrantGrain Grants)> CrisisCallAsync(string name)
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, counselor) = await s.ConnectedCallAsync(name, "wang-" + name);
        await call.DeclareCrisisAsync(counselor.GetPrimaryKeyString());
        var callId = call.GetPrimaryKeyString();
        return (s, call, CrisisKeys.CaseId(callId), fixture.Grains.GetGrain<IUnmaskGrantGrain>(callId));
    }

    [Fact]
    public async Task A_grant_without_a_reason_is_refused_and_stores_nothing()
    {
        var (s, _, caseId, grants) = await CrisisCallAsync("noreason");

        var missing = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, reason: null)));
        var tooShort = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, reason: "看号码")));

        Assert.Equal((UnmaskRules.ReasonRefused, UnmaskRules.ReasonRefused), (missing.Code, tooShort.Code));
        Assert.Empty(await grants.GetGrantsAsync());
    }

    [Fact]
    public async Task A_grant_reveals_the_sealed_number_to_its_supervisor_until_it_expires_on_the_clock()
    {
        var (s, _, caseId, grants) = await CrisisCallAsync("expiry");
        var purposes = await grants.GetPurposesAsync();

        var grant = await grants.GrantAsync(Request(s, caseId));
        var revealed = await grants.RevealAsync(grant.GrantId, "sup-zhou");
        var otherSupervisor = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.RevealAsync(grant.GrantId, "sup-li"));
        fixture.Time.Advance(TimeSpan.FromMinutes(9));
        var stillValid = await grants.GetActiveAsync("sup-zhou");
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var expired = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.RevealAsync(grant.GrantId, "sup-zhou"));

        Assert.Contains(purposes, p => p.Kind == UnmaskPurposeKind.CrisisCase && p.Id == caseId);
        Assert.Equal(TimeSpan.FromMinutes(10), grant.ExpiresAt - grant.GrantedAt);
        Assert.Equal(("enc-expiry", grant.GrantId), (revealed.EncryptedNumber, revealed.Grant.GrantId));
        Assert.Equal(UnmaskRules.UnknownGrant, otherSupervisor.Code);
        Assert.Equal(grant.GrantId, stillValid?.GrantId);
        Assert.Equal(UnmaskRules.Expired, expired.Code);
        Assert.Null(await grants.GetActiveAsync("sup-zhou"));
    }

    [Fact]
    public async Task Another_centre_and_roles_other_than_supervisor_are_refused_and_a_provincial_supervisor_spans_centres()
    {
        var (s, _, caseId, grants) = await CrisisCallAsync("boundary");

        var otherCentre = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, staff: "sup-bj", centre: "bj-12356")));
        var admin = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, staff: "admin", roles: StaffRole.Admin)));
        var auditor = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, staff: "auditor", roles: StaffRole.Auditor)));
        var counselor = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(Request(s, caseId, staff: "wang", roles: StaffRole.Counselor)));
        var refusedCount = (await grants.GetGrantsAsync()).Length;
        var provincial = await grants.GrantAsync(Request(s, caseId, staff: "p-sheng", centre: "province", roles: [StaffRole.Supervisor, StaffRole.Provincial]));

        Assert.Equal(UnmaskRules.OtherCentre, otherCentre.Code);
        Assert.Equal([UnmaskRules.RoleRefused, UnmaskRules.RoleRefused, UnmaskRules.RoleRefused], new[] { admin.Code, auditor.Code, counselor.Code });
        Assert.Equal(0, refusedCount);
        Assert.Equal(s.CentreId, provincial.CentreId);
    }

    [Fact]
    public async Task A_call_without_a_case_or_follow_up_offers_no_purpose_and_is_refused()
    {
        var s = await Scenario.CreateAsync(fixture);
        var (call, _) = await s.ConnectedCallAsync("plain", "wang-plain");
        var grants = fixture.Grains.GetGrain<IUnmaskGrantGrain>(call.GetPrimaryKeyString());

        var purposes = await grants.GetPurposesAsync();
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => grants.GrantAsync(
            new UnmaskRequest("sup-zhou", s.CentreId, [StaffRole.Supervisor], Reason, UnmaskPurposeKind.FollowUp, call.GetPrimaryKeyString())));

        Assert.Empty(purposes);
        Assert.Equal(UnmaskRules.PurposeRefused, refused.Code);
    }

    [Fact]
    public async Task After_a_key_rotation_a_call_re_seals_its_old_key_number_when_it_wakes()
    {
        var s = await Scenario.CreateAsync(fixture);
        var call = s.Call("rotated");
        await call.ArriveAsync(new CallArrival(s.CentreId, "test", new CallerRef("hash-rotated-" + s.CentreId, "138****0000", "k1:sealed-payload"), s.NextKey()));
        var before = await call.GetCallerRefForUnmaskAsync();

        await call.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var after = await Eventually.MatchesAsync(call.GetCallerRefForUnmaskAsync, c => c?.EncryptedNumber?.StartsWith("k2:", StringComparison.Ordinal) == true, "the number re-sealed under k2");

        Assert.Equal("k1:sealed-payload", before!.EncryptedNumber);
        Assert.Equal(("k2:sealed-payload", "138****0000"), (after!.EncryptedNumber, after.MaskedNumber));
    }
}
