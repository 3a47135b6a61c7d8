using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;

namespace HotlineCenter.Web.Consoles;

/// <summary>The façade the admin pages use: a centre's configuration and its counsellors' profiles.</summary>
public sealed class AdminService(IGrainFactory grains, ILogger<AdminService> logger)
{
    public Task<CentreConfig?> GetConfigAsync(string centreId) => Centre(centreId).GetConfigAsync();

    /// <summary>Saves the whole configuration; the centre grain validates it and keeps the old one on any problem.</summary>
    public async Task SaveConfigAsync(CentreConfig config, string by)
    {
        await Centre(config.CentreId).ConfigureAsync(config);
        logger.LogInformation("Configuration of centre {CentreId} saved by {StaffId}", config.CentreId, by);
    }

    public async Task<ImmutableArray<CounselorSnapshot>> GetCounselorsAsync(string centreId)
    {
        var ids = await Centre(centreId).GetRosterAsync();
        var all = await Task.WhenAll(ids.Select(id => grains.GetGrain<ICounselorGrain>(id).GetAsync()));
        return [.. all.OrderBy(c => c.CounselorId, StringComparer.Ordinal)];
    }

    public async Task SaveCounselorAsync(string centreId, string counselorId, CounselorProfile profile, string by)
    {
        Keys.RequireId(counselorId, "counsellor");
        var counselor = grains.GetGrain<ICounselorGrain>(counselorId);
        var existing = await counselor.GetAsync();
        if (existing.Profile is { } current && current.CentreId != centreId)
        {
            throw new HotlineRuleException("counselor.other-centre", "That counsellor id belongs to another centre.");
        }

        await counselor.SetProfileAsync(profile);
        await Centre(centreId).AddCounselorAsync(counselorId);
        logger.LogInformation("Counsellor {CounselorId} of centre {CentreId} saved by {StaffId}", counselorId, centreId, by);
    }

    private ICentreGrain Centre(string centreId) => grains.GetGrain<ICentreGrain>(centreId);
}
