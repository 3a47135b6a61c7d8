using System.Collections.Concurrent;
using System.Diagnostics;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Drives the routing grains with calls arriving at a fixed rate (open loop) against Redis-backed state.
/// Routing latency is measured from the moment a call is handed to its queue (IVR choice made) to the
/// moment the queue rings the reserved counsellor. Each rung counsellor accepts at once and hangs up
/// at once, with no wrap-up, so every call runs the whole persisted life: arrive, queue, reserve, offer,
/// accept, connect, end, available again.
/// </summary>
public static class RoutingBenchmark
{
    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        var port = new BenchTelephony();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 21111, gatewayPort: 31000);
            ConfigurationOptions Redis()
            {
                var o = ConfigurationOptions.Parse(settings.Redis);
                o.AbortOnConnectFail = false;
                o.SocketManager = SocketManager.ThreadPool;
                return o;
            }

            silo.AddRedisGrainStorage(StorageNames.Hotline, o => o.ConfigurationOptions = Redis());
            silo.UseRedisReminderService(o => o.ConfigurationOptions = Redis());
            silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
            silo.Services.AddSingleton<ITelephonyPort>(port);
            silo.Services.AddHotlineGrains();
        });
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        var centreId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        await grains.GetGrain<ICentreGrain>(centreId).ConfigureAsync(new CentreConfig
        {
            CentreId = centreId,
            DisplayName = "bench",
            Queues = [new QueueConfig { QueueId = "general", DisplayName = "general", RingTimeoutSeconds = 120, WrapUpSeconds = 0, OverflowAfterSeconds = 3600, CrisisOverflowAfterSeconds = 3600 }],
            IvrOptions = [new IvrOption("1", "crisis", "general", true, 100, null, null), new IvrOption("2", "general", "general", false, 10, null, null)],
            DefaultQueueId = "general",
        });
        await Task.WhenAll(Enumerable.Range(0, settings.Counselors).Select(async i =>
        {
            var id = $"{centreId}-c{i}";
            var counselor = grains.GetGrain<ICounselorGrain>(id);
            await counselor.SetProfileAsync(new CounselorProfile(centreId, id, [new SkillLevel("general", 3)], ["cmn"], ["general"]));
            await counselor.ChangePresenceAsync(PresenceState.Available, "bench");
        }));

        // Rung counsellors accept and end the call straight away, on their own tasks (as consoles would).
        port.OnRing = (callId, counselorId) => _ = Task.Run(async () =>
        {
            try
            {
                await grains.GetGrain<ICounselorGrain>(counselorId).AcceptOfferAsync(callId);
                await grains.GetGrain<ICallGrain>(callId).ApplyAsync(new ProviderEvent(ProviderEventKind.CallerHungUp, $"{callId}:end", DateTimeOffset.UtcNow, null));
                port.Completed(callId);
            }
            catch (Exception ex)
            {
                port.Failed(ex);
            }
        });

        Console.WriteLine($"Routing benchmark: {settings.Counselors} counsellors, {settings.Rate} arrivals/s for {settings.Duration.TotalSeconds:F0} s (+{settings.Warmup.TotalSeconds:F0} s warm-up), Redis {settings.Redis}");
        var total = (int)Math.Round(settings.Rate * settings.Duration.TotalSeconds) + (int)Math.Round(settings.Rate * 0.55 * settings.Warmup.TotalSeconds);
        var warmupCalls = (int)Math.Round(settings.Rate * 0.55 * settings.Warmup.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>(total);
        var lateStarts = 0;
        // Warm-up ramps the rate from a tenth to full so that JIT tiering does not start the run behind.
        var warmupSeconds = settings.Warmup.TotalSeconds;
        for (var i = 0; i < total; i++)
        {
            var due = i < warmupCalls
                ? TimeSpan.FromSeconds(RampTime(i, settings.Rate, warmupSeconds))
                : TimeSpan.FromSeconds(warmupSeconds + ((i - warmupCalls) / settings.Rate));
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
            else if (wait < TimeSpan.FromMilliseconds(-50))
            {
                lateStarts++;
            }

            var measured = i >= warmupCalls;
            pending.Add(PlaceCallAsync(grains, port, centreId, $"CA{centreId}{i:D7}", measured));
        }

        var offeredBy = clock.Elapsed;
        await Task.WhenAll(pending);
        await port.WaitForCompletionsAsync(total, TimeSpan.FromSeconds(60));
        var drained = clock.Elapsed;

        var latencies = port.MeasuredLatencies();
        Array.Sort(latencies);
        var measuredSpan = offeredBy - settings.Warmup;
        Console.WriteLine($"calls placed:            {total} ({warmupCalls} warm-up)");
        Console.WriteLine($"arrival rate achieved:   {(total - warmupCalls) / measuredSpan.TotalSeconds:F1} /s (late starts > 50 ms: {lateStarts})");
        Console.WriteLine($"calls completed:         {port.CompletedCount} in {drained.TotalSeconds:F1} s (failures: {port.FailureCount})");
        Console.WriteLine($"completion throughput:   {port.CompletedCount / drained.TotalSeconds:F1} calls/s");
        Console.WriteLine($"routing latency (queued -> offered), {latencies.Length} calls:");
        Console.WriteLine($"  p50 {Percentile(latencies, 0.50):F2} ms   p90 {Percentile(latencies, 0.90):F2} ms   p99 {Percentile(latencies, 0.99):F2} ms   max {latencies.LastOrDefault():F2} ms");
        await host.StopAsync();
        return port.FailureCount == 0 && port.CompletedCount == total ? 0 : 1;
    }

    private static async Task PlaceCallAsync(IGrainFactory grains, BenchTelephony port, string centreId, string callId, bool measured)
    {
        try
        {
            var call = grains.GetGrain<ICallGrain>(callId);
            await call.ArriveAsync(new CallArrival(centreId, "bench", new CallerRef("h" + callId, "m"), $"{callId}:arrive"));
            port.Queued(callId, measured);
            await call.ChooseAsync(new IvrChoice("2", $"{callId}:menu"));
        }
        catch (Exception ex)
        {
            port.Failed(ex);
        }
    }

    /// <summary>When call <paramref name="i"/> is due while the rate ramps linearly from rate/10 to rate over the warm-up.</summary>
    private static double RampTime(int i, double rate, double warmupSeconds)
    {
        // Calls placed by time t: n(t) = r0·t + (r − r0)·t²/(2W); solve n(t) = i for t.
        var r0 = rate / 10;
        var a = (rate - r0) / (2 * warmupSeconds);
        return a == 0 ? i / r0 : (-r0 + Math.Sqrt((r0 * r0) + (4 * a * i))) / (2 * a);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>A telephony port that timestamps rings instead of calling a carrier.</summary>
    private sealed class BenchTelephony : ITelephonyPort
    {
        private readonly ConcurrentDictionary<string, (long Start, bool Measured)> _queued = new();
        private readonly ConcurrentBag<double> _latencies = [];
        private int _completed;
        private int _failures;

        public Action<string, string> OnRing { get; set; } = (_, _) => { };

        public string Name => "bench";

        public int CompletedCount => Volatile.Read(ref _completed);

        public int FailureCount => Volatile.Read(ref _failures);

        public void Queued(string callId, bool measured) => _queued[callId] = (Stopwatch.GetTimestamp(), measured);

        public void Completed(string callId) => Interlocked.Increment(ref _completed);

        public void Failed(Exception ex)
        {
            if (Interlocked.Increment(ref _failures) <= 5)
            {
                Console.Error.WriteLine($"failure: {ex.GetType().Name}: {ex.Message}");
            }
        }

        public double[] MeasuredLatencies() => [.. _latencies];

        public async Task WaitForCompletionsAsync(int expected, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (CompletedCount + FailureCount < expected && deadline.Elapsed < timeout)
            {
                await Task.Delay(20);
            }
        }

        public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken)
        {
            if (_queued.TryRemove(callId, out var queued) && queued.Measured)
            {
                _latencies.Add(Stopwatch.GetElapsedTime(queued.Start).TotalMilliseconds);
            }

            OnRing(callId, counselorId);
            return Task.CompletedTask;
        }

        public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task HangUpAsync(string callId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CallBackCallerAsync(string callId, CallerRef caller, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
