using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// Least privilege for the IT role: every method of the administrator's console acts only within the administrator's
/// own centre (their centre claim), as the supervisor's do; another centre is refused with <c>centre.not-yours</c>
/// and nothing is stored; only the Provincial role spans centres.
/// </summary>
public sealed class AdminCentreBoundaryTests : IAsyncLifetime
{
    private const string Own = DemoCentre.Id;
    private const string Other = "bj-12356";
    private const string Password = "boundary-password-2026";
    private readonly HotlineHost _host = new(HotlineHost.NewServiceId());

    public async Task InitializeAsync()
    {
        await Eventually.MatchesAsync(async () => (await _host.CreateClient().GetAsync("/health/ready")).StatusCode, s => s == System.Net.HttpStatusCode.OK, "host ready");
        var accounts = _host.Services.GetRequiredService<AccountService>();
        await accounts.CreateAsync("a-xa", "西安管理员", [StaffRole.Admin], Own, null, Password);
        await accounts.CreateAsync("s-bj", "北京督导", [StaffRole.Supervisor], Other, null, Password);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Every method of AdminService, aimed at another centre (or, for the account methods, its account).</summary>
    private static readonly (string Method, Func<AdminService, Task> Act)[] OnTheOtherCentre =
    [
        ("GetConfigAsync", a => a.GetConfigAsync(Other)),
        ("SaveConfigAsync", a => a.SaveConfigAsync(new CentreConfig { CentreId = Other, DisplayName = "北京", Queues = [], IvrOptions = [], DefaultQueueId = "general" }, "a-xa")),
        ("CreateCentreAsync", a => a.CreateCentreAsync("sh-12356", "上海", "a-xa")),
        ("GetCounselorsAsync", a => a.GetCounselorsAsync(Other)),
        ("SaveCounselorAsync(profile)", a => a.SaveCounselorAsync(Other, "c-bj1", new CounselorProfile(Other, "北京咨询员", [], ["cmn"], []), "a-xa")),
        ("SaveCounselorAsync(form)", a => a.SaveCounselorAsync(Other, "c-bj2", new CounselorForm { CounselorId = "c-bj2", IsNew = true, DisplayName = "北京咨询员" }, "a-xa")),
        ("ListAccountsAsync", a => a.ListAccountsAsync(Other)),
        ("SaveAccountAsync(new)", a => a.SaveAccountAsync(Other, new AccountForm { IsNew = true, Username = "c-bj3", DisplayName = "北京", Roles = [StaffRole.Counselor], Password = Password }, "a-xa")),
        // The other centre's account, under the administrator's own centre id: refused by the account's centre.
        ("SaveAccountAsync(existing)", a => a.SaveAccountAsync(Own, new AccountForm { Username = "s-bj", DisplayName = "改名", Roles = [StaffRole.Supervisor], Password = "taken-over-password-1" }, "a-xa")),
        ("UnlockAccountAsync", a => a.UnlockAccountAsync("s-bj", "a-xa")),
        ("GetRosterAsync", a => a.GetRosterAsync(Other)),
        ("SaveRosterAsync", a => a.SaveRosterAsync(Other, [], "a-xa")),
        ("GetEscalationRulesAsync", a => a.GetEscalationRulesAsync(Other)),
        ("GetEscalationHistoryAsync", a => a.GetEscalationHistoryAsync(Other)),
        ("PublishEscalationRulesAsync", a => a.PublishEscalationRulesAsync(Other, [], "a-xa")),
        ("GetAlertSettingsAsync", a => a.GetAlertSettingsAsync(Other)),
        ("SaveAlertSettingsAsync", a => a.SaveAlertSettingsAsync(Other, new HotlineCenter.Abstractions.Alerts.AlertSettings(), "a-xa")),
        ("GetLinkageDirectoryAsync", a => a.GetLinkageDirectoryAsync(Other)),
        ("SaveLinkageDirectoryAsync", a => a.SaveLinkageDirectoryAsync(Other, new LinkageForm(), "a-xa")),
    ];

    public static TheoryData<string> Methods() => [.. OnTheOtherCentre.Select(m => m.Method)];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task An_administrator_is_refused_every_method_on_another_centre(string method)
    {
        using var scope = CircuitScope.As(_host.Services, "a-xa", StaffRole.Admin, Own);
        var admin = scope.ServiceProvider.GetRequiredService<AdminService>();

        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => OnTheOtherCentre.Single(m => m.Method == method).Act(admin));

        Assert.Equal(method == "CreateCentreAsync" ? "account.provincial-only" : StaffAccess.OtherCentre, refused.Code);
        Assert.Null(await _host.Grains.GetGrain<ICentreGrain>(Other).GetConfigAsync());
        Assert.Null(await _host.Grains.GetGrain<ICentreGrain>("sh-12356").GetConfigAsync());
        Assert.Null(await _host.Grains.GetGrain<IUserAccountGrain>("c-bj3").GetAsync());
        Assert.Equal("北京督导", (await _host.Grains.GetGrain<IUserAccountGrain>("s-bj").GetAsync())!.DisplayName);
        Assert.Null((await _host.Grains.GetGrain<ICounselorGrain>("c-bj1").GetAsync()).Profile);
    }

    [Fact]
    public async Task Without_a_signed_in_user_nothing_is_allowed_and_a_refused_change_is_audited()
    {
        using var noCircuit = _host.Services.CreateScope();
        using var scope = CircuitScope.As(_host.Services, "a-xa", StaffRole.Admin, Own);

        var anonymous = await Assert.ThrowsAsync<HotlineRuleException>(() => noCircuit.ServiceProvider.GetRequiredService<AdminService>().GetConfigAsync(Own));
        await Assert.ThrowsAsync<HotlineRuleException>(() => scope.ServiceProvider.GetRequiredService<AdminService>().SaveLinkageDirectoryAsync(Other, new LinkageForm(), "a-xa"));
        var entries = await AuditEntries.WaitForAsync(_host.Grains, Own, e => e.Kind == AuditKind.ConfigChanged && e.Target == Other, "the refused change audited");

        Assert.Equal(StaffAccess.OtherCentre, anonymous.Code);
        var refused = Assert.Single(entries, e => e.Kind == AuditKind.ConfigChanged && e.Target == Other);
        Assert.Equal(("a-xa", AuditOutcome.Refused, "linkage-directory centre.not-yours"), (refused.Actor, refused.Outcome, refused.Detail));
    }

    [Fact]
    public async Task An_administrator_works_in_their_own_centre_sees_only_it_listed_and_a_provincial_administrator_spans_centres()
    {
        using var scope = CircuitScope.As(_host.Services, "a-xa", StaffRole.Admin, Own);
        using var provincial = CircuitScope.As(_host.Services, "admin", Own, StaffRole.Admin, StaffRole.Provincial);
        var admin = scope.ServiceProvider.GetRequiredService<AdminService>();
        var province = provincial.ServiceProvider.GetRequiredService<AdminService>();
        await province.CreateCentreAsync(Other, "北京", "admin");

        var own = await admin.GetConfigAsync(Own);
        var counselors = await admin.GetCounselorsAsync(Own);
        var listed = await admin.ListCentresAsync();
        var all = await province.ListCentresAsync();
        var otherByProvince = await province.GetConfigAsync(Other);
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => admin.GetConfigAsync(Other));

        Assert.Equal(Own, own?.CentreId);
        Assert.NotEmpty(counselors);
        Assert.Equal(Own, Assert.Single(listed));
        Assert.Contains(Other, all);
        Assert.Equal(Other, otherByProvince?.CentreId);
        Assert.Equal(StaffAccess.OtherCentre, refused.Code);
    }
}
