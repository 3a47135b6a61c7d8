using System.Net;
using HotlineCenter.Abstractions.Common;
using OpenTelemetry.Metrics;

namespace HotlineCenter.Web.Hosting;

/// <summary>
/// OpenTelemetry metrics with a Prometheus scrape endpoint (<c>/metrics</c>): the centre's own meter
/// (<see cref="HotlineMetrics"/>), Orleans' meters, ASP.NET Core (request duration per route: the webhook latency),
/// outgoing HTTP (the provider's API by status) and the runtime. The endpoint answers only connections from
/// <c>Metrics:AllowedNetworks</c> (default loopback) — the scraper on the cluster network — and never through the
/// public proxy (which does not forward it).
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";

    public static WebApplicationBuilder AddHotlineMetrics(this WebApplicationBuilder builder)
    {
        var networks = ParseNetworks(builder.Configuration["Metrics:AllowedNetworks"] ?? "127.0.0.0/8,::1/128");
        builder.Services.AddSingleton(new MetricsAccess(networks));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(HotlineMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapHotlineMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path).AddEndpointFilter(async (context, next) =>
        {
            var access = context.HttpContext.RequestServices.GetRequiredService<MetricsAccess>();
            return access.Allows(context.HttpContext.Connection.RemoteIpAddress)
                ? await next(context)
                : Results.Problem(statusCode: 403, title: "Forbidden", detail: "Metrics are served to the cluster network only (Metrics:AllowedNetworks).");
        });
        return app;
    }

    /// <summary>Comma-separated CIDR networks; a malformed one stops the start with its text named.</summary>
    public static IReadOnlyList<IPNetwork> ParseNetworks(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n =>
            IPNetwork.TryParse(n, out var network) ? network : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{n}' is not a CIDR network such as 10.0.0.0/8."))];

    public sealed class MetricsAccess(IReadOnlyList<IPNetwork> networks)
    {
        public bool Allows(IPAddress? address) =>
            address is not null && networks.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
    }
}
