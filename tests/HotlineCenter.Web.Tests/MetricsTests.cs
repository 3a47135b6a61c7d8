using System.Net;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>The Prometheus endpoint: the centre's own figures, served to the cluster network only.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_show_arrivals_queue_depth_and_routing_to_loopback_and_refuse_other_networks()
    {
        await using var open = Started(new Dictionary<string, string>());
        await using var closed = Started(new Dictionary<string, string> { ["Metrics:AllowedNetworks"] = "10.20.0.0/16" });
        using var client = Client(open);
        using var outsider = Client(closed);
        await HotlineCenter.Testing.Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "ready");
        await open.Services.GetRequiredService<HotlineCenter.Telephony.Simulated.SimulatedCaller>().PlaceCallAsync("xa-12356", "2");

        var text = await HotlineCenter.Testing.Eventually.MatchesAsync(() => client.GetStringAsync("/metrics"),
            t => t.Contains("hotline_calls_arrived", StringComparison.Ordinal) && t.Contains("hotline_queue_waiting", StringComparison.Ordinal), "the hotline figures scraped");
        var refused = await outsider.GetAsync("/metrics");

        Assert.Contains("queue=\"xa-12356/general\"", text, StringComparison.Ordinal);
        Assert.Contains("hotline_routing_turn", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+86", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Metrics:AllowedNetworks", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_allowed_network_stops_the_start_with_its_text_named()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HotlineCenter.Web.Hosting.MetricsSetup.ParseNetworks("127.0.0.0/8, cluster-net"));

        Assert.Contains("'cluster-net'", ex.Message, StringComparison.Ordinal);
    }

    private static HotlineHost Started(Dictionary<string, string> settings)
    {
        var host = new HotlineHost(HotlineHost.NewServiceId(), settings: settings);
        host.UseKestrel(0);
        host.StartServer();
        return host;
    }

    private static HttpClient Client(HotlineHost host) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
}
