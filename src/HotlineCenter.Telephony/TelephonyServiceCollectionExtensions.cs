using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Telephony.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HotlineCenter.Telephony;

public static class TelephonyServiceCollectionExtensions
{
    public const string Simulated = "Simulated";
    public const string Twilio = "Twilio";

    /// <summary>
    /// Registers the telephony provider named by <c>Telephony:Provider</c> (default: Simulated) and the
    /// caller identity protector. Unknown providers or a missing hash key stop the host at start-up.
    /// </summary>
    public static IServiceCollection AddHotlineTelephony(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Telephony:Provider"] ?? Simulated;
        if (!string.Equals(provider, Simulated, StringComparison.OrdinalIgnoreCase) && !string.Equals(provider, Twilio, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Telephony:Provider '{provider}' is unknown; use '{Simulated}' or '{Twilio}'.");
        }

        services.AddOptions<CallerIdentityOptions>()
            .Bind(configuration.GetSection("Hotline"))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<CallerIdentityOptions>, CallerIdentityOptionsValidator>();
        services.AddSingleton<CallerIdentityProtector>();
        services.AddSingleton<HotlineCenter.Abstractions.Telephony.ICallerNumberVault, CallerNumberVault>();
        services.TryAddSingleton(HotlineCenter.Abstractions.Common.HotlineTime.System);
        services.AddSingleton<SimulatedTelephony>();
        services.AddSingleton<SimulatedCaller>();
        if (IsTwilio(configuration))
        {
            AddTwilio(services, configuration);
        }
        else
        {
            services.AddSingleton<ITelephonyPort>(sp => sp.GetRequiredService<SimulatedTelephony>());
        }

        return services;
    }

    public static bool IsTwilio(IConfiguration configuration) =>
        string.Equals(configuration["Telephony:Provider"], Twilio, StringComparison.OrdinalIgnoreCase);

    /// <summary>Twilio mode: every required setting must be there, or the host refuses to start naming it.</summary>
    private static void AddTwilio(IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Twilio").Get<TwilioOptions>() ?? new TwilioOptions();
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Telephony:Provider is Twilio but its settings are incomplete: " + string.Join("; ", problems) + ".");
        }

        services.Configure<TwilioOptions>(configuration.GetSection("Twilio"));
        services.TryAddSingleton(TimeProvider.System);
        // One long-lived client whose connections are recycled, so DNS changes at Twilio are picked up. A connection that
        // cannot be made fails after the connect timeout, leaving the rest of a command's budget for its retries.
        services.AddSingleton(sp => new TwilioRestClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(3) }),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TwilioOptions>>().Value,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TwilioRestClient>>()));
        services.AddSingleton<TwilioCommandQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<TwilioCommandQueue>());
        services.AddSingleton<ITelephonyPort, TwilioTelephonyPort>();
        services.AddSingleton<TwilioVoice>();
        services.AddSingleton<TwilioSurvey>();
        services.AddSingleton<TwilioSignatureFilter>();
        services.AddSingleton<TwilioAccessTokens>();
        services.AddSingleton<ISoftphoneTokens>(sp => sp.GetRequiredService<TwilioAccessTokens>());
        services.AddSingleton<IRecordingSource, TwilioRecordingSource>();
    }
}
