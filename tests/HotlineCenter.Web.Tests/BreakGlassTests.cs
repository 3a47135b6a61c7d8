using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// Break-glass in the real host on the real Redis: a supervisor of the call's centre sees the full number of a crisis
/// call only with a reason and the case it serves, until the grant expires on the clock; every grant, reveal and
/// refusal is an Unmask entry of the audit chain, and no entry holds the number or the reason.
/// </summary>
public sealed class BreakGlassTests : IAsyncLifetime
{
    private const string Centre = DemoCentre.Id;
    private const string Number = "+8613700002468";
    private const string Reason = "联动120需要核对来电号码回拨";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HotlineHost _host = default!;
    private string _callId = default!;

    public async Task InitializeAsync()
    {
        _host = new HotlineHost(HotlineHost.NewServiceId(), _clock);
        await Eventually.MatchesAsync(async () => (await _host.CreateClient().GetAsync("/health/ready")).StatusCode, s => s == System.Net.HttpStatusCode.OK, "host ready");
        // The danger option opens the call's crisis case.
        (_callId, _) = await _host.Services.GetRequiredService<SimulatedCaller>().PlaceCallAsync(Centre, "1", Number);
        await Eventually.MatchesAsync(() => _host.Grains.GetGrain<IUnmaskGrantGrain>(_callId).GetPurposesAsync(), p => p.Any(x => x.Kind == UnmaskPurposeKind.CrisisCase), "the call's crisis case");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private BreakGlassService As(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<BreakGlassService>();

    [Fact]
    public async Task A_supervisor_sees_the_number_with_a_reason_until_the_grant_expires_and_each_step_is_in_the_audit_chain()
    {
        using var zhou = CircuitScope.As(_host.Services, "s-zhou", StaffRole.Supervisor, Centre);
        var breakGlass = As(zhou);
        var purpose = (await breakGlass.GetPurposesAsync(_callId)).First(p => p.Kind == UnmaskPurposeKind.CrisisCase);

        var noReason = await Assert.ThrowsAsync<HotlineRuleException>(() => breakGlass.RequestAsync(_callId, "  ", purpose.Kind, purpose.Id));
        var grantedAt = _clock.GetUtcNow();
        var revealed = await breakGlass.RequestAsync(_callId, Reason, purpose.Kind, purpose.Id);
        var again = await breakGlass.RevealAsync(_callId, revealed.GrantId);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await Assert.ThrowsAsync<HotlineRuleException>(() => breakGlass.RevealAsync(_callId, revealed.GrantId));
        var entries = (await AuditEntries.OfAsync(_host.Grains, Centre)).Where(e => e.Kind == AuditKind.Unmask && e.Target == _callId).ToList();

        Assert.Equal("unmask.reason", noReason.Code);
        Assert.Equal((Number, Number), (revealed.Number, again.Number));
        Assert.Equal(TimeSpan.FromMinutes(10), revealed.ExpiresAt - grantedAt);
        Assert.Equal("unmask.expired", expired.Code);
        Assert.All(entries, e => Assert.Equal("s-zhou", e.Actor));
        Assert.Equal(
            [(AuditOutcome.Refused, "request unmask.reason"), (AuditOutcome.Succeeded, "grant=" + revealed.GrantId), (AuditOutcome.Succeeded, "reveal grant=" + revealed.GrantId),
             (AuditOutcome.Succeeded, "reveal grant=" + revealed.GrantId), (AuditOutcome.Refused, $"reveal grant={revealed.GrantId} unmask.expired")],
            entries.Select(e => (e.Outcome, e.Detail!.StartsWith("grant=", StringComparison.Ordinal) ? e.Detail.Split(' ')[0] : e.Detail)));
        Assert.DoesNotContain(entries, e => (e.Target + e.Detail).Contains("13700002468", StringComparison.Ordinal) || (e.Detail ?? string.Empty).Contains(Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_centres_supervisor_and_an_administrator_are_refused_and_the_refusals_are_audited()
    {
        using var beijing = CircuitScope.As(_host.Services, "s-bj", StaffRole.Supervisor, "bj-12356");
        using var admin = CircuitScope.As(_host.Services, "a-xa", StaffRole.Admin, Centre);
        var caseId = HotlineCenter.Abstractions.Crises.CrisisKeys.CaseId(_callId);

        var purposes = await Assert.ThrowsAsync<HotlineRuleException>(() => As(beijing).GetPurposesAsync(_callId));
        var otherCentre = await Assert.ThrowsAsync<HotlineRuleException>(() => As(beijing).RequestAsync(_callId, Reason, UnmaskPurposeKind.CrisisCase, caseId));
        var notASupervisor = await Assert.ThrowsAsync<HotlineRuleException>(() => As(admin).RequestAsync(_callId, Reason, UnmaskPurposeKind.CrisisCase, caseId));
        var bjEntries = await AuditEntries.WaitForAsync(_host.Grains, "bj-12356", e => e.Kind == AuditKind.Unmask, "the refusal in the Beijing supervisor's chain");
        var xaEntries = await AuditEntries.OfAsync(_host.Grains, Centre);

        Assert.Equal(("centre.not-yours", "unmask.other-centre", "unmask.role"), (purposes.Code, otherCentre.Code, notASupervisor.Code));
        var refused = Assert.Single(bjEntries, e => e.Kind == AuditKind.Unmask);
        Assert.Equal(("s-bj", _callId, AuditOutcome.Refused, "request unmask.other-centre"), (refused.Actor, refused.Target, refused.Outcome, refused.Detail));
        var adminRefused = Assert.Single(xaEntries, e => e.Kind == AuditKind.Unmask && e.Actor == "a-xa");
        Assert.Equal((AuditOutcome.Refused, "request unmask.role"), (adminRefused.Outcome, adminRefused.Detail));
        Assert.Empty(await _host.Grains.GetGrain<IUnmaskGrantGrain>(_callId).GetGrantsAsync());
    }

    [Fact]
    public async Task A_provincial_supervisor_spans_centres_and_the_number_is_only_for_the_supervisor_it_was_granted_to()
    {
        using var province = CircuitScope.As(_host.Services, "p-sheng", "province", StaffRole.Supervisor, StaffRole.Provincial);
        using var zhou = CircuitScope.As(_host.Services, "s-zhou", StaffRole.Supervisor, Centre);
        var caseId = HotlineCenter.Abstractions.Crises.CrisisKeys.CaseId(_callId);

        var revealed = await As(province).RequestAsync(_callId, Reason, UnmaskPurposeKind.CrisisCase, caseId);
        var notHis = await Assert.ThrowsAsync<HotlineRuleException>(() => As(zhou).RevealAsync(_callId, revealed.GrantId));

        Assert.Equal(Number, revealed.Number);
        Assert.Equal("unmask.unknown-grant", notHis.Code);
        Assert.Null(await As(zhou).GetActiveGrantAsync(_callId));
        Assert.NotNull(await As(province).GetActiveGrantAsync(_callId));
    }
}
