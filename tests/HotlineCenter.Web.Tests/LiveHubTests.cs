using System.Text.Json.Serialization;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

[Collection(SharedHostCollection.Name)]
public sealed class LiveHubTests(SharedHostFixture fixture)
{
    private async Task<HubConnection> ConnectAsync(string? username)
    {
        string? cookie = null;
        if (username is not null)
        {
            using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            cookie = await SignIn.CookieHeaderAsync(client, username);
        }

        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Host.Server.BaseAddress, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => fixture.Host.Server.CreateHandler();
                if (cookie is not null)
                {
                    o.Headers["Cookie"] = cookie;
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    [Fact]
    public async Task Wall_display_gets_the_snapshot_then_each_change()
    {
        await using var connection = await ConnectAsync("s-zhou");
        var changed = new TaskCompletionSource<CentreLiveSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<CentreLiveSnapshot>("centreChanged", s =>
        {
            if (s.Counselors.Any(c => c.CounselorId == "c-yang" && c.State == PresenceState.Supervision))
            {
                changed.TrySetResult(s);
            }
        });

        var first = await connection.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "xa-12356");
        Assert.Equal("xa-12356", first.CentreId);
        Assert.Equal(3, first.Queues.Length);

        await fixture.Host.Grains.GetGrain<ICounselorGrain>("c-yang").ChangePresenceAsync(PresenceState.Supervision, "test");

        var pushed = await changed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(pushed.Version > first.Version);
    }

    [Fact]
    public async Task Hub_refuses_anonymous_and_counselor_connections()
    {
        var anonymous = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(null));
        var counsellor = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync("c-huang"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, counsellor.StatusCode);
    }

    [Fact]
    public async Task Invalid_centre_id_is_a_clear_hub_error()
    {
        await using var connection = await ConnectAsync("s-zhou");

        var ex = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => connection.InvokeAsync<CentreLiveSnapshot>("SubscribeCentre", "../etc"));

        Assert.Contains("centreId is invalid", ex.Message);
    }
}
