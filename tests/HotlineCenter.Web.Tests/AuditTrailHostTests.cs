using System.Net;
using System.Security.Claims;
using System.Text;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Grains.Audit;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Audit;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StackExchange.Redis;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The audit trail in the real host on the real Redis: sign-ins (succeeded, refused, unknown account) and sign-outs,
/// reads through the desk as a circuit makes them, the auditor's CSV export, and the audit-verify command against
/// what is stored (intact, then with an entry changed in Redis).
/// </summary>
public sealed class AuditTrailHostTests : IAsyncLifetime
{
    private const string Centre = DemoCentre.Id;
    private readonly HotlineHost _host = new(HotlineHost.NewServiceId());

    public async Task InitializeAsync() =>
        await Eventually.MatchesAsync(async () => (await Client().GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Sign_ins_that_succeed_or_fail_and_sign_outs_are_audited_and_an_unknown_name_is_never_kept()
    {
        using var wang = Client();
        await SignIn.AsAsync(wang, "c-wang");
        var wrong = await SignIn.PostLoginAsync(Client(), "c-li", "not-her-password-at-all");
        var unknown = await SignIn.PostLoginAsync(Client(), "mistyped-secret-123", "whatever-password-1");
        var signOut = await wang.PostAsync("/account/logout", null);

        var centre = await AuditEntries.OfAsync(_host.Grains, Centre);
        var host = await AuditEntries.OfAsync(_host.Grains, AuditChains.Host);

        Assert.Contains("error=failed", wrong.Headers.Location!.ToString());
        Assert.Contains("error=failed", unknown.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var signedIn = Assert.Single(centre, e => e.Kind == AuditKind.SignIn && e.Actor == "c-wang");
        Assert.Equal((AuditOutcome.Succeeded, "c-wang", StaffRole.Counselor), (signedIn.Outcome, signedIn.Target, Assert.Single(signedIn.Roles)));
        var failed = Assert.Single(centre, e => e.Kind == AuditKind.SignInFailed);
        Assert.Equal(("c-li", AuditOutcome.Refused, "bad-password"), (failed.Actor, failed.Outcome, failed.Detail));
        var stranger = Assert.Single(host, e => e.Kind == AuditKind.SignInFailed);
        Assert.Equal((AuditChains.UnknownActor, AuditOutcome.Refused, "unknown-account"), (stranger.Actor, stranger.Outcome, stranger.Detail));
        Assert.DoesNotContain(host.Concat(centre), e => (e.Actor + e.Target + e.Detail).Contains("mistyped", StringComparison.Ordinal));
        Assert.Single(centre, e => e.Kind == AuditKind.SignOut && e.Actor == "c-wang");
    }

    [Fact]
    public async Task A_record_read_through_the_desk_is_audited_for_the_counsellor_from_the_address_of_their_page()
    {
        var (callId, _) = await _host.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>().PlaceCallAsync(Centre, "2", "+8613700001111");
        await using var circuit = await CircuitOfAsync("c-wang", "10.20.30.40");

        await circuit.ServiceProvider.GetRequiredService<DeskService>().GetRecordAsync(callId, "c-wang");
        var refused = await Assert.ThrowsAsync<HotlineCenter.Abstractions.Common.HotlineRuleException>(() =>
            circuit.ServiceProvider.GetRequiredService<DeskService>().GetCallerContextAsync("c-wang", callId));
        var entries = await AuditEntries.OfAsync(_host.Grains, Centre);

        var read = Assert.Single(entries, e => e.Kind == AuditKind.RecordRead && e.Target == callId);
        Assert.Equal(("c-wang", "10.20.30.40", AuditOutcome.Succeeded, StaffRole.Counselor), (read.Actor, read.Address, read.Outcome, Assert.Single(read.Roles)));
        var context = Assert.Single(entries, e => e.Kind == AuditKind.CallerContextRead && e.Target == callId);
        Assert.Equal((AuditOutcome.Refused, refused.Code), (context.Outcome, context.Detail));
        Assert.DoesNotContain(entries, e => (e.Target + e.Detail).Contains("13700001111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_auditor_exports_a_search_as_chinese_csv_with_a_bom_the_export_is_audited_and_bad_requests_are_refused()
    {
        await SignIn.AsAsync(Client(), "c-wang");
        using var auditor = Client();
        await SignIn.AsAsync(auditor, "auditor");
        using var counsellor = Client();
        await SignIn.AsAsync(counsellor, "c-zhang");

        var csv = await auditor.GetAsync($"/api/audit/{Centre}/entries.csv?user=c-wang&kind=SignIn");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var exported = await AuditEntries.OfAsync(_host.Grains, Centre);

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal("序号,时间（北京时间）,用户,角色,类别,对象,来源地址,结果,说明,哈希", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",c-wang,咨询员,登录,c-wang,", lines[1]);
        var export = Assert.Single(exported, e => e.Kind == AuditKind.Export);
        Assert.Equal(("auditor", Centre, "rows=1 user=c-wang kind=SignIn"), (export.Actor, export.Target, export.Detail));

        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"/api/audit/{Centre}/entries.csv?kind=Eavesdrop")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"/api/audit/{Centre}/entries.csv?from=2026-13-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"/api/audit/{Centre}/entries.csv?from=2026-03-02&to=2026-03-01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/audit/bj-12356/entries.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await counsellor.GetAsync($"/api/audit/{Centre}/entries.csv")).StatusCode);
        Assert.Single(await AuditEntries.OfAsync(_host.Grains, Centre), e => e.Kind == AuditKind.Export);
    }

    [Fact]
    public async Task Audit_verify_exits_0_on_the_stored_chain_and_2_naming_the_first_broken_sequence_once_an_entry_is_changed_in_redis()
    {
        foreach (var user in new[] { "c-wang", "c-li", "s-zhou" })
        {
            await SignIn.AsAsync(Client(), user);
        }

        var intactOutput = new StringWriter();
        var intact = await AuditVerifyCommand.RunAsync(["--centre", Centre], VerifyConfiguration(), intactOutput);

        // Someone with access to Redis rewrites who signed in second.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(HotlineHost.Redis);
        var key = $"{_host.ServiceId}/state/auditsegment/{AuditChains.SegmentKey(Centre, 1)}/segment";
        var serializer = _host.Services.GetRequiredService<Serializer>();
        var stored = serializer.Deserialize<AuditSegmentState>((byte[])(await redis.GetDatabase().HashGetAsync(key, "data"))!)!;
        stored.Entries[1] = stored.Entries[1] with { Actor = "c-zhang" };
        await redis.GetDatabase().HashSetAsync(key, "data", serializer.SerializeToArray(stored));
        var brokenOutput = new StringWriter();
        var broken = await AuditVerifyCommand.RunAsync(["--centre", Centre], VerifyConfiguration(), brokenOutput);
        var usage = await AuditVerifyCommand.RunAsync([], VerifyConfiguration(), new StringWriter());

        Assert.True(intact == 0, intactOutput.ToString());
        Assert.Contains($"audit chain {Centre}: intact, 3 entries checked", intactOutput.ToString());
        Assert.True(broken == 2, brokenOutput.ToString());
        Assert.Contains($"audit chain {Centre}: BROKEN at sequence {stored.Entries[1].Sequence} (entry-modified)", brokenOutput.ToString());
        Assert.Equal(1, usage);
    }

    private IConfiguration VerifyConfiguration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = HotlineHost.Redis,
        ["Orleans:ClusterId"] = _host.ServiceId,
        ["Orleans:ServiceId"] = _host.ServiceId,
        ["Audit:CheckpointKey"] = HotlineHost.AuditCheckpointKey,
    }).Build();

    private HttpClient Client() => _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A service scope set up as a Blazor circuit's: the signed-in principal and the address of the page's request.</summary>
    private async Task<AsyncServiceScope> CircuitOfAsync(string username, string address)
    {
        var (_, principal) = await _host.Services.GetRequiredService<AccountService>().SignInAsync(username, SignIn.DemoPassword);
        var scope = _host.Services.CreateAsyncScope();
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(principal ?? new ClaimsPrincipal())));
        scope.ServiceProvider.GetRequiredService<AuditOrigin>().Set(address);
        return scope;
    }
}
