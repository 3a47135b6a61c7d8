using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>Blocking through the real host and Twilio's webhooks: the caller hears the centre's message and the call ends, unless they press danger.</summary>
public sealed class TwilioBlockingTests : IAsyncLifetime
{
    private const string Caller = "+8613911112222";
    private TwilioHost _t = default!;

    public async Task InitializeAsync() => _t = await TwilioHost.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Blocked_caller_hears_the_blocked_message_and_is_hung_up_but_pressing_danger_gets_them_to_a_counsellor()
    {
        var (first, _) = await _t.ConnectedCallAsync("c-wang", Caller);
        var supervisors = _t.Host.Services.GetRequiredService<SupervisorService>();
        var otherCentre = await Assert.ThrowsAsync<HotlineCenter.Abstractions.Common.HotlineRuleException>(() => supervisors.BlockCallerAsync("sz-12356", first, "s-zhou", "骚扰", 7));
        await supervisors.BlockCallerAsync("xa-12356", first, "s-zhou", "反复骚扰值班人员", 7);

        var blocked = await _t.CallInAsync(TwilioDriver.NewCallSid(), Caller, "2");
        var danger = await _t.CallInAsync(TwilioDriver.NewCallSid(), Caller, "1");
        var listed = await supervisors.GetBlockedCallersAsync("xa-12356");

        Assert.Equal("call.other-centre", otherCentre.Code);
        Assert.Equal(["Say", "Hangup"], blocked.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(new CentrePrompts().BlockedMessage, blocked.Twiml.Root!.Element("Say")!.Value);
        Assert.NotNull(danger.Twiml.Root!.Element("Dial")?.Element("Conference"));
        var entry = Assert.Single(listed);
        Assert.Equal(first, entry.CallId);
        Assert.DoesNotContain("13911112222", entry.MaskedNumber ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(CallStatus.Queued, (await _t.Grains.GetGrain<ICallGrain>(danger.Twiml.Root!.Element("Dial")!.Element("Conference")!.Value["call-".Length..]).GetAsync()).Status);
    }
}
