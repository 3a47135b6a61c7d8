using System.Globalization;
using System.Security.Claims;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Hosting;
using HotlineCenter.Web.Reports;

namespace HotlineCenter.Web.Api;

/// <summary>
/// Report downloads for supervisors and administrators, each audited through <see cref="IExportAudit"/>:
/// <c>/api/reports/report.xlsx</c> and <c>.csv</c> (<c>?centres=a,b&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>) and a kept
/// daily report, <c>/api/reports/daily/{centre}/{yyyy-MM-dd}.xlsx</c>. A bad range answers 400, a centre outside the
/// staff member's reach 403, a day without a kept report 404, each with the reason.
/// </summary>
public static class ReportsApi
{
    public const string Prefix = "/api/reports";

    public static string ReportUrl(string format, IEnumerable<string> centreIds, ReportPeriod period) =>
        $"{Prefix}/report.{format}?centres={Uri.EscapeDataString(string.Join(',', centreIds))}&from={period.From:yyyy-MM-dd}&to={period.To:yyyy-MM-dd}";

    public static string DailyUrl(string centreId, DateOnly day) => $"{Prefix}/daily/{Uri.EscapeDataString(centreId)}/{day:yyyy-MM-dd}.xlsx";

    public static WebApplication MapReportsApi(this WebApplication app)
    {
        var reports = app.MapGroup(Prefix).RequireAuthorization(AuthSetup.SupervisorPolicy);
        reports.MapGet("/report.xlsx", (HttpContext http, ClaimsPrincipal user, ReportService service, HotlineTime time) =>
            ExportAsync(http, user, service, "xlsx", report => Results.File(
                ReportWorkbook.Write(report, Filer(user, report, time)), ReportWorkbook.ContentType, $"心理援助热线服务情况统计表-{report.Period.FileStem}.xlsx")));
        reports.MapGet("/report.csv", (HttpContext http, ClaimsPrincipal user, ReportService service) =>
            ExportAsync(http, user, service, "csv", report => Results.File(
                ReportCsv.Write(report), ReportCsv.ContentType, $"心理援助热线服务情况统计表-{report.Period.FileStem}.csv")));
        reports.MapGet("/daily/{centreId}/{day}.xlsx", async (string centreId, string day, ClaimsPrincipal user, ReportService service, HotlineTime time, CancellationToken ct) =>
        {
            if (!Keys.IsValidId(centreId) || !TryDay(day, out var date))
            {
                return Bad("The address names a centre id and a day as yyyy-MM-dd.");
            }

            if (user.CentreId() is not { } own)
            {
                return Forbidden();
            }

            DailyReport? kept;
            try
            {
                kept = await service.GetDailyReportAsync(own, centreId, date);
            }
            catch (HotlineRuleException ex) when (ex.Code == "report.centre-not-allowed")
            {
                return Forbidden();
            }

            if (kept is null)
            {
                return Results.Problem(statusCode: 404, title: "No daily report", detail: $"No daily report of {centreId} was produced for {day}.");
            }

            var report = new Report(new ReportPeriod(kept.Day, kept.Day), [new CentreReport(kept.CentreId, kept.CentreName, kept.Province, kept.Seats, kept.ServiceHoursPerDay, [kept.Figures])]);
            await service.RecordExportAsync(user.StaffId(), "daily-xlsx", report, ct);
            return Results.File(ReportWorkbook.Write(report, new ReportFiler(kept.CentreName, "系统自动生成", ChinaTime.DayOf(kept.ProducedAt))), ReportWorkbook.ContentType,
                $"日报-{kept.CentreId}-{kept.Day:yyyyMMdd}.xlsx");
        });
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ClaimsPrincipal user, ReportService service, string format, Func<Report, IResult> file)
    {
        var query = http.Request.Query;
        var centres = query["centres"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (centres.Length is 0 or > 200 || !centres.All(Keys.IsValidId) || !TryDay(query["from"], out var from) || !TryDay(query["to"], out var to))
        {
            return Bad("centres (comma-separated centre ids), from and to (yyyy-MM-dd) are required.");
        }

        if (to < from || to.DayNumber - from.DayNumber + 1 > ReportService.MaxDays)
        {
            return Bad($"from must not be after to, and a report covers at most {ReportService.MaxDays} days.");
        }

        if (user.CentreId() is not { } own)
        {
            return Forbidden();
        }

        Report report;
        try
        {
            report = await service.GetReportAsync(own, centres, new ReportPeriod(from, to));
        }
        catch (HotlineRuleException ex) when (ex.Code == "report.centre-not-allowed")
        {
            return Forbidden();
        }

        await service.RecordExportAsync(user.StaffId(), format, report, http.RequestAborted);
        return file(report);
    }

    private static ReportFiler Filer(ClaimsPrincipal user, Report report, HotlineTime time) =>
        new(report.Centres.Length == 1 ? report.Centres[0].Name : report.Province, user.Identity?.Name ?? user.StaffId(), ChinaTime.DayOf(time.Now));

    private static bool TryDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static IResult Bad(string reason) => Results.Problem(statusCode: 400, title: "Bad request", detail: reason);

    private static IResult Forbidden() =>
        Results.Problem(statusCode: 403, title: "Not your centre", detail: "Reports cover your own centre and the centres it reports for.");
}
