using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Routing;

/// <summary>
/// A grain's request to the telephony port must neither hang the grain nor undo the state change it follows:
/// it gets a deadline, and a failure is logged (with the grain's id) rather than thrown.
/// </summary>
internal static class TelephonyRequests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public static async Task SendAsync(Func<CancellationToken, Task> request, ILogger logger, string grainId)
    {
        try
        {
            using var cts = new CancellationTokenSource(Deadline);
            await request(cts.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "Telephony request from {GrainId} failed", grainId);
        }
    }
}
