using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Retention;

namespace HotlineCenter.Web.Hosting;

public static class RetentionSetup
{
    /// <summary>The start-up step that schedules every centre's retention purge (a daily Redis reminder; docs/security.md).</summary>
    public static WebApplicationBuilder AddHotlineRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<RetentionScheduler>();
        return builder;
    }
}

/// <summary>After start-up, makes sure every configured centre's retention reminder is registered (idempotent).</summary>
public sealed class RetentionScheduler(IGrainFactory grains, ILogger<RetentionScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var centreId in await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync())
            {
                await grains.GetGrain<IRetentionGrain>(centreId).EnsureScheduledAsync();
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Scheduling the retention purges after start-up failed; a centre's next call or the next start schedules it");
        }
    }
}
