namespace HotlineCenter.Abstractions.Centres;

/// <summary>
/// Where a centre's coalesced live picture goes besides Blazor observers: the SignalR hub for wall displays
/// and integrations. The feed grain calls it once per change cluster-wide (it has one activation), and the
/// SignalR Redis backplane carries it to the clients on every node.
/// </summary>
public interface ILiveBroadcaster
{
    Task PublishAsync(CentreLiveSnapshot snapshot, CancellationToken cancellationToken);
}
