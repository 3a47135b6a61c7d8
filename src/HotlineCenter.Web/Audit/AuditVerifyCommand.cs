using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains.Audit;
using HotlineCenter.Web.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace HotlineCenter.Web.Audit;

/// <summary>
/// <c>dotnet HotlineCenter.Web.dll audit-verify --centre xa-12356 [--centre _host]</c>: joins the running cluster as an
/// Orleans client (same <c>ConnectionStrings:Redis</c>, <c>Orleans:*</c> and <c>Audit:CheckpointKey</c> as the host,
/// from appsettings.json and the environment), verifies each chain as it is stored and prints the outcome. Exits 0
/// when every chain is intact, 2 when one is broken (naming its first broken sequence), 1 when it could not check.
/// </summary>
public static class AuditVerifyCommand
{
    public const string Verb = "audit-verify";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Verb;

    public static async Task<int> RunAsync(string[] args, IConfiguration? configuration = null, TextWriter? output = null)
    {
        output ??= Console.Out;
        var chains = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--centre" && i + 1 < args.Length && Keys.IsValidId(args[i + 1]))
            {
                chains.Add(args[++i]);
            }
            else
            {
                await output.WriteLineAsync($"usage: {Verb} --centre <centre id> [--centre {AuditChains.Host}] …  ('{args[i]}' is not understood)");
                return 1;
            }
        }

        if (chains.Count == 0)
        {
            await output.WriteLineAsync($"usage: {Verb} --centre <centre id> [--centre {AuditChains.Host}] …");
            return 1;
        }

        configuration ??= new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            await output.WriteLineAsync("ConnectionStrings:Redis is required: the Redis the running system uses (e.g. ConnectionStrings__Redis=127.0.0.1:6390).");
            return 1;
        }

        // Orleans keeps retrying a Redis that is not there; say so at once instead.
        var probe = ConfigurationOptions.Parse(redis);
        (probe.AbortOnConnectFail, probe.ConnectTimeout, probe.ConnectRetry) = (true, 3000, 1);
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(probe);
        }
        catch (RedisConnectionException)
        {
            await output.WriteLineAsync($"Redis at {Endpoints(probe)} does not answer: is the system running (ops/run.sh)?");
            return 1;
        }

        var silo = configuration.GetSection("Orleans").Get<SiloSettings>() ?? new SiloSettings();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHotlineAudit(configuration.GetSection("Audit"));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ServiceId));
            client.UseRedisClustering(o =>
            {
                o.ConfigurationOptions = ConfigurationOptions.Parse(redis);
                o.ConfigurationOptions.AbortOnConnectFail = false;
            });
        });

        using var host = builder.Build();
        try
        {
            // The client would wait for a gateway for ever; a running system answers within seconds.
            using var connecting = new CancellationTokenSource(ConnectTimeout);
            await host.StartAsync(connecting.Token);
        }
        catch (OperationCanceledException)
        {
            await output.WriteLineAsync($"No silo of cluster {silo.ClusterId}/{silo.ServiceId} answered within {ConnectTimeout.TotalSeconds:0} s on Redis {Endpoints(probe)}: is the system running (ops/run.sh), with these Orleans:ClusterId and Orleans:ServiceId?");
            return 1;
        }
        catch (Exception ex)
        {
            await output.WriteLineAsync($"Could not join cluster {silo.ClusterId}/{silo.ServiceId} on Redis {Endpoints(probe)}: {Reason(ex)}");
            return 1;
        }

        var broken = false;
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var signer = host.Services.GetRequiredService<AuditSigner>();
            foreach (var chain in chains)
            {
                var result = await AuditVerifier.VerifyAsync(grains, chain, signer);
                broken |= !result.Intact;
                await output.WriteLineAsync(Describe(result));
                if (result.LastSequence > 0)
                {
                    // The check is part of the trail; an empty chain (a mistyped centre id) is not created by it.
                    await grains.GetGrain<IAuditLogGrain>(chain).AppendAsync(new AuditEvent(
                        AuditChains.SystemActor, [], AuditKind.AuditVerified, chain, null, result.Intact ? AuditOutcome.Succeeded : AuditOutcome.Failed,
                        $"{Verb} checked={result.EntriesChecked}" + (result.Intact ? string.Empty : $" broken-at={result.FirstBrokenSequence} problem={result.Problem}")));
                }
            }
        }
        catch (Exception ex)
        {
            await output.WriteLineAsync($"Verification could not finish: {Reason(ex)}");
            return 1;
        }
        finally
        {
            await host.StopAsync();
        }

        return broken ? 2 : 0;
    }

    public static string Describe(AuditVerification result) => result switch
    {
        { Intact: true, LastSequence: 0 } => $"audit chain {result.ChainId}: no entries",
        { Intact: true } => $"audit chain {result.ChainId}: intact, {result.EntriesChecked} entries checked"
            + (result.Checkpoint is { } c ? $" from the checkpoint after sequence {c.LastSequence}" : string.Empty)
            + $", head {result.LastSequence} {result.LastHash}",
        _ => $"audit chain {result.ChainId}: BROKEN at sequence {result.FirstBrokenSequence} ({result.Problem}); {result.EntriesChecked} entries checked before it",
    };

    // Never the connection string itself: it may carry the Redis password.
    private static string Endpoints(ConfigurationOptions options) => string.Join(",", options.EndPoints.Select(e => e.ToString()));

    private static string Reason(Exception ex) => ex is Microsoft.Extensions.Options.OptionsValidationException options ? string.Join(" ", options.Failures) : ex.GetBaseException().Message;
}
