using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HotlineCenter.Grains;

public static class HotlineGrainsServiceCollectionExtensions
{
    /// <summary>Registers what the routing grains need besides Orleans itself (clock and options).</summary>
    public static IServiceCollection AddHotlineGrains(this IServiceCollection services, IConfiguration? routing = null)
    {
        services.TryAddSingleton(HotlineTime.System);
        var options = services.AddOptions<RoutingOptions>();
        if (routing is not null)
        {
            options.Bind(routing);
        }

        options.Validate(o => o.TickInterval > TimeSpan.Zero && o.TickInterval <= TimeSpan.FromSeconds(5), "Routing:TickInterval must be between 0 and 5 seconds.")
            .Validate(o => o.FeedInterval > TimeSpan.Zero && o.FeedInterval <= TimeSpan.FromSeconds(5), "Routing:FeedInterval must be between 0 and 5 seconds.")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromMinutes(1), "Routing:ReminderPeriod must be at least 1 minute.")
            .ValidateOnStart();
        return services;
    }
}
