using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Signed incoming-call webhooks posted to a running HotlineCenter in Twilio mode at a fixed rate (open
/// loop), timing each until its TwiML has been read. See ops/bench-webhooks.sh.
/// </summary>
public static class WebhookBenchmark
{
    public static async Task<int> RunAsync(string target, string publicBase, string authToken, double rate, TimeSpan duration, TimeSpan warmup)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(target),
            Timeout = TimeSpan.FromSeconds(15),
        };
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var warmupCalls = (int)(rate * warmup.TotalSeconds);
        var total = warmupCalls + (int)(rate * duration.TotalSeconds);
        Console.WriteLine($"Webhook benchmark: {rate} signed incoming-call webhooks/s for {duration.TotalSeconds:F0} s (+{warmup.TotalSeconds:F0} s warm-up) against {target}");
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var measured = i >= warmupCalls;
            pending.Add(Task.Run(async () =>
            {
                var sid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var fields = new List<KeyValuePair<string, string>>
                {
                    new("CallSid", sid), new("AccountSid", "AC0123456789abcdef0123456789abcdef"), new("From", "+86138" + Random.Shared.Next(10_000_000, 99_999_999)),
                    new("To", "+862912356"), new("CallStatus", "ringing"), new("ApiVersion", "2010-04-01"), new("Direction", "inbound"),
                };
                using var request = new HttpRequestMessage(HttpMethod.Post, TwilioWebhooks.Prefix + "/voice") { Content = new FormUrlEncodedContent(fields) };
                request.Headers.Add("X-Twilio-Signature", TwilioSignatureValidator.ComputeSignature(authToken, publicBase.TrimEnd('/') + TwilioWebhooks.Prefix + "/voice", fields));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode || !body.Contains("<Gather", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref failures);
                        return;
                    }

                    if (measured)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }));
        }

        await Task.WhenAll(pending);
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        Console.WriteLine($"requests: {total} ({warmupCalls} warm-up), answered with a menu: {total - failures}, failures: {failures}");
        Console.WriteLine($"latency (signed webhook -> TwiML read), {sorted.Length} requests:");
        Console.WriteLine($"  p50 {P(sorted, 0.50):F2} ms   p90 {P(sorted, 0.90):F2} ms   p99 {P(sorted, 0.99):F2} ms   max {sorted.LastOrDefault():F2} ms");
        return failures == 0 ? 0 : 1;
    }

    private static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
