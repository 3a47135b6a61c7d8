using System.Collections.Concurrent;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Routing;
using HotlineCenter.Grains.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// A burst of arrivals against a queue whose every write takes a slow disk's time. Each call must still be saved in its
/// queue before the caller is told "queued" (nothing lost), but the arrivals share writes (group commit) instead of
/// queueing one write each behind one another; and routing catches up by itself once counsellors come free.
/// </summary>
public sealed class QueueBurstTests : IAsyncLifetime
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero));
    private static readonly RecordingTelephony Port = new();
    private static readonly SlowQueueStorage Storage = new();
    private readonly TestCluster _cluster = new TestClusterBuilder(1).AddSiloBuilderConfigurator<Silo>().Build();

    public Task InitializeAsync() => _cluster.DeployAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Two_hundred_arrivals_at_once_are_all_saved_in_the_queue_with_far_fewer_writes_than_calls_then_all_routed()
    {
        var grains = _cluster.GrainFactory;
        var centreId = "burst-" + Guid.NewGuid().ToString("N")[..8];
        await grains.GetGrain<ICentreGrain>(centreId).ConfigureAsync(new CentreConfig
        {
            CentreId = centreId,
            DisplayName = "burst",
            Queues = [new QueueConfig { QueueId = "general", DisplayName = "general", RingTimeoutSeconds = 60, WrapUpSeconds = 0, OverflowAfterSeconds = 3600, CrisisOverflowAfterSeconds = 3600 }],
            IvrOptions = [new IvrOption("1", "crisis", "general", true, 100, null, null), new IvrOption("2", "general", "general", false, 10, null, null)],
            DefaultQueueId = "general",
        });
        var queue = grains.GetGrain<IQueueGrain>($"{centreId}/general");
        var writesBefore = Storage.QueueWrites;

        const int calls = 200;
        var instructions = await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            var call = grains.GetGrain<ICallGrain>($"CA{centreId}{i:000}");
            await call.ArriveAsync(new CallArrival(centreId, "test", new CallerRef($"hash-{i}", "138****0000", null), $"a{i}"));
            var instruction = await call.ChooseAsync(new IvrChoice("2", $"c{i}"));
            // Told "queued" only once the queue's stored state holds the call.
            return (instruction, Saved: Storage.StoredCallIds($"{centreId}/general").Contains(call.GetPrimaryKeyString()));
        }));

        Assert.All(instructions, i => Assert.Equal(InstructionKind.WaitInQueue, i.instruction.Kind));
        Assert.All(instructions, i => Assert.True(i.Saved, "a caller was told queued before the queue had saved the call"));
        Assert.Equal(calls, Storage.StoredCallIds($"{centreId}/general").Count);
        var writes = Storage.QueueWrites - writesBefore;
        Assert.True(writes <= calls / 4, $"{writes} queue writes for {calls} arrivals: arrivals are not sharing writes");

        // Routing catches up on its own when counsellors come free: every call is offered once, to one counsellor.
        var counselors = Enumerable.Range(0, calls).Select(i => grains.GetGrain<ICounselorGrain>($"{centreId}-c{i}")).ToList();
        await Task.WhenAll(counselors.Select(async (c, i) =>
        {
            await c.SetProfileAsync(new CounselorProfile(centreId, $"c{i}", [new SkillLevel("general", 3)], ["cmn"], ["general"]));
            await grains.GetGrain<ICentreGrain>(centreId).AddCounselorAsync(c.GetPrimaryKeyString());
            await c.ChangePresenceAsync(PresenceState.Available, "test");
        }));
        await Eventually.MatchesAsync(queue.GetAsync, q => q.Waiting.All(w => w.OfferedTo is not null), "every waiting call offered");
        var offeredTo = (await queue.GetAsync()).Waiting.Select(w => w.OfferedTo).ToList();
        Assert.Equal(calls, offeredTo.Distinct().Count());
    }

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.ConfigureServices(services =>
            {
                services.AddKeyedSingleton<IGrainStorage>(StorageNames.Hotline, Storage);
                services.AddSingleton(new HotlineTime(Clock));
                services.AddSingleton<ITelephonyPort>(Port);
                services.AddSingleton<HotlineCenter.Abstractions.Crises.ILinkageSender>(new RecordingLinkage());
                services.AddHotlineGrains();
                services.Configure<RoutingOptions>(o =>
                {
                    o.TickInterval = TimeSpan.FromMilliseconds(10);
                    o.FeedInterval = TimeSpan.FromMilliseconds(20);
                });
            });
        }
    }

    /// <summary>
    /// Grain storage in memory whose queue writes take 20 ms each, like a slow fsync, and are counted. For queues it notes
    /// which calls each write held, taken when the write starts (when a real store serialises the state).
    /// </summary>
    private sealed class SlowQueueStorage : IGrainStorage
    {
        private readonly ConcurrentDictionary<string, (object? State, string ETag)> _stored = new();
        private readonly ConcurrentDictionary<string, IReadOnlySet<string>> _queuedCalls = new();
        private int _queueWrites;

        public int QueueWrites => Volatile.Read(ref _queueWrites);

        public IReadOnlySet<string> StoredCallIds(string queueKey) =>
            _queuedCalls.TryGetValue(queueKey, out var ids) ? ids : new HashSet<string>();

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_stored.TryGetValue(Key(stateName, grainId), out var entry))
            {
                grainState.State = (T)entry.State!;
                grainState.ETag = entry.ETag;
                grainState.RecordExists = true;
            }

            return Task.CompletedTask;
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var key = Key(stateName, grainId);
            if (grainState.State is HotlineCenter.Grains.Queues.QueueState queue)
            {
                var ids = queue.Waiting.Select(w => w.CallId).ToHashSet();
                Interlocked.Increment(ref _queueWrites);
                await Task.Delay(20);
                _queuedCalls[grainId.Key.ToString()!] = ids;
            }

            if (_stored.TryGetValue(key, out var existing) && existing.ETag != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch for {key}: two writes of one grain overlapped");
            }

            var etag = Guid.NewGuid().ToString("N");
            _stored[key] = (grainState.State, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            _stored.TryRemove(Key(stateName, grainId), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
    }
}
