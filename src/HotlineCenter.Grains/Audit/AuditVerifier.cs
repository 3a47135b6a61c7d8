using HotlineCenter.Abstractions.Audit;

namespace HotlineCenter.Grains.Audit;

/// <summary>
/// Verifies a chain as it is stored: the index and every kept segment are re-read from storage and fed to
/// <see cref="AuditChain"/> one segment per call, so a long chain never holds up appends. Used by the auditor's
/// console and the <c>audit-verify</c> command.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(IGrainFactory grains, string chainId, AuditSigner signer, CancellationToken cancellationToken = default)
    {
        Keys.RequireId(chainId, "audit chain");
        var index = await grains.GetGrain<IAuditLogGrain>(chainId).ReadStoredIndexAsync();
        var chain = new AuditChain(chainId, index.Checkpoint, index.FirstSegment, signer);
        for (var segment = index.FirstSegment; segment <= index.CurrentSegment && chain.IsIntact; segment++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chain.Add(await grains.GetGrain<IAuditSegmentGrain>(AuditChains.SegmentKey(chainId, segment)).ReadStoredAsync());
        }

        return chain.End(index.LastSequence);
    }
}
