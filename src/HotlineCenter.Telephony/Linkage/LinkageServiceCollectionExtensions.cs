using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace HotlineCenter.Telephony.Linkage;

public static class LinkageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dispatch-sheet sender (<see cref="ILinkageSender"/>, replacing the grains' "not configured"
    /// stand-in) with its retrying HTTP client and background workers, bound to the <c>Linkage</c> section.
    /// </summary>
    public static IServiceCollection AddHotlineLinkage(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Linkage");
        services.AddOptions<LinkageOptions>()
            .Bind(section)
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Linkage:MaxRetries must be 0–10.")
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.RetryDelay <= TimeSpan.FromSeconds(30), "Linkage:RetryDelay must be between 0 and 30 seconds.")
            .Validate(o => o.AttemptTimeout >= TimeSpan.FromMilliseconds(100) && o.AttemptTimeout <= TimeSpan.FromMinutes(1), "Linkage:AttemptTimeout must be 0.1–60 seconds.")
            .ValidateOnStart();
        services.AddOptions<CallerIdentityOptions>().Bind(configuration.GetSection("Hotline"));
        services.TryAddSingleton<CallerIdentityProtector>();
        services.TryAddSingleton<ILinkageDeliveryReporter, GrainLinkageDeliveryReporter>();
        services.AddTransient<AttemptCountingHandler>();

        var settings = section.Get<LinkageOptions>() ?? new LinkageOptions();
        var client = services.AddHttpClient(LinkageSheetSender.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler("linkage", pipeline =>
            {
                // Attempts are bounded one by one; the same request (bytes, signature, sheet id) is re-sent each time.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                    ShouldHandle = settings.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryDelay,
                });
                pipeline.AddTimeout(settings.AttemptTimeout);
            });

        // Inside the retry loop, so it sees every attempt.
        client.AddHttpMessageHandler<AttemptCountingHandler>();

        services.AddSingleton<LinkageSheetSender>();
        services.AddSingleton<LinkageQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<LinkageQueue>());
        services.Replace(ServiceDescriptor.Singleton<ILinkageSender>(sp => sp.GetRequiredService<LinkageQueue>()));
        return services;
    }
}
