using System.Collections.Immutable;
using System.Reflection;
using System.Security.Claims;
using Bunit;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Calls;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Components.Shared;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fakes;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The break-glass panel as the supervisor uses it (the real service and rules, a fake grant grain on the test's
/// clock): ask with a reason and the case, see the number with the time left, and lose it when the grant runs out.
/// </summary>
public sealed class UnmaskNumberTests : ConsoleTestContext
{
    private const string CallId = "CA1";
    private readonly RecordingAuditTrail _audit = new();
    private readonly FakeUnmaskGrants _grants;

    public UnmaskNumberTests()
    {
        _grants = new FakeUnmaskGrants(Time);
        var grains = new FakeGrainFactory();
        grains.Add<IUnmaskGrantGrain>(CallId, _grants);
        grains.Add(CallId, CallGrainProxy.With(new CallSnapshot(CallId, "xa-12356", CallStatus.Connected, "*******5678", "xa-12356/general", true, 100,
            "c-wang", null, null, null, null, null, [])));
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "s-zhou"), new Claim(ClaimTypes.Role, nameof(StaffRole.Supervisor)), new Claim(AccountService.CentreIdClaim, "xa-12356")], "test"));
        Services.AddSingleton(new BreakGlassService(grains, new PlainVault(), _audit, NullLogger<BreakGlassService>.Instance, new FixedUser(user)));
        Render<MudBlazor.MudPopoverProvider>();
    }

    [Fact]
    public void The_supervisor_asks_with_a_reason_sees_the_number_with_the_time_left_and_it_is_masked_again_when_the_grant_ends()
    {
        var panel = Render<UnmaskNumber>(p => p.Add(x => x.CallId, CallId));

        panel.Find("[data-testid=unmask-open]").Click();
        var confirmBeforeReason = panel.Find("[data-testid=unmask-confirm]").HasAttribute("disabled");
        panel.Find("[data-testid=unmask-reason]").Input("联动120需要核对来电号码");
        panel.Find("[data-testid=unmask-confirm]").Click();
        var shown = panel.WaitForElement("[data-testid=unmasked-number]").TextContent.Trim();
        var left = panel.Find("[data-testid=unmask-time-left]").TextContent;
        var buttonWhileShown = panel.FindAll("[data-testid=unmask-open]").Count;
        Time.Advance(TimeSpan.FromMinutes(10));

        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("[data-testid=unmasked-number]")));
        Assert.True(confirmBeforeReason);
        Assert.Equal("+8613900005678", shown);
        Assert.Contains("10:00", left);
        Assert.Equal(0, buttonWhileShown);
        Assert.Contains("已到期", panel.Find("[data-testid=unmask-expired]").TextContent);
        Assert.DoesNotContain("+8613900005678", panel.Markup);
        Assert.Single(panel.FindAll("[data-testid=unmask-open]"));
        Assert.Equal(
            [(AuditKind.Unmask, AuditOutcome.Succeeded, "grant=g1"), (AuditKind.Unmask, AuditOutcome.Succeeded, "reveal grant=g1")],
            _audit.Entries.Select(e => (e.Kind, e.Outcome, e.Detail!.Split(' ')[0] == "grant=g1" ? "grant=g1" : e.Detail)));
    }

    [Fact]
    public void A_refusal_is_worded_on_screen_and_shows_no_number()
    {
        _grants.Refuse = UnmaskRules.OtherCentre;
        var snackbar = Render<MudBlazor.MudSnackbarProvider>();
        var panel = Render<UnmaskNumber>(p => p.Add(x => x.CallId, CallId));

        panel.Find("[data-testid=unmask-open]").Click();
        panel.Find("[data-testid=unmask-reason]").Input("联动120需要核对来电号码");
        panel.Find("[data-testid=unmask-confirm]").Click();

        snackbar.WaitForAssertion(() => Assert.Contains("只能查看本中心来电的完整号码", snackbar.Markup));
        Assert.Empty(panel.FindAll("[data-testid=unmasked-number]"));
        Assert.Equal((AuditOutcome.Refused, "request unmask.other-centre"), (_audit.Entries.Single().Outcome, _audit.Entries.Single().Detail));
    }

    private sealed class FixedUser(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    /// <summary>"Decrypts" the fake ciphertext <c>k1:&lt;number&gt;</c>.</summary>
    private sealed class PlainVault : ICallerNumberVault
    {
        public string CurrentKeyId => "k1";

        public bool NeedsReseal(string? encryptedNumber) => false;

        public CallerRef Reseal(CallerRef caller) => caller;

        public string? Reveal(string? encryptedNumber) => encryptedNumber?.StartsWith("k1:", StringComparison.Ordinal) == true ? encryptedNumber[3..] : null;
    }

    /// <summary>One case purpose; grants by the real rules' lifetime and validity on the test clock.</summary>
    private sealed class FakeUnmaskGrants(TimeProvider time) : IUnmaskGrantGrain
    {
        private readonly List<UnmaskGrant> _grants = [];

        public string? Refuse { get; set; }

        public Task<ImmutableArray<UnmaskPurpose>> GetPurposesAsync() =>
            Task.FromResult<ImmutableArray<UnmaskPurpose>>([new(UnmaskPurposeKind.CrisisCase, "case-CA1", "case-CA1")]);

        public Task<UnmaskGrant> GrantAsync(UnmaskRequest request)
        {
            if ((Refuse ?? UnmaskRules.Refusal(request, "xa-12356", [new(UnmaskPurposeKind.CrisisCase, "case-CA1", "case-CA1")], hasNumber: true)) is { } code)
            {
                throw new HotlineRuleException(code, UnmaskRules.Describe(code));
            }

            var now = time.GetUtcNow();
            var grant = new UnmaskGrant($"g{_grants.Count + 1}", CallId, "xa-12356", request.StaffId, request.PurposeKind, request.PurposeId!, now, now.AddMinutes(10));
            _grants.Add(grant);
            return Task.FromResult(grant);
        }

        public Task<UnmaskSealed> RevealAsync(string grantId, string staffId)
        {
            var grant = _grants.Single(g => g.GrantId == grantId);
            return UnmaskRules.IsValid(grant, staffId, time.GetUtcNow())
                ? Task.FromResult(new UnmaskSealed(grant, "k1:+8613900005678"))
                : throw new HotlineRuleException(UnmaskRules.Expired, "expired");
        }

        public Task<UnmaskGrant?> GetActiveAsync(string staffId) => Task.FromResult(_grants.LastOrDefault(g => UnmaskRules.IsValid(g, staffId, time.GetUtcNow())));

        public Task<ImmutableArray<UnmaskGrant>> GetGrantsAsync() => Task.FromResult<ImmutableArray<UnmaskGrant>>([.. _grants]);
    }
}

/// <summary>A call grain that answers <see cref="ICallGrain.GetAsync"/> with a fixed snapshot and refuses anything else.</summary>
public class CallGrainProxy : DispatchProxy
{
    private CallSnapshot _snapshot = default!;

    public static ICallGrain With(CallSnapshot snapshot)
    {
        var proxy = Create<ICallGrain, CallGrainProxy>();
        ((CallGrainProxy)(object)proxy)._snapshot = snapshot;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod?.Name == nameof(ICallGrain.GetAsync) ? Task.FromResult(_snapshot) : throw new NotSupportedException(targetMethod?.Name);
}
