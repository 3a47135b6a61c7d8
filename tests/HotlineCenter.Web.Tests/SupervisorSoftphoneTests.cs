using Bunit;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Web.Components.Desk;
using HotlineCenter.Web.Components.Wallboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace HotlineCenter.Web.Tests;

/// <summary>The wallboard's softphone: mounted for supervisors rung in the browser, with the token of their own staff id.</summary>
public sealed class SupervisorSoftphoneTests : BunitContext, IAsyncLifetime
{
    private readonly BunitJSModuleInterop _module;

    public SupervisorSoftphoneTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        _module = JSInterop.SetupModule(Softphone.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        _module.SetupVoid("start", _ => true).SetVoidResult();
        _module.SetupVoid("stop").SetVoidResult();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    [Fact]
    public async Task A_supervisor_rung_in_the_browser_gets_the_softphone_with_the_supervisor_token_and_answers_a_ringing_leg()
    {
        Services.AddSingleton<ISoftphoneTokens>(new Tokens(phones: []));
        var panel = Render<SupervisorSoftphone>(p => p.Add(x => x.SupervisorId, "s-zhou"));
        var softphone = panel.FindComponent<Softphone>();
        Assert.Equal(SupervisorSoftphone.TokenUrl, _module.VerifyInvoke("start").Arguments[1]);
        Assert.Empty(panel.FindAll("[data-testid=supervisor-softphone-answer]"));

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("registered", null));
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneIncoming());
        _module.Setup<bool>("accept").SetResult(true);
        await panel.Find("[data-testid=supervisor-softphone-answer]").ClickAsync(new());

        _module.VerifyInvoke("accept");
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("connected", null));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=supervisor-softphone-hang-up]")));
        Assert.Equal("InCall", panel.Find("[data-testid=supervisor-softphone]").GetAttribute("data-state"));
    }

    [Fact]
    public void Nothing_is_mounted_for_a_supervisor_rung_on_a_configured_phone()
    {
        Services.AddSingleton<ISoftphoneTokens>(new Tokens(phones: ["s-li"]));

        var onPhone = Render<SupervisorSoftphone>(p => p.Add(x => x.SupervisorId, "s-li"));

        Assert.Empty(onPhone.FindAll("[data-testid=supervisor-softphone]"));
        Assert.Empty(_module.Invocations["start"]);
    }

    [Fact]
    public void Nothing_is_mounted_when_the_provider_rings_no_browser()
    {
        var simulated = Render<SupervisorSoftphone>(p => p.Add(x => x.SupervisorId, "s-zhou"));

        Assert.Empty(simulated.FindAll("[data-testid=supervisor-softphone]"));
        Assert.Empty(_module.Invocations["start"]);
    }

    private sealed class Tokens(string[] phones) : ISoftphoneTokens
    {
        public TimeSpan Lifetime => TimeSpan.FromHours(1);

        public string Issue(string identity) => "token";

        public bool RingsSupervisorInBrowser(string supervisorId) => !phones.Contains(supervisorId);
    }
}
