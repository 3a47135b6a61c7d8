using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Crisis alert latency (ops/bench-alerts.sh): <c>--clients</c> wallboards connected to <c>/hubs/live</c> while
/// general calls flow at <c>--rate</c>; every <c>--crisis-every</c> seconds a caller presses "I am in danger".
/// Latency = the first snapshot at a wallboard holding the server's crisis alert for that call − the timestamp
/// taken just before the request that placed it (the trigger); one sample per wallboard per crisis call.
/// </summary>
public static class AlertBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var inv = CultureInfo.InvariantCulture;
        var target = new Uri(options["target"]);
        var centreId = options.GetValueOrDefault("centre", "xa-12356");
        var clientCount = int.Parse(options.GetValueOrDefault("clients", "50"), inv);
        var rate = double.Parse(options.GetValueOrDefault("rate", "1"), inv);
        var duration = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("seconds", "60"), inv));
        var crisisEvery = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("crisis-every", "5"), inv));
        if (clientCount is < 1 or > 2_000 || rate is <= 0 or > 20 || duration <= TimeSpan.Zero || crisisEvery < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("--clients 1..2000, --rate 0..20 calls/s, --seconds > 0 and --crisis-every ≥ 1 s are required.");
        }

        var cookie = await LiveFeedBenchmark.SignInAsync(target, options.GetValueOrDefault("username", "s-zhou"), options.GetValueOrDefault("password", "hotline-12356"));
        using var api = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 64 }) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Add("Cookie", cookie);
        await using var driver = await CallDriver.StartAsync(api, target, cookie, centreId);
        await driver.PrepareCounselorsAsync();

        var boards = new List<AlertBoard>(clientCount);
        for (var i = 0; i < clientCount; i++)
        {
            boards.Add(await AlertBoard.ConnectAsync(target, cookie, centreId));
        }

        Console.WriteLine($"Alert benchmark against {target}: {clientCount} wallboards, {rate} calls/s for {duration.TotalSeconds:F0} s, a crisis call every {crisisEvery.TotalSeconds:F0} s");
        var triggers = new ConcurrentDictionary<string, long>();
        var flow = driver.RunAsync(rate, duration, TimeSpan.Zero, CancellationToken.None);
        var crises = new List<Task>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            crises.Add(driver.PlaceCrisisAsync((callId, sent) => triggers[callId] = sent));
            await Task.Delay(crisisEvery);
        }

        await Task.WhenAll(crises.Append(flow));

        // Give the last push a moment to land before counting what never arrived.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var latencies = new List<double>();
        var missing = 0;
        foreach (var (callId, sent) in triggers)
        {
            foreach (var board in boards)
            {
                if (board.FirstSeen(callId) is { } seen)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent, seen).TotalMilliseconds);
                }
                else
                {
                    missing++;
                }
            }
        }

        Console.WriteLine($"crisis calls: {triggers.Count}; general calls placed {driver.Placed - triggers.Count}, answered {driver.Accepted}, ended {driver.Ended}, driver errors {driver.Errors}");
        Console.WriteLine($"trigger → crisis alert on a wallboard ({latencies.Count} samples, {missing} never seen): {LiveFeedBenchmark.Stats(latencies)}");
        foreach (var board in boards)
        {
            await board.DisposeAsync();
        }

        var p99 = latencies.Count == 0 ? double.MaxValue : latencies.Order().ElementAt(Math.Min(latencies.Count - 1, (int)Math.Ceiling(0.99 * latencies.Count) - 1));
        var met = missing == 0 && driver.Errors == 0 && p99 <= 2_000;
        Console.WriteLine(met ? "target met: every alert seen, p99 ≤ 2 s" : "TARGET MISSED");
        return met ? 0 : 1;
    }

    /// <summary>A wallboard's view: when it first saw a crisis alert of each call.</summary>
    private sealed class AlertBoard : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, long> _firstSeen = new();
        private HubConnection _connection = default!;

        public static async Task<AlertBoard> ConnectAsync(Uri target, string cookie, string centreId)
        {
            var board = new AlertBoard();
            board._connection = await LiveFeedBenchmark.ConnectAsync(target, cookie);
            board._connection.On<AlertView>("centreChanged", board.Take);
            board.Take(await board._connection.InvokeAsync<AlertView>("SubscribeCentre", centreId));
            return board;
        }

        public long? FirstSeen(string callId) => _firstSeen.TryGetValue(callId, out var at) ? at : null;

        private void Take(AlertView view)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var alert in view.Alerts ?? [])
            {
                if (alert is { CallId: { } callId, Kind: "CrisisCaseOpened" or "CrisisWaiting" })
                {
                    _firstSeen.TryAdd(callId, now);
                }
            }
        }

        public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
    }

    private sealed record AlertView(long Version, AlertItem[]? Alerts);

    private sealed record AlertItem(string AlertId, string Kind, string? CallId);
}
