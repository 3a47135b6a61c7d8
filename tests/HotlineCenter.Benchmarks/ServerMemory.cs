using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HotlineCenter.Benchmarks;

/// <summary>The web host's memory as the benchmark reads it from outside the process.</summary>
/// <param name="ManagedHeapBytes">GC heap (all generations, LOH, POH) right after a full blocking collection.</param>
/// <param name="RssBytes">Resident set (VmRSS) read just after that collection.</param>
public sealed record MemoryReading(long ManagedHeapBytes, long RssBytes)
{
    public static MemoryReading operator -(MemoryReading a, MemoryReading b) => new(a.ManagedHeapBytes - b.ManagedHeapBytes, a.RssBytes - b.RssBytes);

    public string PerClient(int clients) =>
        $"{Mb(ManagedHeapBytes / (double)clients):F3} MB managed heap, {Mb(RssBytes / (double)clients):F3} MB RSS per client";

    public override string ToString() => $"managed heap {Mb(ManagedHeapBytes):F1} MB, RSS {Mb(RssBytes):F1} MB";

    private static double Mb(double bytes) => bytes / (1024 * 1024);
}

/// <summary>
/// Reads the memory of a running .NET process without adding anything to it: a full, blocking GC is induced
/// through the runtime's diagnostics port (the EventPipe <c>GCHeapCollect</c> keyword, the mechanism
/// <c>dotnet-gcdump</c> uses) and the heap size is taken from the <c>GCHeapStats</c> event that collection
/// emits; the resident set comes from <c>/proc/&lt;pid&gt;/status</c>.
/// </summary>
public static class ServerMemory
{
    private const long GcKeyword = (long)ClrTraceEventParser.Keywords.GC;
    private const long GcHeapCollectKeyword = (long)ClrTraceEventParser.Keywords.GCHeapCollect;

    /// <summary>Median of <paramref name="samples"/> readings a second apart, so one stray allocation burst does not decide.</summary>
    public static async Task<MemoryReading> ReadAsync(int pid, int samples = 3)
    {
        var readings = new List<MemoryReading>();
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            var heap = await HeapAfterFullGcAsync(pid);
            readings.Add(new MemoryReading(heap, Rss(pid)));
        }

        return new MemoryReading(
            readings.Select(r => r.ManagedHeapBytes).Order().ElementAt(samples / 2),
            readings.Select(r => r.RssBytes).Order().ElementAt(samples / 2));
    }

    public static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kb * 1024;
    }

    private static async Task<long> HeapAfterFullGcAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword | GcHeapCollectKeyword) };
        using var session = client.StartEventPipeSession(providers, requestRundown: false, circularBufferMB: 64);
        var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new EventPipeEventSource(session.EventStream);
        var fullGcSeen = false;
        source.Clr.GCStart += e => fullGcSeen |= e.Depth == 2 && e.Reason == GCReason.Induced;

        // GCHeapStats follows every collection; the first one after an induced gen-2 start is ours (a blocking one).
        source.Clr.GCHeapStats += e =>
        {
            if (fullGcSeen)
            {
                heap.TrySetResult(e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4);
            }
        };
        var processing = Task.Run(source.Process);
        try
        {
            return await heap.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await processing.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
