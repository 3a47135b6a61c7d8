using System.Security.Claims;
using System.Text.Json.Serialization;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Live;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests;

/// <summary>Open consoles and live-hub connections end with their sign-in: idle past the timeout, password reset, account disabled.</summary>
public sealed class SessionEndTests : IAsyncLifetime
{
    private const string Password = "session-password-2026";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HotlineHost _host = default!;

    public async Task InitializeAsync()
    {
        _host = new HotlineHost(HotlineHost.NewServiceId(), _clock);
        await _host.Services.GetRequiredService<AccountService>().CreateAsync("s-hub", "督导", [StaffRole.Supervisor], "xa-12356", null, Password);
        await _host.Services.GetRequiredService<AccountService>().CreateAsync("s-hub2", "督导二", [StaffRole.Supervisor], "xa-12356", null, Password);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_hub_call_after_a_password_reset_closes_the_connection_with_a_reason()
    {
        await using var connection = await ConnectAsync("s-hub");
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await connection.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356");

        await _host.Services.GetRequiredService<AccountService>().ResetPasswordAsync("s-hub", "another-password-2026", "admin");
        _clock.Advance(TimeSpan.FromSeconds(61));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356"));

        // Over long polling the next poll's cookie is refused first (401); over a websocket the hub filter says session.ended.
        Assert.True(refused.Message.Contains("session.ended", StringComparison.Ordinal) || refused.Message.Contains("401", StringComparison.Ordinal), refused.Message);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task The_sweep_closes_a_listening_connection_whose_account_was_disabled_and_keeps_the_others()
    {
        await using var disabled = await ConnectAsync("s-hub2");
        await using var fine = await ConnectAsync("s-zhou", SignIn.DemoPassword);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        disabled.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        await _host.Services.GetRequiredService<AccountService>().UpdateAsync("s-hub2", new AccountUpdate("督导二", [StaffRole.Supervisor], null, Disabled: true), "admin");
        var count = await _host.Services.GetRequiredService<LiveHubSessions>().SweepAsync();

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(1, count);
        Assert.Equal("xa-12356", (await fine.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356")).CentreId);
    }

    [Fact]
    public async Task An_open_console_idle_past_the_timeout_fails_its_revalidation_and_any_input_keeps_it_open()
    {
        using var scope = _host.Services.CreateScope();
        var provider = (RevalidatingAccountStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var activity = scope.ServiceProvider.GetRequiredService<ConsoleActivity>();
        var (_, principal) = await _host.Services.GetRequiredService<AccountService>().SignInAsync("s-zhou", SignIn.DemoPassword, "127.0.0.1");
        var state = new AuthenticationState(principal!);

        _clock.Advance(TimeSpan.FromMinutes(29));
        var working = await provider.StillValidAsync(state);
        activity.Touch();
        _clock.Advance(TimeSpan.FromMinutes(29));
        var afterInput = await provider.StillValidAsync(state);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var idle = await provider.StillValidAsync(state);

        Assert.Equal((true, true, false), (working, afterInput, idle));
    }

    private async Task<HubConnection> ConnectAsync(string username, string password = Password)
    {
        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var cookie = await SignIn.CookieHeaderAsync(client, username, password);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_host.Server.BaseAddress, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => _host.Server.CreateHandler();
                o.Headers["Cookie"] = cookie;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }
}
