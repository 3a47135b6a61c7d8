using System.Net;
using System.Net.Sockets;
using HotlineCenter.Abstractions.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>
/// The real web host (silo, Redis clustering, Redis storage, Redis reminders) against the Redis that
/// ops/test.sh starts (HOTLINE_TEST_REDIS). Each host gets its own Orleans ports; hosts that share a
/// <paramref name="serviceId"/> share their stored state, as two runs of the same deployment would.
/// </summary>
public sealed class HotlineHost(string serviceId, FakeTimeProvider? clock = null, bool seedDemo = true, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public static string Redis =>
        Environment.GetEnvironmentVariable("HOTLINE_TEST_REDIS")
        ?? throw new InvalidOperationException("HOTLINE_TEST_REDIS is not set: run the tests with ops/test.sh, which starts a throwaway Redis.");

    public string ServiceId { get; } = serviceId;

    /// <summary>The key-encryption key of the test hosts' data-protection keys (32 bytes, base64).</summary>
    public const string TestKeyEncryptionKey = "dGVzdC1vbmx5LWtleS1lbmNyeXB0aW9uLWtleS0zMmI=";

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public static string NewServiceId() => "t" + Guid.NewGuid().ToString("N")[..12];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");

        // Serve the static assets (blazor.web.js, MudBlazor) from the build's manifest, as a published app would.
        builder.UseStaticWebAssets();
        builder.UseSetting("ConnectionStrings:Redis", Redis);
        builder.UseSetting("Orleans:ClusterId", ServiceId);
        builder.UseSetting("Orleans:ServiceId", ServiceId);
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString());
        builder.UseSetting("Hotline:CallerHashKey", "test-key-0123456789-0123456789-0123456789");
        builder.UseSetting("Hotline:NumberKeys:k1", "test-number-key-k1-0123456789-0123456789");
        builder.UseSetting("Hotline:CurrentNumberKeyId", "k1");
        builder.UseSetting("DataProtection:KeyEncryptionKey", TestKeyEncryptionKey);
        builder.UseSetting("Demo:Seed", seedDemo ? "true" : "false");

        // Plain http on loopback like ops/run.sh; the Secure-cookie and https behaviour has its own tests without it.
        builder.UseSetting("Security:InsecureHttpOnLoopback", "true");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:NotForRealCallers", "true");

        // The suite signs in hundreds of times from one address; the limit itself has its own test.
        builder.UseSetting("Auth:SignInAttemptsPerMinute", "10000");
        builder.UseSetting("Auth:ApiRequestsPerMinute", "1000000");
        builder.UseSetting("Demo:Password", SignIn.DemoPassword);
        builder.UseSetting("Routing:TickInterval", "00:00:00.020");
        builder.UseSetting("Routing:FeedInterval", "00:00:00.050");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(new HotlineTime(clock)));
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One seeded host shared by the HTTP tests of a collection.</summary>
public sealed class SharedHostFixture : IAsyncLifetime
{
    public HotlineHost Host { get; } = new(HotlineHost.NewServiceId());

    public HttpClient Client { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Client = Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await Eventually.MatchesAsync(async () => (await Client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
        await SignIn.AsAsync(Client, "s-zhou");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedHostCollection : ICollectionFixture<SharedHostFixture>
{
    public const string Name = "shared-host";
}
