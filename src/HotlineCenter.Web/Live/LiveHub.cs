using System.Text.Json.Serialization;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace HotlineCenter.Web.Live;

/// <summary>
/// The live feed for clients that are not Blazor circuits (wall displays, integrations) at <c>/hubs/live</c>.
/// Contract (docs/live-feed.md): invoke <c>SubscribeCentre(centreId)</c> → the current
/// <c>CentreLiveSnapshot</c>; then <c>centreChanged(snapshot)</c> arrives at most once per feed interval.
/// Snapshots are whole pictures with a growing <c>version</c>: keep the newest, drop older ones.
/// </summary>
[Authorize(Policy = AuthSetup.SupervisorPolicy)]
public sealed class LiveHub(IGrainFactory grains) : Hub
{
    public const string Path = "/hubs/live";
    public const string ChangedMessage = "centreChanged";

    public static string Group(string centreId) => $"centre:{centreId}";

    public async Task<CentreLiveSnapshot> SubscribeCentre(string centreId)
    {
        if (!Keys.IsValidId(centreId))
        {
            throw new HubException("centreId is invalid.");
        }

        if (!Context.User!.MayActIn(centreId))
        {
            throw new HubException($"{HotlineCenter.Web.Accounts.StaffAccess.OtherCentre}: this centre's feed is for its own staff only.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, Group(centreId));
        return await grains.GetGrain<ICentreFeedGrain>(centreId).GetAsync();
    }

    public Task UnsubscribeCentre(string centreId) =>
        Keys.IsValidId(centreId) ? Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(centreId)) : Task.CompletedTask;
}

/// <summary>Sends a centre's snapshot to its hub group; with the Redis backplane every node's clients get it once.</summary>
public sealed class SignalRLiveBroadcaster(IHubContext<LiveHub> hub) : ILiveBroadcaster
{
    public Task PublishAsync(CentreLiveSnapshot snapshot, CancellationToken cancellationToken)
    {
        HotlineMetrics.LivePushes.Add(1, new System.Diagnostics.TagList { { "centre", snapshot.CentreId }, { "to", "hub-group" } });
        return hub.Clients.Group(LiveHub.Group(snapshot.CentreId)).SendAsync(LiveHub.ChangedMessage, snapshot, cancellationToken);
    }
}

public static class LiveHubSetup
{
    public static WebApplicationBuilder AddHotlineLiveHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveHubSessions>();
        builder.Services.AddHostedService<LiveHubSessionSweep>();
        builder.Services.AddSignalR(o => o.AddFilter<LiveHubSessions>())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddStackExchangeRedis(builder.Configuration.GetConnectionString("Redis")!, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("hotline-signalr"));
        builder.Services.AddSingleton<ILiveBroadcaster, SignalRLiveBroadcaster>();
        return builder;
    }

    public static WebApplication MapHotlineLiveHub(this WebApplication app)
    {
        app.MapHub<LiveHub>(LiveHub.Path);
        return app;
    }
}
