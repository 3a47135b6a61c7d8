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
        services.TryAddSingleton<HotlineCenter.Abstractions.Centres.ILiveBroadcaster, NoLiveBroadcaster>();

        // Until the host adds the real sender (AddHotlineLinkage), a sheet is recorded as failed, never silently dropped.
        services.TryAddSingleton<HotlineCenter.Abstractions.Crises.ILinkageSender, UnconfiguredLinkageSender>();
        var options = services.AddOptions<RoutingOptions>();
        if (routing is not null)
        {
            options.Bind(routing);
        }

        options.Validate(o => o.TickInterval > TimeSpan.Zero && o.TickInterval <= TimeSpan.FromSeconds(5), "Routing:TickInterval must be between 0 and 5 seconds.")
            .Validate(o => o.FeedInterval > TimeSpan.Zero && o.FeedInterval <= TimeSpan.FromSeconds(5), "Routing:FeedInterval must be between 0 and 5 seconds.")
            .Validate(o => o.HubFeedInterval > TimeSpan.Zero && o.HubFeedInterval <= TimeSpan.FromSeconds(10), "Routing:HubFeedInterval must be between 0 and 10 seconds (it is rounded up to whole feed intervals).")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromMinutes(1), "Routing:ReminderPeriod must be at least 1 minute.")
            .ValidateOnStart();
        return services;
    }
}

/// <summary>Used where no hub is hosted (grain tests, the benchmark): Blazor observers still get every change.</summary>
internal sealed class NoLiveBroadcaster : HotlineCenter.Abstractions.Centres.ILiveBroadcaster
{
    public Task PublishAsync(HotlineCenter.Abstractions.Centres.CentreLiveSnapshot snapshot, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Stands in when no linkage sender is registered: every sheet is reported back as not delivered.</summary>
internal sealed class UnconfiguredLinkageSender(IGrainFactory grains) : HotlineCenter.Abstractions.Crises.ILinkageSender
{
    public ValueTask EnqueueAsync(HotlineCenter.Abstractions.Crises.LinkageDispatch dispatch, CancellationToken cancellationToken)
    {
        _ = grains.GetGrain<HotlineCenter.Abstractions.Crises.ICrisisCaseGrain>(dispatch.CaseId).ReportDeliveryAsync(
            dispatch.ActionId, new HotlineCenter.Abstractions.Crises.LinkageOutcome(dispatch.Sheet.SheetId, false, null, "linkage-not-configured", 0));
        return ValueTask.CompletedTask;
    }
}
