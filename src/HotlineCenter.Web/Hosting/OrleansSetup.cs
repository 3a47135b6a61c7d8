using System.Net;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains;
using HotlineCenter.Grains.Audit;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace HotlineCenter.Web.Hosting;

/// <summary>Settings of the co-hosted Orleans silo (section <c>Orleans</c>).</summary>
public sealed class SiloSettings
{
    public string ClusterId { get; set; } = "hotline";
    public string ServiceId { get; set; } = "hotlinecenter";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>Address other silos reach this one at; default loopback (single machine).</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>
    /// The IP address the silo and gateway ports listen on: by default the advertised address (the cluster network),
    /// loopback without one. All interfaces only when named here explicitly (0.0.0.0): not advised (docs/security.md).
    /// </summary>
    public string? ListenAddress { get; set; }
}

public static class OrleansSetup
{
    /// <summary>
    /// The silo on Redis: membership (so several processes form one cluster), grain state and reminders.
    /// State is written with the Orleans binary serializer, which is version-tolerant through the [Id]s.
    /// </summary>
    public static WebApplicationBuilder AddHotlineSilo(this WebApplicationBuilder builder)
    {
        var redis = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("ConnectionStrings:Redis is required (e.g. 127.0.0.1:6379). ops/run.sh starts a local Redis and sets it.");
        }

        var settings = builder.Configuration.GetSection("Orleans").Get<SiloSettings>() ?? new SiloSettings();
        if (!Keys.IsValidId(settings.ClusterId) || !Keys.IsValidId(settings.ServiceId))
        {
            throw new InvalidOperationException("Orleans:ClusterId and Orleans:ServiceId must be 1–64 characters a-z, 0-9, '-' or '_'.");
        }

        if (settings.SiloPort is < 1 or > 65535 || settings.GatewayPort is < 1 or > 65535 || settings.SiloPort == settings.GatewayPort)
        {
            throw new InvalidOperationException("Orleans:SiloPort and Orleans:GatewayPort must be two different ports between 1 and 65535.");
        }

        ConfigurationOptions RedisOptions()
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;

            // Run Redis completions on the .NET thread pool rather than a dedicated one: fewer thread hops per write.
            options.SocketManager = SocketManager.ThreadPool;
            return options;
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            // Whoever reaches the silo port can call any grain: the ports listen on the cluster network only.
            var (advertised, listen) = Endpoints(settings);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(listen, settings.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(listen, settings.GatewayPort);
            });

            // How fast a lost silo is declared dead (docs/reliability.md): probed every 2 s, suspected after 3 missed
            // probes, dead on 2 votes; indirect probes off, because with two survivors an indirect probe through the
            // other one times out as well and counts as no evidence, leaving only the IAmAlive column (here 2 × 5 s).
            // Overridable under Orleans:Membership (same names as ClusterMembershipOptions).
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 2;
                o.EnableIndirectProbes = false;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.NumMissedTableIAmAliveLimit = 2;
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
                builder.Configuration.GetSection("Orleans:Membership").Bind(o);
            });
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions());
            // A cleared state (the retention purge) is deleted from Redis, not left as an empty value.
            silo.AddRedisGrainStorage(StorageNames.Hotline, o => (o.ConfigurationOptions, o.DeleteStateOnClear) = (RedisOptions(), true));
            silo.AddRedisGrainStorage(StorageNames.Audit, o => (o.ConfigurationOptions, o.DeleteStateOnClear) = (RedisOptions(), true));
            silo.UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions());
            silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
            silo.Services.AddHotlineGrains(builder.Configuration.GetSection("Routing"));
            silo.Services.AddHotlineAudit(builder.Configuration.GetSection("Audit"));
        });
        builder.Services.AddHostedService<CentreWakeService>();
        return builder;
    }

    /// <summary>The address other silos are told (advertised) and the one the ports listen on.</summary>
    public static (IPAddress Advertised, IPAddress Listen) Endpoints(SiloSettings settings)
    {
        var advertised = settings.AdvertisedHost is { Length: > 0 } host
            ? IPAddress.TryParse(host, out var ip) ? ip
                : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
                  ?? throw new InvalidOperationException($"Orleans:AdvertisedHost '{host}' does not resolve to an address.")
            : IPAddress.Loopback;
        if (settings.ListenAddress is not { Length: > 0 } configured)
        {
            return (advertised, advertised);
        }

        return IPAddress.TryParse(configured, out var listen)
            ? (advertised, listen)
            : throw new InvalidOperationException($"Orleans:ListenAddress '{configured}' is not an IP address.");
    }
}
