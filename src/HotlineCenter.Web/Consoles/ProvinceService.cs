using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Grains.Routing;
using HotlineCenter.Web.Accounts;
using Microsoft.AspNetCore.Components.Authorization;

namespace HotlineCenter.Web.Consoles;

/// <summary>One centre of the province as the province board shows it.</summary>
public sealed record ProvinceCentreRow(
    string CentreId,
    string DisplayName,
    bool IsProvincial,
    bool OpenNow,
    int Waiting,
    int CrisisWaiting,
    int AnsweredToday,
    int CrisisCallsToday,
    int OpenCrisisCases,
    int SignedIn,
    int Available)
{
    /// <summary>The row from a centre's configuration, its live picture, today's figures and its open crisis cases.</summary>
    public static ProvinceCentreRow From(CentreConfig config, CentreLiveSnapshot live, DayStats today, int openCrisisCases, DateTimeOffset now) => new(
        config.CentreId,
        config.DisplayName,
        config.IsProvincial,
        RegionRouting.IsOpen(config.OpeningHours, now),
        live.Queues.Sum(q => q.Waiting.Length),
        live.Queues.Sum(q => q.Waiting.Count(w => w.IsCrisis)),
        today.Answered,
        today.CrisisCalls,
        openCrisisCases,
        live.Counselors.Count(c => c.State != PresenceState.Offline),
        live.Counselors.Count(c => c.State == PresenceState.Available));
}

/// <summary>
/// The province board's façade (/province): which centres a provincial supervisor sees and each one's row. Only the
/// Provincial role spans centres; anyone else is refused here as well as by the page.
/// </summary>
public sealed class ProvinceService(IGrainFactory grains, HotlineTime time, AuthenticationStateProvider? signedIn = null)
{
    /// <summary>
    /// The province of the signed-in provincial supervisor: their provincial centre first, then its city centres (its
    /// <c>ReportsForCentres</c>). A provincial user of a city centre sees the province that centre belongs to.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetCentresAsync()
    {
        var user = await RequireProvincialAsync();
        var own = user.CentreId();
        if (own is null || await Centre(own).GetConfigAsync() is not { } config)
        {
            return [];
        }

        if (config.IsProvincial)
        {
            return [own, .. config.ReportsForCentres.IsDefault ? [] : config.ReportsForCentres];
        }

        foreach (var id in await grains.GetGrain<ICentreDirectoryGrain>("all").ListAsync())
        {
            if (await Centre(id).GetConfigAsync() is { IsProvincial: true } provincial && !provincial.ReportsForCentres.IsDefault && provincial.ReportsForCentres.Contains(own))
            {
                return [id, .. provincial.ReportsForCentres];
            }
        }

        return [];
    }

    /// <summary>A centre's row, read when its live picture changes; null for a centre that is not configured.</summary>
    public async Task<ProvinceCentreRow?> GetRowAsync(string centreId, CentreLiveSnapshot live)
    {
        await RequireProvincialAsync();
        if (await Centre(centreId).GetConfigAsync() is not { } config)
        {
            return null;
        }

        var today = grains.GetGrain<IStatsGrain>(StatsCounter.Key(centreId, time.Now)).GetAsync();
        var crises = grains.GetGrain<ICrisisIndexGrain>(centreId).GetAsync();
        await Task.WhenAll(today, crises);
        return ProvinceCentreRow.From(config, live, today.Result, crises.Result.Open.IsDefault ? 0 : crises.Result.Open.Length, time.Now);
    }

    private ICentreGrain Centre(string id) => grains.GetGrain<ICentreGrain>(id);

    private async Task<System.Security.Claims.ClaimsPrincipal> RequireProvincialAsync()
    {
        var user = signedIn is null ? null : (await signedIn.GetAuthenticationStateAsync()).User;
        if (user?.Identity?.IsAuthenticated != true || !user.SpansCentres())
        {
            throw new HotlineRuleException("province.not-provincial", "Only a provincial supervisor sees the province board.");
        }

        return user;
    }
}
