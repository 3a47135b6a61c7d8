using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;

namespace HotlineCenter.Web.Tests.Fuzzing;

/// <summary>What one fuzzed request got.</summary>
public sealed record FuzzResult(FuzzCase Case, int Status);

/// <summary>Sends fuzz cases a few at a time and keeps what came back.</summary>
public static class FuzzRun
{
    /// <summary>The status recorded when the server closed the connection instead of reading the whole request.</summary>
    public const int ConnectionClosed = 0;

    public static async Task<IReadOnlyList<FuzzResult>> SendAsync(HttpClient client, IEnumerable<FuzzCase> cases, int parallel = 4)
    {
        var results = new ConcurrentBag<FuzzResult>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, ct) =>
        {
            using var request = c.ToRequest();

            // A body over the limit makes Kestrel answer and close the connection: on a connection of its own, so the
            // requests after it are not cut off with it.
            using var own = c.Kind.StartsWith("webhook-oversized", StringComparison.Ordinal)
                ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = client.BaseAddress }
                : null;
            try
            {
                using var response = await (own ?? client).SendAsync(request, ct);
                results.Add(new FuzzResult(c, (int)response.StatusCode));
            }
            catch (HttpRequestException)
            {
                // Kestrel answered and closed the connection before the client finished sending (a body over the limit).
                results.Add(new FuzzResult(c, ConnectionClosed));
            }
        });
        return [.. results];
    }

    /// <summary>The endpoints a caller from outside can reach: webhooks, the API, sign-in, culture, health and status pages.</summary>
    public static IReadOnlyList<FuzzEndpoint> Endpoints(IServiceProvider services)
    {
        string[] reachable = ["/webhooks", "/api", "/account", "/culture", "/health", "/status"];
        return [.. services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => new FuzzEndpoint("/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [],
                e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not null))
            .Where(e => reachable.Any(r => e.Pattern.StartsWith(r, StringComparison.Ordinal)))
            .DistinctBy(e => (e.Pattern, string.Join(",", e.Methods)))];
    }

    /// <summary>Every stored value of one deployment (grain state and reminders; not the membership table, which ticks), by key.</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> SnapshotAsync(string redis, string serviceId)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var db = connection.GetDatabase();
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: serviceId + "/*", pageSize: 1000))
        {
            var name = key.ToString();
            if (name.StartsWith(serviceId + "/members", StringComparison.Ordinal))
            {
                continue;
            }

            values[name] = (byte[]?)await db.KeyDumpAsync(key) ?? [];
        }

        return values;
    }

    /// <summary>Keys added, removed or changed between two snapshots.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, byte[]> before, IReadOnlyDictionary<string, byte[]> after) =>
        [.. before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || !b.AsSpan().SequenceEqual(a))
            .Order(StringComparer.Ordinal)];

    /// <summary>Error-level log events written since <paramref name="since"/> (Serilog's compact JSON file), as "level: template".</summary>
    public static IReadOnlyList<string> ErrorsLogged(string logDirectory, DateTimeOffset since)
    {
        var errors = new List<string>();
        foreach (var file in Directory.EnumerateFiles(logDirectory, "*.json*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                using var entry = JsonDocument.Parse(line);
                var root = entry.RootElement;
                var level = root.TryGetProperty("@l", out var l) ? l.GetString() : "Information";
                if (level is "Error" or "Fatal" && root.TryGetProperty("@t", out var t) && t.GetDateTimeOffset() >= since)
                {
                    errors.Add($"{level}: {(root.TryGetProperty("@mt", out var mt) ? mt.GetString() : "?")} {(root.TryGetProperty("@x", out var x) ? x.GetString()?.Split('\n')[0] : string.Empty)}");
                }
            }
        }

        return errors;
    }

    /// <summary>Refused the way a refusal should be: a 4xx, or a redirect to sign-in.</summary>
    public static bool IsRefusal(int status) => status is >= 300 and < 500 && status != (int)HttpStatusCode.NotModified;
}
