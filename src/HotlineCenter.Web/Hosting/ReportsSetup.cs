using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Web.Consoles;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HotlineCenter.Web.Hosting;

public static class ReportsSetup
{
    /// <summary>
    /// The reports console's service, its exports audited (<see cref="AuditedExport"/>), and the start-up step that
    /// schedules every centre's daily report.
    /// </summary>
    public static WebApplicationBuilder AddHotlineReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReportService>();
        builder.Services.TryAddScoped<IExportAudit, AuditedExport>();
        builder.Services.AddHostedService<DailyReportScheduler>();
        return builder;
    }
}

/// <summary>After start-up, makes sure every configured centre's daily-report reminder is registered (idempotent).</summary>
public sealed class DailyReportScheduler(IGrainFactory grains, ILogger<DailyReportScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var centreId in await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync())
            {
                await grains.GetGrain<IDailyReportsGrain>(centreId).EnsureScheduledAsync();
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Scheduling the daily reports after start-up failed; they are scheduled on the next start");
        }
    }
}
