using System.Globalization;
using HotlineCenter.Web.Tests.Fixtures;
using HotlineCenter.Web.Tests.Fuzzing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// Malformed, oversized, wrongly signed, wrong-method, wrongly encoded and replayed requests at every webhook and API
/// endpoint of the real host (Twilio mode, real Redis): no 5xx, no error logged, and nothing stored changed by the
/// requests that were refused. ops/test.sh runs a short fixed-seed round; ops/fuzz.sh a long one with a fresh seed
/// (HOTLINE_FUZZ_REQUESTS, HOTLINE_FUZZ_SEED).
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private readonly string _logs = Directory.CreateTempSubdirectory("hotline-fuzz-").FullName;
    private TwilioHost _twilio = default!;

    private static int Requests => int.TryParse(Environment.GetEnvironmentVariable("HOTLINE_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 2000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("HOTLINE_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 12356;

    public async Task InitializeAsync() =>
        _twilio = await TwilioHost.StartAsync(kestrel: true, settings: new Dictionary<string, string> { ["Serilog:File:Path"] = Path.Combine(_logs, "host-.json") });

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        Directory.Delete(_logs, recursive: true);
    }

    [Fact]
    public async Task Thousands_of_hostile_requests_get_no_server_error_log_no_error_and_the_refused_ones_change_nothing_stored()
    {
        // Over a real socket to Kestrel, as an attacker would: the in-memory test client refuses some of these paths itself.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_twilio.Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var credentials = new FuzzCredentials(TwilioHost.PublicBase, TwilioHost.AuthToken, TwilioHost.AccountSid,
            await SignIn.CookieHeaderAsync(client, "s-zhou"), await SignIn.CookieHeaderAsync(client, "c-wang"));
        var endpoints = FuzzRun.Endpoints(_twilio.Host.Services);
        var generator = new FuzzCaseGenerator(Seed, endpoints, credentials);
        var since = DateTimeOffset.UtcNow;

        var before = await FuzzRun.SnapshotAsync(HotlineHost.Redis, _twilio.Host.ServiceId);
        var refused = await FuzzRun.SendAsync(client, generator.Rejected(Requests / 2));
        var after = await FuzzRun.SnapshotAsync(HotlineHost.Redis, _twilio.Host.ServiceId);
        var anything = await FuzzRun.SendAsync(client, generator.Anything(Requests / 2));
        var errors = FuzzRun.ErrorsLogged(_logs, since);

        var all = refused.Concat(anything).ToList();
        var serverErrors = all.Where(r => r.Status >= 500).Select(r => $"{r.Status} {r.Case}").Distinct().Take(10).ToList();
        // Only a body over the limit may be cut off by closing the connection; anything else must get an answer.
        var cutOff = all.Where(r => r.Status == FuzzRun.ConnectionClosed && !r.Case.Kind.StartsWith("webhook-oversized", StringComparison.Ordinal)).Select(r => r.Case.ToString()).Distinct().Take(10).ToList();
        var notRefused = refused.Where(r => !FuzzRun.IsRefusal(r.Status) && r.Status != FuzzRun.ConnectionClosed).Select(r => $"{r.Status} {r.Case}").Distinct().Take(10).ToList();
        Assert.True(endpoints.Count(e => e.IsWebhook) >= 9, $"webhooks found: {string.Join(", ", endpoints.Where(e => e.IsWebhook).Select(e => e.Pattern))}");
        Assert.True(endpoints.Count(e => e.IsApi) >= 5, $"API endpoints found: {string.Join(", ", endpoints.Where(e => e.IsApi).Select(e => e.Pattern))}");
        Assert.True(all.Count >= Requests, $"{all.Count} requests sent");
        Assert.True(serverErrors.Count == 0, $"seed {Seed}: server errors:\n{string.Join("\n", serverErrors)}");
        Assert.True(cutOff.Count == 0, $"seed {Seed}: connections closed without an answer:\n{string.Join("\n", cutOff)}");
        Assert.True(notRefused.Count == 0, $"seed {Seed}: requests that should have been refused were not:\n{string.Join("\n", notRefused)}");
        Assert.True(errors.Count == 0, $"seed {Seed}: errors logged:\n{string.Join("\n", errors.Distinct().Take(10))}");
        Assert.Empty(FuzzRun.Differences(before, after));
        Assert.True(before.Count > 20, $"only {before.Count} stored values were compared");
    }
}
