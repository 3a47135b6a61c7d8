using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Web.Reports;

namespace HotlineCenter.Web.Consoles;

/// <summary>
/// The façade the reports page and the report downloads use: which centres a supervisor or administrator may report on
/// (their own, and the city centres a provincial centre reports for), and a period's figures read from the day grains
/// (a month is the sum of its days; no call is ever read).
/// </summary>
public sealed class ReportService(IGrainFactory grains, HotlineTime time, IExportAudit audit, ILogger<ReportService> logger)
{
    /// <summary>Longest custom range (a year and a day): a report reads one grain per centre per day.</summary>
    public const int MaxDays = 366;

    /// <summary>The centres the staff member of <paramref name="ownCentreId"/> may report on, own centre first.</summary>
    public async Task<ImmutableArray<ReportCentre>> CentresForAsync(string ownCentreId)
    {
        var own = await grains.GetGrain<ICentreGrain>(ownCentreId).GetConfigAsync();
        if (own is null)
        {
            return [];
        }

        var others = await Task.WhenAll((own.ReportsForCentres.IsDefault ? [] : own.ReportsForCentres).Select(id => grains.GetGrain<ICentreGrain>(id).GetConfigAsync()));
        return [new ReportCentre(own.CentreId, own.DisplayName), .. others.OfType<CentreConfig>().Select(c => new ReportCentre(c.CentreId, c.DisplayName))];
    }

    /// <summary>Today on the domain clock, as a China day.</summary>
    public DateOnly Today => ChinaTime.DayOf(time.Now);

    /// <summary>
    /// The report of <paramref name="centreIds"/> over the period; a centre the staff member may not report on, an empty
    /// selection or a range over <see cref="MaxDays"/> is refused with the reason.
    /// </summary>
    public async Task<Report> GetReportAsync(string ownCentreId, IReadOnlyCollection<string> centreIds, ReportPeriod period)
    {
        var allowed = await CentresForAsync(ownCentreId);
        var chosen = RequireAllowed(allowed, centreIds);
        if (period.DayCount > MaxDays || period.To < period.From)
        {
            throw new HotlineRuleException("report.invalid-period", $"A report covers 1–{MaxDays} days, from its first day to its last.");
        }

        var started = time.Provider.GetTimestamp();
        var centres = await Task.WhenAll(chosen.Select(c => CentreReportAsync(c, period)));
        logger.LogInformation("Report of {Centres} for {From}–{To} read in {Ms:F0} ms", string.Join(",", chosen.Select(c => c.CentreId)), period.From, period.To, time.Provider.GetElapsedTime(started).TotalMilliseconds);
        return new Report(period, [.. centres]);
    }

    /// <summary>A kept daily report of a centre the staff member may report on; null when that day has none.</summary>
    public async Task<DailyReport?> GetDailyReportAsync(string ownCentreId, string centreId, DateOnly day)
    {
        RequireAllowed(await CentresForAsync(ownCentreId), [centreId]);
        return await grains.GetGrain<IDailyReportGrain>(StatsCounter.DayKey(centreId, day)).GetAsync();
    }

    /// <summary>
    /// The days with a kept daily report, newest first. A centre configured after the host started gets its schedule
    /// here too (registering it is idempotent), so its first report is not left for the next restart.
    /// </summary>
    public async Task<ImmutableArray<DateOnly>> ListDailyReportsAsync(string ownCentreId, string centreId)
    {
        RequireAllowed(await CentresForAsync(ownCentreId), [centreId]);
        var schedule = grains.GetGrain<IDailyReportsGrain>(centreId);
        await schedule.EnsureScheduledAsync();
        return await schedule.ListAsync();
    }

    /// <summary>Every export goes through here, so the audit trail sees each one (who, what, which centres and days).</summary>
    public Task RecordExportAsync(string staffId, string format, Report report, CancellationToken cancellationToken) =>
        audit.RecordExportAsync(new ExportAuditEntry(staffId, format, [.. report.Centres.Select(c => c.CentreId)], report.Period.From, report.Period.To, time.Now), cancellationToken);

    private async Task<CentreReport> CentreReportAsync(ReportCentre centre, ReportPeriod period)
    {
        var config = await grains.GetGrain<ICentreGrain>(centre.CentreId).GetConfigAsync();
        var seats = (await grains.GetGrain<ICentreGrain>(centre.CentreId).GetRosterAsync()).Length;
        var days = await Task.WhenAll(period.Days.Select(d => grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(centre.CentreId, d)).GetFiguresAsync()));
        return new CentreReport(centre.CentreId, centre.Name, config?.Province, seats, config?.ReportedServiceHours ?? 24, [.. days]);
    }

    private static ImmutableArray<ReportCentre> RequireAllowed(ImmutableArray<ReportCentre> allowed, IReadOnlyCollection<string> centreIds)
    {
        if (centreIds.Count == 0 || centreIds.Any(id => allowed.All(a => a.CentreId != id)))
        {
            throw new HotlineRuleException("report.centre-not-allowed", "Reports cover your own centre and the centres it reports for.");
        }

        return [.. allowed.Where(a => centreIds.Contains(a.CentreId))];
    }
}

/// <summary>A centre a report can cover.</summary>
public sealed record ReportCentre(string CentreId, string Name);

/// <summary>
/// The seam where exports are audited: every download of a report (Excel, CSV, a kept daily report) is recorded here.
/// The host registers <see cref="AuditedExport"/>: each export is an entry of the audit trail.
/// </summary>
public interface IExportAudit
{
    Task RecordExportAsync(ExportAuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>One export: who, the file's format, the centres and days it covered, when.</summary>
public sealed record ExportAuditEntry(string StaffId, string Format, ImmutableArray<string> CentreIds, DateOnly From, DateOnly To, DateTimeOffset At);

/// <summary>Every export is an entry of the exporting user's audit chain: the format, the centres and the days, never the content.</summary>
public sealed class AuditedExport(HotlineCenter.Web.Audit.IAuditTrail audit, ILogger<AuditedExport> logger) : IExportAudit
{
    public async Task RecordExportAsync(ExportAuditEntry entry, CancellationToken cancellationToken)
    {
        logger.LogInformation("Report export {Format} by {StaffId} of {Centres} for {From}–{To}", entry.Format, entry.StaffId, string.Join(",", entry.CentreIds), entry.From, entry.To);
        await audit.RecordAsync(HotlineCenter.Abstractions.Audit.AuditKind.Export, "report:" + string.Join(",", entry.CentreIds),
            detail: $"{entry.Format} {entry.From:yyyy-MM-dd}/{entry.To:yyyy-MM-dd}");
    }
}
