namespace HotlineCenter.Benchmarks;

public sealed record BenchmarkSettings(string Redis, int Counselors, double Rate, TimeSpan Duration, TimeSpan Warmup)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --rate, got '{args[i]}'.");
            }

            map[args[i][2..]] = args[i + 1];
        }

        var settings = new BenchmarkSettings(
            map.GetValueOrDefault("redis") ?? Environment.GetEnvironmentVariable("HOTLINE_BENCH_REDIS") ?? "127.0.0.1:6379",
            int.Parse(map.GetValueOrDefault("counselors", "200")),
            double.Parse(map.GetValueOrDefault("rate", "50"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(map.GetValueOrDefault("seconds", "20"), System.Globalization.CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(map.GetValueOrDefault("warmup", "5"), System.Globalization.CultureInfo.InvariantCulture)));
        if (settings.Counselors is < 1 or > 10_000 || settings.Rate is <= 0 or > 5_000 || settings.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("--counselors 1..10000, --rate 0..5000 and --seconds > 0 are required.");
        }

        return settings;
    }
}
