using HotlineCenter.Abstractions.Centres;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HotlineCenter.Web.Hosting;

public static class HealthSetup
{
    private const string Ready = "ready";

    public static WebApplicationBuilder AddHotlineHealthChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddRedis(builder.Configuration.GetConnectionString("Redis")!, name: "redis", tags: [Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<SiloHealthCheck>("silo", tags: [Ready]);
        return builder;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: Redis and the silo work.</summary>
    public static WebApplication MapHotlineHealthChecks(this WebApplication app)
    {
        // Probes read; any other method is a 405 like every other endpoint.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) }).WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        return app;
    }

    /// <summary>Ready when a grain call round-trips through the silo and its storage.</summary>
    private sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var centres = await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
                return HealthCheckResult.Healthy($"{centres.Length} centres");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The silo did not answer.", ex);
            }
        }
    }
}
