using HotlineCenter.Benchmarks;

// Routing benchmark (ops/bench.sh), webhook benchmark (ops/bench-webhooks.sh), live-feed benchmark
// (ops/bench-live.sh), full path against the floor (ops/bench-fullpath.sh), crisis-alert benchmark (ops/bench-alerts.sh) or month-report benchmark (ops/bench-reports.sh);
// see docs/benchmarks.md.
if (args.Length > 1 && args[0] == "--fullpath")
{
    return await FullPathBenchmark.RunAsync(FullPathSettings.Parse(args[1..]));
}

// The floor's bare endpoint, started by --fullpath as a process of its own (so its CPU is measured apart).
if (args.Length > 1 && args[0] == "--floor-server")
{
    return await FloorServer.RunAsync(args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p.ElementAtOrDefault(1) ?? string.Empty));
}

if (args.Length > 1 && args[0] == "--live")
{
    return await LiveFeedBenchmark.RunAsync(LiveBenchmarkSettings.Parse(args[1..]));
}

if (args.Length > 0 && args[0] == "--reports")
{
    return await ReportBenchmark.RunAsync(args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p.ElementAtOrDefault(1) ?? string.Empty));
}

if (args.Length > 1 && args[0] == "--alerts")
{
    return await AlertBenchmark.RunAsync(args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p.ElementAtOrDefault(1) ?? string.Empty));
}

if (args.Length > 1 && args[0] == "--webhooks")
{
    var opts = args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p.ElementAtOrDefault(1) ?? string.Empty);
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return await WebhookBenchmark.RunAsync(
        opts["target"],
        opts["public-base"],
        opts["auth-token"],
        double.Parse(opts.GetValueOrDefault("rate", "50"), inv),
        TimeSpan.FromSeconds(double.Parse(opts.GetValueOrDefault("seconds", "20"), inv)),
        TimeSpan.FromSeconds(double.Parse(opts.GetValueOrDefault("warmup", "5"), inv)));
}

return await RoutingBenchmark.RunAsync(BenchmarkSettings.Parse(args));
