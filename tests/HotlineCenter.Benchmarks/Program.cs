using HotlineCenter.Benchmarks;

// Routing benchmark: real grains, real Redis storage (see ops/bench.sh and docs/benchmarks.md).
return await RoutingBenchmark.RunAsync(BenchmarkSettings.Parse(args));
