using HotlineCenter.Abstractions.Audit;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>Reads a chain's kept entries (oldest first) straight from its grains, for assertions.</summary>
public static class AuditEntries
{
    public static async Task<IReadOnlyList<AuditEntry>> OfAsync(IGrainFactory grains, string chainId)
    {
        var index = await grains.GetGrain<IAuditLogGrain>(chainId).GetIndexAsync();
        var entries = new List<AuditEntry>();
        for (var segment = index.FirstSegment; segment <= index.CurrentSegment; segment++)
        {
            entries.AddRange((await grains.GetGrain<IAuditSegmentGrain>(AuditChains.SegmentKey(chainId, segment)).GetAsync()).Entries);
        }

        return entries;
    }

    /// <summary>Waits until the chain holds an entry matching <paramref name="match"/> (appends finish before a request's answer, but a circuit's may not).</summary>
    public static Task<IReadOnlyList<AuditEntry>> WaitForAsync(IGrainFactory grains, string chainId, Func<AuditEntry, bool> match, string what) =>
        Eventually.MatchesAsync(() => OfAsync(grains, chainId), entries => entries.Any(match), what);
}
