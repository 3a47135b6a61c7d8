using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace HotlineCenter.Benchmarks;

/// <summary>Options of <c>--live</c> (ops/bench-live.sh).</summary>
public sealed record LiveBenchmarkSettings(
    Uri Target, int ServerPid, string CentreId, string Username, string Password,
    int Clients, int Circuits, double Rate, TimeSpan Duration, TimeSpan Warmup, TimeSpan CircuitSeconds)
{
    public static LiveBenchmarkSettings Parse(IReadOnlyList<string> args)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --clients, got '{args[i]}'.");
            }

            map[args[i][2..]] = args[i + 1];
        }

        var inv = CultureInfo.InvariantCulture;
        var settings = new LiveBenchmarkSettings(
            new Uri(map["target"]),
            int.Parse(map["pid"], inv),
            map.GetValueOrDefault("centre", "xa-12356"),
            map.GetValueOrDefault("username", "s-zhou"),
            map.GetValueOrDefault("password", "hotline-12356"),
            int.Parse(map.GetValueOrDefault("clients", "300"), inv),
            int.Parse(map.GetValueOrDefault("circuits", "40"), inv),
            double.Parse(map.GetValueOrDefault("rate", "1"), inv),
            TimeSpan.FromSeconds(double.Parse(map.GetValueOrDefault("seconds", "60"), inv)),
            TimeSpan.FromSeconds(double.Parse(map.GetValueOrDefault("warmup", "10"), inv)),
            TimeSpan.FromSeconds(double.Parse(map.GetValueOrDefault("circuit-seconds", "30"), inv)));
        if (settings.Clients is < 1 or > 5_000 || settings.Circuits is < 0 or > 500 || settings.Rate is <= 0 or > 20 || settings.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("--clients 1..5000, --circuits 0..500, --rate 0..20 calls/s and --seconds > 0 are required.");
        }

        return settings;
    }
}

/// <summary>
/// Push latency and memory per connected client against a running web host (ops/bench-live.sh).
/// <list type="number">
/// <item>Memory with only the driver connected, then with <c>--clients</c> SignalR clients of <c>/hubs/live</c>
/// subscribed to the centre: (with − without) / N.</item>
/// <item>Simulated calls flow through the demo API (placed → accepted → ended → wrap-up done) while every
/// client records when it first sees each change: the call in <c>activeCalls</c>, the call <c>Connected</c>,
/// the call gone. Latency = first seen by the client − the driver's timestamp taken just before the request
/// that made the change; all clocks are this process's <see cref="Stopwatch"/>.</item>
/// <item>Memory before and after <c>--circuits</c> real Blazor circuits of the live page in Chromium.</item>
/// <item>The calls again for <c>--circuit-seconds</c> with the circuits open: hub latency while every push
/// is also rendered by each circuit, and memory after.</item>
/// </list>
/// </summary>
public static partial class LiveFeedBenchmark
{
    public static async Task<int> RunAsync(LiveBenchmarkSettings settings)
    {
        var cookie = await SignInAsync(settings.Target, settings.Username, settings.Password);
        using var api = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 64 }) { BaseAddress = settings.Target, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Add("Cookie", cookie);
        await using var driver = await CallDriver.StartAsync(api, settings.Target, cookie, settings.CentreId);
        await driver.PrepareCounselorsAsync();
        Console.WriteLine($"Live feed benchmark against {settings.Target} (server pid {settings.ServerPid}): {settings.Clients} hub clients, {settings.Circuits} Blazor circuits, {settings.Rate} calls/s for {settings.Duration.TotalSeconds:F0} s (+{settings.Warmup.TotalSeconds:F0} s warm-up)");

        // A few clients and whole calls before the baseline: JIT, grain activations and pools are then
        // already paid for, and the growth measured after is what each further client costs.
        var warmClients = Math.Min(10, settings.Clients - 1);
        var clients = new List<LiveClient>(settings.Clients);
        await ConnectClientsAsync(settings, cookie, clients, warmClients);
        await driver.RunAsync(rate: 2, TimeSpan.FromSeconds(5), TimeSpan.Zero, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var baseline = await ServerMemory.ReadAsync(settings.ServerPid);
        Console.WriteLine($"memory, {warmClients} hub clients: {baseline}");

        var connecting = Stopwatch.StartNew();
        await ConnectClientsAsync(settings, cookie, clients, settings.Clients - warmClients);
        Console.WriteLine($"{settings.Clients - warmClients} more hub clients connected and subscribed in {connecting.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var withClients = await ServerMemory.ReadAsync(settings.ServerPid);
        Console.WriteLine($"memory, {clients.Count} hub clients: {withClients}");
        Console.WriteLine($"  growth per hub client: {(withClients - baseline).PerClient(settings.Clients - warmClients)}");

        var measuredFrom = Stopwatch.GetTimestamp() + (long)(settings.Warmup.TotalSeconds * Stopwatch.Frequency);
        driver.Reset();
        await driver.RunAsync(settings.Rate, settings.Duration, settings.Warmup, CancellationToken.None);

        // Every call has been wrapped up; the feed pushes its last change within an interval.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var ok = ReportLatency(driver, clients, measuredFrom);

        if (settings.Circuits > 0)
        {
            // Two warm-up pages first: the first circuit pays for JIT and the components' static caches.
            const int warmCircuits = 2;
            await using var consoles = await ConsoleCircuits.StartAsync(settings.Target, cookie);
            await consoles.OpenAsync(warmCircuits);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var beforeCircuits = await ServerMemory.ReadAsync(settings.ServerPid);
            Console.WriteLine($"memory, {warmCircuits} circuits: {beforeCircuits}");
            await consoles.OpenAsync(settings.Circuits);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var withCircuits = await ServerMemory.ReadAsync(settings.ServerPid);
            var live = await consoles.CountInteractiveAsync();
            Console.WriteLine($"memory, {warmCircuits + settings.Circuits} circuits open ({live} interactive): {withCircuits}");
            Console.WriteLine($"  growth per Blazor circuit: {(withCircuits - beforeCircuits).PerClient(settings.Circuits)}");
            ok &= live == warmCircuits + settings.Circuits;

            if (settings.CircuitSeconds > TimeSpan.Zero)
            {
                // The same traffic again with the consoles open: every push is now also rendered by each circuit.
                Console.WriteLine($"calls again for {settings.CircuitSeconds.TotalSeconds:F0} s with {warmCircuits + settings.Circuits} circuits and {clients.Count} hub clients connected");
                driver.Reset();
                var from = Stopwatch.GetTimestamp();
                await driver.RunAsync(settings.Rate, settings.CircuitSeconds, TimeSpan.Zero, CancellationToken.None);
                await Task.Delay(TimeSpan.FromSeconds(2));
                ok &= ReportLatency(driver, clients, from);
                live = await consoles.CountInteractiveAsync();
                var afterCalls = await ServerMemory.ReadAsync(settings.ServerPid);
                Console.WriteLine($"memory, {warmCircuits + settings.Circuits} circuits ({live} interactive) after those calls: {afterCalls}");
                ok &= live == warmCircuits + settings.Circuits;
            }
        }

        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return ok ? 0 : 1;
    }

    private static async Task ConnectClientsAsync(LiveBenchmarkSettings settings, string cookie, List<LiveClient> clients, int count)
    {
        foreach (var batch in Enumerable.Range(0, count).Chunk(25))
        {
            clients.AddRange(await Task.WhenAll(batch.Select(_ => LiveClient.ConnectAsync(settings.Target, cookie, settings.CentreId))));
        }
    }

    private static bool ReportLatency(CallDriver driver, List<LiveClient> clients, long measuredFrom)
    {
        var changes = driver.Changes.Where(c => c.At >= measuredFrom).ToArray();
        var pairs = new List<double>(changes.Length * clients.Count);
        var everyClient = new List<double>(changes.Length);
        var byKind = changes.GroupBy(c => c.Kind).ToDictionary(g => g.Key, _ => new List<double>());
        var missing = 0;
        foreach (var change in changes)
        {
            var slowest = 0.0;
            foreach (var client in clients)
            {
                if (client.FirstSeen(change.CallId, change.Kind) is not { } seen)
                {
                    missing++;
                    continue;
                }

                // A client can see a placed call before the POST that placed it has answered; never before it was sent.
                var ms = Math.Max(0, (seen - change.At) * 1000.0 / Stopwatch.Frequency);
                pairs.Add(ms);
                byKind[change.Kind].Add(ms);
                slowest = Math.Max(slowest, ms);
            }

            everyClient.Add(slowest);
        }

        Console.WriteLine($"calls placed {driver.Placed}, accepted {driver.Accepted}, ended {driver.Ended}, driver errors {driver.Errors}; snapshots received per client: {clients.Min(c => c.Received)}–{clients.Max(c => c.Received)}");
        Console.WriteLine($"push latency, driver request sent -> change seen by a client ({changes.Length} changes x {clients.Count} clients = {pairs.Count} pairs, {missing} never seen):");
        Console.WriteLine($"  all pairs          {Stats(pairs)}");
        foreach (var (kind, values) in byKind.OrderBy(k => k.Key))
        {
            Console.WriteLine($"  {kind,-10} {changes.Count(c => c.Kind == kind),4} changes {Stats(values)}");
        }

        Console.WriteLine($"  seen by every client (slowest client per change, {everyClient.Count} changes) {Stats(everyClient)}");
        return missing == 0 && changes.Length > 0 && driver.Errors == 0;
    }

    internal static string Stats(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? "no samples"
            : $"p50 {P(sorted, 0.50):F0} ms   p95 {P(sorted, 0.95):F0} ms   p99 {P(sorted, 0.99):F0} ms   max {sorted[^1]:F0} ms";
    }

    private static double P(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    internal static async Task<HubConnection> ConnectAsync(Uri target, string cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(target, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>Signs in the way a browser does (antiforgery token from the form) and returns the Cookie header to send.</summary>
    internal static async Task<string> SignInAsync(Uri target, string username, string password)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = target };
        using var page = await http.GetAsync("/login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = TokenPattern().Match(await page.Content.ReadAsStringAsync());
        if (!token.Success)
        {
            throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        }

        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
                ["Username"] = username,
                ["Password"] = password,
                ["ReturnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var response = await http.SendAsync(post);
        var auth = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]).Where(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal)).ToArray() : [];
        if (auth.Length == 0)
        {
            throw new InvalidOperationException($"Sign-in as {username} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return auth[0];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>What a client keeps of a snapshot: the version and which calls are active in which status.</summary>
public sealed record LiveView(long Version, CallView[] ActiveCalls);

public sealed record CallView(string CallId, string Status, string? CounselorId = null);

/// <summary>The three changes the driver makes to every call, and how a client recognises each in a snapshot.</summary>
public enum ChangeKind
{
    /// <summary>Placed through the demo API: the call id appears in <c>activeCalls</c>.</summary>
    Placed,

    /// <summary>The counsellor accepted the offer: the call shows <c>Connected</c>.</summary>
    Connected,

    /// <summary>The counsellor ended the call: the call id leaves <c>activeCalls</c>.</summary>
    Ended,
}

public sealed record Change(string CallId, ChangeKind Kind, long At);

/// <summary>One wall-display-like SignalR client: records when it first saw each change of each call.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly Dictionary<(string CallId, ChangeKind Kind), long> _firstSeen = [];
    private readonly HashSet<string> _present = [];
    private readonly Lock _gate = new();
    private HubConnection _connection = default!;
    private long _version = long.MinValue;

    public int Received { get; private set; }

    public static async Task<LiveClient> ConnectAsync(Uri target, string cookie, string centreId)
    {
        var client = new LiveClient();
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
            Received++;

            // Snapshots are whole pictures: keep the newest, drop older ones (docs/live-feed.md).
            if (view.Version <= _version)
            {
                return;
            }

            _version = view.Version;
            var current = new HashSet<string>(view.ActiveCalls.Length);
            foreach (var call in view.ActiveCalls)
            {
                current.Add(call.CallId);
                _firstSeen.TryAdd((call.CallId, ChangeKind.Placed), now);
                if (call.Status == "Connected")
                {
                    _firstSeen.TryAdd((call.CallId, ChangeKind.Connected), now);
                }
            }

            foreach (var gone in _present.Where(id => !current.Contains(id)))
            {
                _firstSeen.TryAdd((gone, ChangeKind.Ended), now);
            }

            _present.Clear();
            _present.UnionWith(current);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>
/// Plays callers and counsellors through the demo API: places calls at a fixed rate (open loop); when a
/// call is offered to a counsellor (pushed by the live feed, as a desk learns it), that counsellor accepts
/// after a short pause, talks for a few seconds, ends the call and finishes wrap-up at once, ready for the next.
/// </summary>
public sealed class CallDriver(HttpClient api, string centreId) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Change> _changes = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _offers = new();
    private HubConnection? _feed;
    private int _placed;
    private int _accepted;
    private int _ended;
    private int _errors;

    public IEnumerable<Change> Changes => _changes;

    public int Placed => _placed;

    public int Accepted => _accepted;

    public int Ended => _ended;

    public int Errors => _errors;

    /// <summary>A driver with its own subscription to the centre's feed: offers reach it the way they reach a desk.</summary>
    public static async Task<CallDriver> StartAsync(HttpClient api, Uri target, string cookie, string centreId)
    {
        var driver = new CallDriver(api, centreId);
        driver._feed = await LiveFeedBenchmark.ConnectAsync(target, cookie);
        driver._feed.On<LiveView>("centreChanged", driver.TakeOffers);
        driver.TakeOffers(await driver._feed.InvokeAsync<LiveView>("SubscribeCentre", centreId));
        return driver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null)
        {
            await _feed.DisposeAsync();
        }
    }

    /// <summary>Resolves the offer of each call the first time a snapshot shows it ringing a counsellor.</summary>
    private void TakeOffers(LiveView view)
    {
        foreach (var call in view.ActiveCalls)
        {
            if (call is { Status: "Offered", CounselorId: { } counselor })
            {
                _offers.GetOrAdd(call.CallId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(counselor);
            }
        }
    }

    public async Task PrepareCounselorsAsync()
    {
        var live = await api.GetFromJsonAsync<CentrePicture>($"/api/centres/{centreId}/live") ?? throw new InvalidOperationException("No live picture.");
        foreach (var counselor in live.Counselors)
        {
            await Post($"/api/counselors/{counselor.CounselorId}/presence", new { state = "Available" });
        }

        Console.WriteLine($"{live.Counselors.Length} counsellors set Available");
    }

    public async Task RunAsync(double rate, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var total = (int)(rate * (duration + warmup).TotalSeconds);
        var clock = Stopwatch.StartNew();
        var placing = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            placing.Add(Task.Run(PlaceAsync, cancellationToken));
        }

        await Task.WhenAll(placing);
    }

    /// <summary>Forgets the changes made so far (the warm-up calls before the baseline).</summary>
    public void Reset()
    {
        _changes.Clear();
        _placed = _accepted = _ended = 0;
    }

    /// <summary>Places one call and plays it to the end: <see cref="RunAsync"/> returns when all have finished.</summary>
    private Task PlaceAsync() => PlaceAsync("2", null);

    /// <summary>
    /// A caller presses "I am in danger" (digits 1 in the demo centre); <paramref name="placed"/> learns the call id and
    /// the timestamp taken just before the request; the call is then answered and ended like any other.
    /// </summary>
    public Task PlaceCrisisAsync(Action<string, long> placed) => PlaceAsync("1", placed);

    private async Task PlaceAsync(string digits, Action<string, long>? placedCallback)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await api.PostAsJsonAsync("/api/demo/calls", new { centreId, digits });
            response.EnsureSuccessStatusCode();
            var placed = await response.Content.ReadFromJsonAsync<PlacedCall>() ?? throw new InvalidOperationException("No call id.");
            placedCallback?.Invoke(placed.CallId, sent);
            _changes.Enqueue(new Change(placed.CallId, ChangeKind.Placed, sent));
            Interlocked.Increment(ref _placed);
            await LiveAsync(placed.CallId);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _errors);
            Console.WriteLine($"placing a call failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The counsellor's side: waits for the offer (read from the call's own state), answers, talks, ends, wraps up.</summary>
    private async Task LiveAsync(string callId)
    {
        // Wait for the offer to be pushed, as a counsellor's desk would, then answer after a human-ish pause.
        var offer = _offers.GetOrAdd(callId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        string counselor;
        try
        {
            counselor = await offer.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Call {callId} was not offered within 60 s.");
        }

        await Task.Delay(Random.Shared.Next(300, 800));
        var accepting = Stopwatch.GetTimestamp();
        await Post($"/api/counselors/{counselor}/accept", new { callId });
        _changes.Enqueue(new Change(callId, ChangeKind.Connected, accepting));
        Interlocked.Increment(ref _accepted);

        await Task.Delay(Random.Shared.Next(2_000, 4_000));
        var ending = Stopwatch.GetTimestamp();
        await Post($"/api/counselors/{counselor}/end", new { callId });
        _changes.Enqueue(new Change(callId, ChangeKind.Ended, ending));
        Interlocked.Increment(ref _ended);

        // Ending returns once the counsellor is in wrap-up (the call awaits it), so wrap-up can be finished at once.
        using var wrapped = await api.PostAsync($"/api/counselors/{counselor}/wrap-up/complete", null);
        wrapped.EnsureSuccessStatusCode();
    }

    private async Task Post(string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private sealed record PlacedCall(string CallId);

    private sealed record CentrePicture(CounselorRef[] Counselors);

    private sealed record CounselorRef(string CounselorId);
}
