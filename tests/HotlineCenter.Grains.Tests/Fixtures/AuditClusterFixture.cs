using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains;
using HotlineCenter.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace HotlineCenter.Grains.Tests.Fixtures;

/// <summary>
/// A cluster whose audit log is stored in the real Redis that ops/test.sh starts (HOTLINE_TEST_REDIS), the way the
/// host stores it (Orleans binary serializer, a dropped segment's key deleted), so tests can tamper with the stored
/// values directly. Segments hold four entries; the domain clock is a fake one the tests move.
/// </summary>
public sealed class AuditClusterFixture : IAsyncLifetime
{
    public const int SegmentSize = 4;
    public const string CheckpointKey = "test-audit-checkpoint-key-0123456789-abcdef";

    internal static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));

    public static string Redis =>
        Environment.GetEnvironmentVariable("HOTLINE_TEST_REDIS")
        ?? throw new InvalidOperationException("HOTLINE_TEST_REDIS is not set: run the tests with ops/test.sh, which starts a throwaway Redis.");

    public AuditClusterFixture()
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
    }

    public string ServiceId { get; } = "audit" + Guid.NewGuid().ToString("N")[..10];

    public TestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public FakeTimeProvider Time => Clock;

    public AuditSigner Signer { get; } = new(CheckpointKey);

    public IDatabase Db { get; private set; } = default!;

    private ConnectionMultiplexer? _redis;

    /// <summary>The silo's serializer: what the grain storage writes with, so a test can rewrite a stored value.</summary>
    public Serializer Serializer => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services.GetRequiredService<Serializer>();

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        Db = _redis.GetDatabase();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(StorageNames.Hotline);
            siloBuilder.AddRedisGrainStorage(StorageNames.Audit, o =>
            {
                o.ConfigurationOptions = ConfigurationOptions.Parse(Redis);
                o.DeleteStateOnClear = true;
            });
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.ConfigureServices(services =>
            {
                services.AddSingleton(new HotlineTime(Clock));
                services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
                services.AddHotlineGrains();
                services.AddHotlineAudit();
                services.Configure<AuditOptions>(o =>
                {
                    o.CheckpointKey = CheckpointKey;
                    o.SegmentSize = SegmentSize;
                });
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AuditClusterCollection : ICollectionFixture<AuditClusterFixture>
{
    public const string Name = "audit-redis";
}
