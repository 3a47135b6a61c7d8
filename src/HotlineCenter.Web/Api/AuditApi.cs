using System.Globalization;
using System.Security.Claims;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Hosting;

namespace HotlineCenter.Web.Api;

/// <summary>The auditor's CSV export of a search (the console links to it; the export is itself audited).</summary>
public static class AuditApi
{
    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/api/audit/{chainId}/entries.csv", async (string chainId, string? user, string? target, string? kind, string? from, string? to, ClaimsPrincipal principal, AuditService audit, HotlineTime time) =>
        {
            if (!Keys.IsValidId(chainId))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "chainId must be a centre id.");
            }

            if (!TryParse(user, target, kind, from, to, out var query, out var problem))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: problem);
            }

            if (!AuditService.ChainsFor(principal).Contains(chainId))
            {
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: "You can export the audit trail of your own centre only.");
            }

            var (csv, _, _) = await audit.ExportAsync(principal, chainId, query);
            var day = ChinaTime.DayOf(time.Now).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            return Results.File(csv, "text/csv; charset=utf-8", $"audit-{chainId}-{day}.csv");
        }).RequireAuthorization(AuditSetup.AuditorPolicy);
        return app;
    }

    /// <summary>The export link for a search on the console.</summary>
    public static string ExportUrl(string chainId, AuditQuery query)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("user", query.Username);
        Add("target", query.Target);
        Add("kind", query.Kind?.ToString());
        Add("from", query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return $"/api/audit/{Uri.EscapeDataString(chainId)}/entries.csv" + (parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts));
    }

    /// <summary>The query string of an export as a search; a value that cannot be one is named in <paramref name="problem"/>.</summary>
    public static bool TryParse(string? user, string? target, string? kind, string? from, string? to, out AuditQuery query, out string? problem)
    {
        query = new AuditQuery();
        problem = user is { Length: > 64 } ? "user is at most 64 characters."
            : target is { Length: > 128 } ? "target is at most 128 characters."
            : null;
        AuditKind? parsedKind = null;
        if (problem is null && !string.IsNullOrWhiteSpace(kind))
        {
            parsedKind = Enum.TryParse<AuditKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(kind, out _) ? k : null;
            problem = parsedKind is null ? $"kind must be one of {string.Join(", ", Enum.GetNames<AuditKind>())}." : null;
        }

        var (fromDay, fromOk) = Day(from);
        var (toDay, toOk) = Day(to);
        problem ??= !fromOk || !toOk ? "from and to are China days written yyyy-MM-dd."
            : fromDay > toDay ? "from is after to."
            : null;
        if (problem is not null)
        {
            return false;
        }

        query = new AuditQuery(user, target, parsedKind, fromDay, toDay);
        return true;
    }

    private static (DateOnly? Day, bool Ok) Day(string? text) =>
        string.IsNullOrWhiteSpace(text) ? (null, true)
        : DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, true)
        : (null, false);
}
