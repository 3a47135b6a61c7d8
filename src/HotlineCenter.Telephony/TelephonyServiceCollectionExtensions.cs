using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Simulated;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HotlineCenter.Telephony;

public static class TelephonyServiceCollectionExtensions
{
    public const string Simulated = "Simulated";

    /// <summary>
    /// Registers the telephony provider named by <c>Telephony:Provider</c> (default: Simulated) and the
    /// caller identity protector. Unknown providers or a missing hash key stop the host at start-up.
    /// </summary>
    public static IServiceCollection AddHotlineTelephony(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Telephony:Provider"] ?? Simulated;
        if (!string.Equals(provider, Simulated, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Telephony:Provider '{provider}' is not available in this build; use '{Simulated}'.");
        }

        services.AddOptions<CallerIdentityOptions>()
            .Bind(configuration.GetSection("Hotline"))
            .Validate(o => o.CallerHashKey.Length >= 32, "Hotline:CallerHashKey must be set to a secret of at least 32 characters.")
            .ValidateOnStart();
        services.AddSingleton<CallerIdentityProtector>();
        services.TryAddSingleton(HotlineCenter.Abstractions.Common.HotlineTime.System);
        services.AddSingleton<SimulatedTelephony>();
        services.AddSingleton<ITelephonyPort>(sp => sp.GetRequiredService<SimulatedTelephony>());
        services.AddSingleton<SimulatedCaller>();
        return services;
    }
}
