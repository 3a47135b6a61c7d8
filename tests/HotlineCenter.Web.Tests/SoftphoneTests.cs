using System.Net;
using System.Text.RegularExpressions;
using Bunit;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Components.Desk;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor.Services;

namespace HotlineCenter.Web.Tests;

/// <summary>The desk's softphone component with the bundled Twilio module played by bUnit's JS interop.</summary>
public sealed class SoftphoneTests : BunitContext, IAsyncLifetime
{
    private readonly BunitJSModuleInterop _module;

    public SoftphoneTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");

        // Strict for the softphone module: a call the test did not plan for fails the test.
        _module = JSInterop.SetupModule(Softphone.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        _module.SetupVoid("stop").SetVoidResult();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that can only be disposed asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    private IRenderedComponent<Softphone> Started(Action<ComponentParameterCollectionBuilder<Softphone>>? parameters = null)
    {
        _module.SetupVoid("start", _ => true).SetVoidResult();
        var softphone = Render<Softphone>(p => parameters?.Invoke(p));
        _module.VerifyInvoke("start");
        return softphone;
    }

    private static string State(IRenderedComponent<Softphone> softphone) =>
        softphone.Find("[data-testid=softphone-status]").GetAttribute("data-state")!;

    private static string Text(IRenderedComponent<Softphone> softphone) =>
        softphone.Find("[data-testid=softphone-status]").TextContent.Trim();

    [Fact]
    public void Starts_the_module_with_the_token_endpoint_and_shows_connecting_until_registered()
    {
        _module.SetupVoid("start", _ => true); // never completes: Twilio has not answered yet
        var softphone = Render<Softphone>();

        var start = _module.VerifyInvoke("start");
        Assert.IsType<DotNetObjectReference<Softphone>>(start.Arguments[0]);
        Assert.Equal("/api/softphone/token", start.Arguments[1]);
        Assert.Equal("Starting", State(softphone));
        Assert.Equal("浏览器话机：正在连接", Text(softphone));
    }

    [Fact]
    public async Task Shows_registered_not_registered_and_error_as_twilio_reports_them()
    {
        var softphone = Started();

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("registered", null));
        Assert.Equal(("Registered", "浏览器话机：已就绪"), (State(softphone), Text(softphone)));

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("unregistered", null));
        Assert.Equal(("Unregistered", "浏览器话机：未注册"), (State(softphone), Text(softphone)));

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("error", "31205"));
        Assert.Equal(("Error", "浏览器话机：出错"), (State(softphone), Text(softphone)));
        Assert.Equal("31205", softphone.Find("[data-testid=softphone-status]").GetAttribute("title"));
    }

    [Fact]
    public void Shows_unavailable_when_the_script_fails_to_start()
    {
        _module.SetupVoid("start", _ => true).SetException(new JSException("Softphone token request failed with HTTP 403\n    at fetchToken (softphone.js:25)"));
        SoftphoneStatus? reported = null;

        var softphone = Render<Softphone>(p => p.Add(x => x.OnStatusChanged, s => reported = s));

        softphone.WaitForAssertion(() => Assert.Equal("Unavailable", State(softphone)));
        Assert.Equal("浏览器话机：不可用", Text(softphone));
        Assert.Equal("Softphone token request failed with HTTP 403", softphone.Find("[data-testid=softphone-status]").GetAttribute("title"));
        Assert.Equal(SoftphoneStatus.Unavailable, reported);
    }

    [Fact]
    public async Task An_unavailable_softphone_answers_nothing_and_does_not_call_the_script()
    {
        _module.SetupVoid("start", _ => true).SetException(new JSException("import failed"));
        var softphone = Render<Softphone>();
        softphone.WaitForAssertion(() => Assert.Equal("Unavailable", State(softphone)));

        Assert.False(await softphone.InvokeAsync(() => softphone.Instance.AcceptAsync()));
        Assert.Empty(_module.Invocations["accept"]);
    }

    [Fact]
    public async Task Incoming_call_is_raised_to_the_parent_and_accept_answers_it_in_the_browser()
    {
        var incoming = 0;
        var softphone = Started(p => p.Add(x => x.OnIncoming, () => incoming++));
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("registered", null));
        var accept = _module.Setup<bool>("accept");
        accept.SetResult(true);

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneIncoming());
        Assert.Equal((1, "Ringing"), (incoming, State(softphone)));

        Assert.True(await softphone.InvokeAsync(() => softphone.Instance.AcceptAsync()));
        _module.VerifyInvoke("accept");

        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("connected", null));
        Assert.Equal(("InCall", "浏览器话机：通话中"), (State(softphone), Text(softphone)));

        // A token refresh re-registers mid-call; the call stays shown.
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("registered", null));
        Assert.Equal("InCall", State(softphone));
    }

    [Fact]
    public async Task Mute_and_hang_up_go_to_the_browser_call_and_the_softphone_is_ready_again()
    {
        var softphone = Started();
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("registered", null));
        await softphone.InvokeAsync(() => softphone.Instance.OnSoftphoneState("connected", null));
        _module.SetupVoid("mute", _ => true).SetVoidResult();
        _module.Setup<bool>("hangUp").SetResult(true);

        await softphone.InvokeAsync(() => softphone.Instance.MuteAsync(true));
        await softphone.InvokeAsync(() => softphone.Instance.MuteAsync(false));
        Assert.Equal([true, false], _module.Invocations["mute"].Select(i => (bool)i.Arguments[0]!));

        Assert.True(await softphone.InvokeAsync(() => softphone.Instance.HangUpAsync()));
        _module.VerifyInvoke("hangUp");
        Assert.Equal("Registered", State(softphone));
    }

    [Fact]
    public async Task Accept_failing_in_the_browser_returns_false_and_shows_the_error()
    {
        var softphone = Started();
        _module.Setup<bool>("accept").SetException(new JSException("Permission denied: microphone"));

        Assert.False(await softphone.InvokeAsync(() => softphone.Instance.AcceptAsync()));
        Assert.Equal("Error", State(softphone));
        Assert.Contains("microphone", softphone.Find("[data-testid=softphone-status]").GetAttribute("title"));
    }

    [Fact]
    public async Task Leaving_the_desk_stops_the_device()
    {
        Started();

        await DisposeComponentsAsync();

        _module.VerifyInvoke("stop");
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, DeviceKind.Browser, true)]
    [InlineData(true, DeviceKind.Phone, false)]
    [InlineData(false, DeviceKind.Browser, false)]
    [InlineData(false, null, false)]
    public void Softphone_is_used_for_browser_counselors_only_where_the_provider_rings_browsers(bool providerRingsBrowser, DeviceKind? kind, bool expected)
    {
        var profile = new CounselorProfile("xa-12356", "王老师", [], ["zh"], [],
            kind is { } k ? new AnswerDevice(k, k == DeviceKind.Phone ? "+8613900000000" : null) : null);

        Assert.Equal(expected, Softphone.IsUsedFor(profile, providerRingsBrowser));
    }
}

/// <summary>The bundle the build produced is served by the real host, as the desk imports it.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class SoftphoneBundleTests(SharedHostFixture fixture)
{
    [Fact]
    public async Task Softphone_bundle_is_served_as_javascript_with_the_twilio_device_and_the_desk_functions()
    {
        var response = await fixture.Client.GetAsync("/js/softphone.bundle.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("[Twilio.Device class]", script);

        // The ES module's export list: `export{a as accept,b as hangUp,…}` once minified.
        var exports = Regex.Matches(script, @"export\s*\{([^}]*)\}").LastOrDefault();
        Assert.True(exports is not null, "the bundle is an ES module with an export list");
        var names = exports.Groups[1].Value.Split(',').Select(e => e.Split(" as ").Last().Trim()).Order(StringComparer.Ordinal);
        Assert.Equal(["accept", "hangUp", "mute", "reject", "start", "stop"], names);
    }
}
