using HotlineCenter.Abstractions.Centres;

namespace HotlineCenter.Web.Hosting;

/// <summary>
/// After the silo starts, activates every configured centre's queues and counsellors so that deadlines
/// persisted before a restart (ring, wrap-up, overflow) are re-armed at once, not at the next reminder.
/// </summary>
public sealed class CentreWakeService(IGrainFactory grains, ILogger<CentreWakeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var centres = await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync();
            foreach (var centreId in centres)
            {
                await grains.GetGrain<ICentreGrain>(centreId).WakeAsync();
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Reminders will wake the grains within a minute; the host keeps serving.
            logger.LogError(ex, "Waking centres after start-up failed");
        }
    }
}
