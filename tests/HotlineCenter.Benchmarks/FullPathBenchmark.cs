using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace HotlineCenter.Benchmarks;

/// <summary>Options of <c>--fullpath</c> (ops/bench-fullpath.sh); see docs/benchmarks.md.</summary>
public sealed record FullPathSettings
{
    public required Uri Target { get; init; }
    public required int ServerPid { get; init; }
    public int RedisPid { get; init; }
    public required string AuthToken { get; init; }
    public string AccountSid { get; init; } = "AC0123456789abcdef0123456789abcdef";
    public string HotlineNumber { get; init; } = "+862912356";
    public required int TwilioPort { get; init; }
    public required int GatewayPort { get; init; }
    public string ClusterId { get; init; } = "hotline";
    public string ServiceId { get; init; } = "hotlinecenter";
    public string CentreId { get; init; } = "xa-12356";
    public string Username { get; init; } = "s-zhou";
    public required string Password { get; init; }
    public string? FloorRedis { get; init; }
    public int FloorRedisPid { get; init; }
    public int FloorPort { get; init; }
    public double Rate { get; init; } = 10;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public int Counselors { get; init; } = 200;
    public int Consoles { get; init; } = 50;
    public TimeSpan Handle { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan AnswerDelay { get; init; } = TimeSpan.FromMilliseconds(300);
    public int PushSample { get; init; } = 1;
    public double DrainSeconds { get; init; } = 60;
    public bool Contract { get; init; } = true;

    public static FullPathSettings Parse(IReadOnlyList<string> args)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --rate, got '{args[i]}'.");
            }

            map[args[i][2..]] = args[i + 1];
        }

        var inv = CultureInfo.InvariantCulture;
        int Int(string name, int fallback) => map.TryGetValue(name, out var v) ? int.Parse(v, inv) : fallback;
        double Num(string name, double fallback) => map.TryGetValue(name, out var v) ? double.Parse(v, inv) : fallback;
        if (map.ContainsKey("nodes") && map["nodes"] != "1")
        {
            throw new ArgumentException("--nodes: only 1 is supported yet (a single host); see docs/benchmarks.md.");
        }

        var s = new FullPathSettings
        {
            Target = new Uri(map["target"]),
            ServerPid = Int("pid", 0),
            RedisPid = Int("redis-pid", 0),
            AuthToken = map["auth-token"],
            TwilioPort = Int("twilio-port", 0),
            GatewayPort = Int("gateway", 30000),
            ClusterId = map.GetValueOrDefault("cluster-id", "hotline"),
            ServiceId = map.GetValueOrDefault("service-id", "hotlinecenter"),
            CentreId = map.GetValueOrDefault("centre", "xa-12356"),
            Username = map.GetValueOrDefault("username", "s-zhou"),
            Password = map["password"],
            FloorRedis = map.GetValueOrDefault("floor-redis"),
            FloorRedisPid = Int("floor-redis-pid", 0),
            FloorPort = Int("floor-port", 0),
            Rate = Num("rate", 10),
            Duration = TimeSpan.FromSeconds(Num("seconds", 30)),
            Warmup = TimeSpan.FromSeconds(Num("warmup", 5)),
            Counselors = Int("counselors", 200),
            Consoles = Int("consoles", 50),
            Handle = TimeSpan.FromSeconds(Num("handle-seconds", 2)),
            AnswerDelay = TimeSpan.FromMilliseconds(Num("answer-ms", 300)),
            PushSample = Int("push-sample", 1),
            DrainSeconds = Num("drain-seconds", 60),
            Contract = !map.TryGetValue("contract", out var c) || c != "off",
        };
        if (s.Rate is <= 0 or > 2_000 || s.Duration <= TimeSpan.Zero || s.Counselors is < 1 or > 5_000 || s.Consoles is < 0 or > 5_000
            || s.PushSample < 1 || s.TwilioPort <= 0 || s.Handle < TimeSpan.Zero)
        {
            throw new ArgumentException("--rate 0..2000, --seconds > 0, --counselors 1..5000, --consoles 0..5000, --push-sample >= 1, --handle-seconds >= 0 and --twilio-port are required.");
        }

        return s;
    }
}

/// <summary>What one phase (the floor, or the product) measured.</summary>
/// <param name="ServerCpuSeconds">From the first measured arrival until every call has ended (warm-up excluded).</param>
public sealed record PhaseResult(string Name, FullPathLoad Load, double ServerCpuSeconds, double RedisCpuSeconds, double WallSeconds, long MaxRssBytes, int Lost, int StillQueued, string? LostDetail)
{
    /// <summary>This load program's own CPU over the same span (callers, counsellors, fake Twilio, consoles): it shares the machine.</summary>
    public double LoadCpuSeconds { get; init; }

    /// <summary>The server's CPU share of one core with no call in progress, measured over 5 s just before the phase.</summary>
    public double IdleCores { get; init; }

    /// <summary>More lines for the report (push latency, memory).</summary>
    public List<string> Notes { get; } = [];

    public int MeasuredCalls => Load.MeasuredPlaced;
}

/// <summary>
/// The full-path load test against the floor (issue 13): first the floor (<see cref="FloorServer"/>, its own process
/// and Redis), then the product (the published host in Twilio mode), each driven by <see cref="FullPathLoad"/> with the
/// same calls at the same rate; the product also with <c>--consoles</c> SignalR clients of <c>/hubs/live</c> measuring
/// push latency. Reports both and the product's cost per call as a multiple of the floor's.
/// </summary>
public static class FullPathBenchmark
{
    public static async Task<int> RunAsync(FullPathSettings s)
    {
        Console.WriteLine($"Full-path benchmark: {s.Rate} arrivals/s for {s.Duration.TotalSeconds:F0} s (+{s.Warmup.TotalSeconds:F0} s warm-up), {s.Counselors} counsellors "
            + $"answering after {s.AnswerDelay.TotalMilliseconds:F0} ms and talking {s.Handle.TotalSeconds:F1} s, {s.Consoles} consoles; contract check {(s.Contract ? "on" : "off")}");
        await using var api = new BenchTwilioApi(s.AccountSid, s.AuthToken, s.Contract);
        await api.StartAsync(s.TwilioPort);

        PhaseResult? floor = null;
        if (s.FloorRedis is not null && s.FloorPort > 0)
        {
            floor = await RunFloorAsync(s, api);
            Print(floor, s);
        }

        var product = await RunProductAsync(s, api);
        Print(product, s);
        if (floor is not null)
        {
            Compare(product, floor);
        }

        var violations = api.Violations;
        Console.WriteLine($"Twilio REST requests: {api.RequestCount}, contract violations: {violations.Count}");
        foreach (var v in violations.Take(10))
        {
            Console.WriteLine($"  {v}");
        }

        var ok = product.Lost == 0 && product.Load.Failures == 0 && violations.Count == 0 && (floor is null || (floor.Lost == 0 && floor.Load.Failures == 0));
        Console.WriteLine(ok ? "RESULT: pass (no call lost, no failure)" : "RESULT: FAIL (see lost calls, failures or violations above)");
        return ok ? 0 : 1;
    }

    private static async Task<PhaseResult> RunFloorAsync(FullPathSettings s, BenchTwilioApi api)
    {
        var floorUrl = $"http://127.0.0.1:{s.FloorPort}";
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--floor-server", "--port", s.FloorPort.ToString(CultureInfo.InvariantCulture), "--redis", s.FloorRedis!, "--auth-token", s.AuthToken,
            "--account-sid", s.AccountSid, "--twilio-api", $"http://127.0.0.1:{s.TwilioPort}", "--counselors", s.Counselors.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        // Environment.ProcessPath is this program's apphost (dotnet run starts it), so the floor runs the same build.
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The floor server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.Error.WriteLine($"[floor] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = Client(new Uri(floorUrl));
            for (var i = 0; ; i++)
            {
                try
                {
                    (await http.GetAsync("/ready")).EnsureSuccessStatusCode();
                    break;
                }
                catch (HttpRequestException) when (i < 100 && !process.HasExited)
                {
                    await Task.Delay(200);
                }
            }

            Console.WriteLine($"floor: bare endpoint pid {process.Id} on {floorUrl}, Redis {s.FloorRedis} (appendfsync always), {FloorServer.WritesPerCall} fsynced writes per call");
            var load = new FullPathLoad(s, api, http, floorUrl);
            return await MeasureAsync("floor", s, load, process.Id, s.FloorRedisPid, () => Task.FromResult((load.Placed - load.Completed, 0, (string?)null)));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<PhaseResult> RunProductAsync(FullPathSettings s, BenchTwilioApi api)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, s.GatewayPort));
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (s.ClusterId, s.ServiceId));
        });
        using var orleans = builder.Build();
        await orleans.StartAsync();
        var grains = orleans.Services.GetRequiredService<IGrainFactory>();
        await PrepareCentreAsync(grains, s);

        var cookie = await LiveFeedBenchmark.SignInAsync(s.Target, s.Username, s.Password);
        var consoles = new List<ConsoleClient>(s.Consoles);
        var watched = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        foreach (var batch in Enumerable.Range(0, s.Consoles).Chunk(25))
        {
            consoles.AddRange(await Task.WhenAll(batch.Select(_ => ConsoleClient.ConnectAsync(s.Target, cookie, s.CentreId, watched))));
        }

        Console.WriteLine($"product: host pid {s.ServerPid} at {s.Target}; {s.Counselors} counsellors Available (Orleans client on gateway {s.GatewayPort}, as DeskService does); {consoles.Count} consoles subscribed to {s.CentreId} as {s.Username}");
        using var http = Client(s.Target);
        var load = new FullPathLoad(s, api, http, s.Target.ToString(), id => watched.TryAdd(id, 0));
        var result = await MeasureAsync("product", s, load, s.ServerPid, s.RedisPid, () => CountLostAsync(grains, load));

        // Pushes of the last changes arrive within a feed interval.
        await Task.Delay(TimeSpan.FromSeconds(2));
        result.Notes.AddRange(ReportPush(load, consoles));
        if (s.ServerPid > 0)
        {
            result.Notes.Add($"server memory after the run (after a full GC): {await ServerMemory.ReadAsync(s.ServerPid)}");
        }

        await Task.WhenAll(consoles.Select(c => c.DisposeAsync().AsTask()));
        await orleans.StopAsync();
        return result;
    }

    /// <summary>
    /// The demo centre is reconfigured for a load test: no wrap-up (a counsellor is Available again when the call ends),
    /// no callback offer, overflow after an hour; then <c>--counselors</c> accounts-less counsellors join its general queue
    /// and go Available through <see cref="ICounselorGrain.ChangePresenceAsync"/>, the call a console's desk makes.
    /// </summary>
    private static async Task PrepareCentreAsync(IGrainFactory grains, FullPathSettings s)
    {
        var centre = grains.GetGrain<ICentreGrain>(s.CentreId);
        var config = await centre.GetConfigAsync() ?? throw new InvalidOperationException($"Centre {s.CentreId} does not exist (is Demo:Seed on?).");
        await centre.ConfigureAsync(config with
        {
            CallbackOfferAfterSeconds = 0,
            Queues = [.. config.Queues.Select(q => q with { WrapUpSeconds = 0, OverflowAfterSeconds = 3600, CrisisOverflowAfterSeconds = 3600 })],
        });
        var started = Stopwatch.StartNew();
        foreach (var batch in Enumerable.Range(1, s.Counselors).Chunk(50))
        {
            await Task.WhenAll(batch.Select(async i =>
            {
                var id = $"bench-c{i:D4}";
                var counselor = grains.GetGrain<ICounselorGrain>(id);
                await counselor.SetProfileAsync(new CounselorProfile(s.CentreId, $"压测{i}", [new SkillLevel("general", 3)], ["cmn"], ["general"]));
                await centre.AddCounselorAsync(id);
                await counselor.ChangePresenceAsync(PresenceState.Available, "console");
            }));
        }

        Console.WriteLine($"{s.Counselors} counsellors seeded and Available in {started.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Where every call of the run stands in its grain: ended is complete, still queued is kept; anything else is lost.</summary>
    private static async Task<(int Lost, int StillQueued, string? Detail)> CountLostAsync(IGrainFactory grains, FullPathLoad load)
    {
        var statuses = new ConcurrentDictionary<CallStatus, int>();
        var errors = 0;
        foreach (var batch in load.Calls.Chunk(64))
        {
            await Task.WhenAll(batch.Select(async call =>
            {
                try
                {
                    var status = (await grains.GetGrain<ICallGrain>(call.Sid).GetAsync()).Status;
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        var queued = statuses.GetValueOrDefault(CallStatus.Queued) + statuses.GetValueOrDefault(CallStatus.Offered);
        var lost = statuses.Where(kv => kv.Key is not (CallStatus.Ended or CallStatus.Queued or CallStatus.Offered)).Sum(kv => kv.Value) + errors;
        var detail = string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")) + (errors > 0 ? $", unreadable {errors}" : string.Empty);
        return (lost, queued, detail);
    }

    private static async Task<PhaseResult> MeasureAsync(string name, FullPathSettings s, FullPathLoad load, int serverPid, int redisPid, Func<Task<(int Lost, int StillQueued, string? Detail)>> countLost)
    {
        // What the server burns with no call (timers, feeds, membership): reported, so a light run is not misread.
        var idle0 = ProcessCpu.Seconds(serverPid);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = (ProcessCpu.Seconds(serverPid) - idle0) / 5;
        var cpu0 = ProcessCpu.Seconds(serverPid);
        var redis0 = ProcessCpu.Seconds(redisPid);
        var self0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        load.MeasuredStarts = () => (cpu0, redis0, self0, clock) = (ProcessCpu.Seconds(serverPid), ProcessCpu.Seconds(redisPid), Process.GetCurrentProcess().TotalProcessorTime, Stopwatch.StartNew());
        long maxRss = 0;
        using var cts = new CancellationTokenSource();
        var rss = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                if (serverPid > 0)
                {
                    maxRss = Math.Max(maxRss, ServerMemory.Rss(serverPid));
                }

                await Task.Delay(1000, cts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        await load.RunAsync();
        var wall = clock.Elapsed.TotalSeconds;
        var cpu = ProcessCpu.Seconds(serverPid) - cpu0;
        var redis = ProcessCpu.Seconds(redisPid) - redis0;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - self0).TotalSeconds;
        await cts.CancelAsync();
        await rss;
        var (lost, queued, detail) = await countLost();
        return new PhaseResult(name, load, cpu, redis, wall, maxRss, lost, queued, detail) { LoadCpuSeconds = self, IdleCores = idle };
    }

    private static void Print(PhaseResult r, FullPathSettings s)
    {
        var l = r.Load;
        Console.WriteLine();
        Console.WriteLine($"== {r.Name} ==");
        Console.WriteLine($"calls placed {l.Placed} ({l.Placed - l.MeasuredPlaced} warm-up), completed {l.Completed}, failures {l.Failures}, extra rings {l.ExtraRings}");
        Console.WriteLine($"arrivals/s achieved (measured part): {l.ArrivalsPerSecond:F1}   calls in the system at once (max): {l.MaxInSystem}");
        Console.WriteLine($"lost calls: {r.Lost}   still queued at the end: {r.StillQueued}{(r.LostDetail is { Length: > 0 } d ? $"   (call states: {d})" : string.Empty)}");
        foreach (var note in l.FailureNotes)
        {
            Console.WriteLine($"  failure: {note}");
        }

        foreach (var note in r.Notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine($"routing latency (queued -> counsellor leg created at Twilio): {Samples.Stats(l.Routing.Sorted("queued -> counsellor leg created"))}");
        Console.WriteLine("webhook latency (signed request sent -> answer read), by kind:");
        foreach (var kind in l.Webhooks.Names)
        {
            Console.WriteLine($"  {kind,-17} {Samples.Stats(l.Webhooks.Sorted(kind))}");
        }

        var all = l.Webhooks.Names.SelectMany(l.Webhooks.Sorted).Order().ToArray();
        Console.WriteLine($"  {"all",-17} {Samples.Stats(all)}");
        var perCall = r.ServerCpuSeconds / r.MeasuredCalls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU from the first measured arrival until all calls ended ({r.WallSeconds:F1} s): server {r.ServerCpuSeconds:F2} s ({r.ServerCpuSeconds / r.WallSeconds * 100:F0} % of one core), Redis {r.RedisCpuSeconds:F2} s, this load program {r.LoadCpuSeconds:F2} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU per measured call: server {perCall * 1000:F2} ms, server + Redis {(r.ServerCpuSeconds + r.RedisCpuSeconds) / r.MeasuredCalls * 1000:F2} ms; server idle before the phase {r.IdleCores * 100:F0} % of one core (per call net of idle: {(r.ServerCpuSeconds - (r.IdleCores * r.WallSeconds)) / r.MeasuredCalls * 1000:F2} ms)"));
        if (r.MaxRssBytes > 0)
        {
            Console.WriteLine($"server RSS (max, sampled each second): {r.MaxRssBytes / (1024.0 * 1024):F0} MB");
        }
    }

    private static void Compare(PhaseResult product, PhaseResult floor)
    {
        static double PerCall(PhaseResult r, bool withRedis) => ((withRedis ? r.RedisCpuSeconds : 0) + r.ServerCpuSeconds) / r.MeasuredCalls;
        static double Pct(PhaseResult r, string kind, double p) => Samples.P(kind == "all" ? [.. r.Load.Webhooks.Names.SelectMany(r.Load.Webhooks.Sorted).Order()] : r.Load.Webhooks.Sorted(kind), p);
        Console.WriteLine();
        Console.WriteLine("== product as a multiple of the floor ==");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU-seconds per call: server {PerCall(product, false) / PerCall(floor, false):F1}x, server + Redis {PerCall(product, true) / PerCall(floor, true):F1}x"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"routing latency: p50 {Samples.P(product.Load.Routing.Sorted("queued -> counsellor leg created"), 0.5) / Samples.P(floor.Load.Routing.Sorted("queued -> counsellor leg created"), 0.5):F1}x, p99 {Samples.P(product.Load.Routing.Sorted("queued -> counsellor leg created"), 0.99) / Samples.P(floor.Load.Routing.Sorted("queued -> counsellor leg created"), 0.99):F1}x"));
        foreach (var kind in product.Load.Webhooks.Names.Append("all"))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"webhook {kind,-17} p50 {Pct(product, kind, 0.5) / Pct(floor, kind, 0.5),6:F1}x   p99 {Pct(product, kind, 0.99) / Pct(floor, kind, 0.99),6:F1}x"));
        }
    }

    private static IEnumerable<string> ReportPush(FullPathLoad load, List<ConsoleClient> consoles)
    {
        if (consoles.Count == 0)
        {
            yield break;
        }

        var byKind = new Dictionary<ChangeKind, List<double>>();
        var all = new List<double>();
        var missing = 0;
        foreach (var change in load.Changes)
        {
            foreach (var console in consoles)
            {
                if (console.FirstSeen(change.CallId, change.Kind) is not { } seen)
                {
                    missing++;
                    continue;
                }

                var ms = Math.Max(0, (seen - change.At) * 1000.0 / Stopwatch.Frequency);
                all.Add(ms);
                (byKind.TryGetValue(change.Kind, out var list) ? list : byKind[change.Kind] = []).Add(ms);
            }
        }

        yield return $"push latency to {consoles.Count} consoles (request that made the change sent -> change seen; {load.Changes.Count} changes x {consoles.Count} consoles, {missing} pairs never seen):";
        yield return $"  all               {Samples.Stats([.. all.Order()])}";
        foreach (var (kind, values) in byKind.OrderBy(k => k.Key))
        {
            yield return $"  {kind,-17} {Samples.Stats([.. values.Order()])}";
        }
    }

    private static HttpClient Client(Uri target) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = target,
            Timeout = TimeSpan.FromSeconds(15),
        };
}

/// <summary>A console on <c>/hubs/live</c>: records when it first saw each change of the calls the run watches.</summary>
public sealed class ConsoleClient : IAsyncDisposable
{
    private readonly Dictionary<(string CallId, ChangeKind Kind), long> _firstSeen = [];
    private readonly ConcurrentDictionary<string, byte> _watched;
    private readonly Lock _gate = new();
    private HashSet<string> _present = new(StringComparer.Ordinal);
    private HubConnection _connection = default!;
    private long _version = long.MinValue;

    private ConsoleClient(ConcurrentDictionary<string, byte> watched) => _watched = watched;

    public static async Task<ConsoleClient> ConnectAsync(Uri target, string cookie, string centreId, ConcurrentDictionary<string, byte> watched)
    {
        var client = new ConsoleClient(watched);
        client._connection = await LiveFeedBenchmark.ConnectAsync(target, cookie);
        client._connection.On<LiveView>("centreChanged", client.Take);
        client.Take(await client._connection.InvokeAsync<LiveView>("SubscribeCentre", centreId));
        return client;
    }

    public long? FirstSeen(string callId, ChangeKind kind)
    {
        lock (_gate)
        {
            return _firstSeen.TryGetValue((callId, kind), out var at) ? at : null;
        }
    }

    private void Take(LiveView view)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            // Snapshots are whole pictures: keep the newest, drop older ones (docs/live-feed.md).
            if (view.Version <= _version)
            {
                return;
            }

            _version = view.Version;
            var current = new HashSet<string>(StringComparer.Ordinal);
            foreach (var call in view.ActiveCalls)
            {
                if (!_watched.ContainsKey(call.CallId))
                {
                    continue;
                }

                current.Add(call.CallId);
                _firstSeen.TryAdd((call.CallId, ChangeKind.Placed), now);
                if (call.Status == "Connected")
                {
                    _firstSeen.TryAdd((call.CallId, ChangeKind.Connected), now);
                }
            }

            foreach (var gone in _present)
            {
                if (!current.Contains(gone))
                {
                    _firstSeen.TryAdd((gone, ChangeKind.Ended), now);
                }
            }

            _present = current;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
