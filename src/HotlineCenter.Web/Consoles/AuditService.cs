using System.Collections.Immutable;
using System.Globalization;
using System.Security.Claims;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Grains.Audit;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Audit;

namespace HotlineCenter.Web.Consoles;

/// <summary>
/// What the auditor's console searches for: entries of one user, on one target id, of one kind, within China days
/// (both inclusive). Empty fields match everything.
/// </summary>
public sealed record AuditQuery(string? Username = null, string? Target = null, AuditKind? Kind = null, DateOnly? From = null, DateOnly? To = null)
{
    public bool Matches(AuditEntry entry) =>
        (string.IsNullOrWhiteSpace(Username) || string.Equals(entry.Actor, Username.Trim(), StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrWhiteSpace(Target) || entry.Target.Contains(Target.Trim(), StringComparison.OrdinalIgnoreCase))
        && (Kind is null || entry.Kind == Kind)
        && (From is not { } from || entry.At >= ChinaTime.StartOfDay(from))
        && (To is not { } to || entry.At < ChinaTime.StartOfDay(to.AddDays(1)));

    public bool Overlaps(AuditSegmentInfo segment) =>
        (From is not { } from || segment.LastAt >= ChinaTime.StartOfDay(from))
        && (To is not { } to || segment.FirstAt < ChinaTime.StartOfDay(to.AddDays(1)));

    /// <summary>The search as the audit entry of the search records it: ids only (anything else as "other").</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Username))
        {
            parts.Add("user=" + (Keys.IsValidId(Username.Trim().ToLowerInvariant()) ? Username.Trim().ToLowerInvariant() : "other"));
        }

        if (!string.IsNullOrWhiteSpace(Target))
        {
            parts.Add("target=" + (Keys.IsValidCallId(Target.Trim()) ? Target.Trim() : "other"));
        }

        if (Kind is { } kind)
        {
            parts.Add("kind=" + kind);
        }

        if (From is { } f)
        {
            parts.Add("from=" + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (To is { } t)
        {
            parts.Add("to=" + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var text = parts.Count == 0 ? "all" : string.Join(' ', parts);
        return text.Length <= AuditEventRules.MaxDetail ? text : text[..AuditEventRules.MaxDetail];
    }
}

/// <summary>One page of a search, newest first.</summary>
public sealed record AuditResults(ImmutableArray<AuditEntry> Entries, int Total, bool Truncated);

/// <summary>
/// The façade of the auditor's console: search a chain, verify it, export a search as CSV. An auditor reads their
/// own centre's chain and the host chain (sign-ins to no known account) only; every search, verification and
/// export is itself audited. Entries hold ids and codes, never call content, so nothing here shows what was said.
/// A search scans the segments overlapping its time range, newest first, and stops at <see cref="MaxMatches"/>.
/// </summary>
public sealed class AuditService(IGrainFactory grains, IAuditTrail audit, AuditSigner signer, Microsoft.Extensions.Localization.IStringLocalizer<HotlineCenter.Web.Resources.UiText> text)
{
    public const int MaxMatches = 5000;

    /// <summary>The chains <paramref name="user"/> may read: their centre's, then the host chain.</summary>
    public static ImmutableArray<string> ChainsFor(ClaimsPrincipal user) =>
        user.CentreId() is { } centre ? [centre, AuditChains.Host] : [AuditChains.Host];

    public async Task<AuditResults> SearchAsync(ClaimsPrincipal user, string chainId, AuditQuery query, int page, int pageSize)
    {
        var (matches, truncated) = await MatchesAsync(user, chainId, query);
        await audit.RecordAsync(AuditKind.AuditRead, chainId, detail: query.Describe());
        return new AuditResults([.. matches.Skip(Math.Max(0, page) * pageSize).Take(pageSize)], matches.Count, truncated);
    }

    /// <summary>Re-reads the stored chain and checks every link, seal and the checkpoint; the check is audited with its result.</summary>
    public async Task<AuditVerification> VerifyAsync(ClaimsPrincipal user, string chainId)
    {
        RequireReadable(user, chainId);
        var result = await AuditVerifier.VerifyAsync(grains, chainId, signer);
        await audit.RecordAsync(
            AuditKind.AuditVerified, chainId, result.Intact ? AuditOutcome.Succeeded : AuditOutcome.Failed,
            result.Intact ? $"checked={result.EntriesChecked}" : $"checked={result.EntriesChecked} broken-at={result.FirstBrokenSequence} problem={result.Problem}");
        return result;
    }

    /// <summary>The whole search as CSV (UTF-8 with BOM, Chinese headers); the export is audited with its row count.</summary>
    public async Task<(byte[] Csv, int Rows, bool Truncated)> ExportAsync(ClaimsPrincipal user, string chainId, AuditQuery query)
    {
        var (matches, truncated) = await MatchesAsync(user, chainId, query);
        var csv = AuditCsv.Write(matches, text);
        await audit.RecordAsync(AuditKind.Export, chainId, detail: $"rows={matches.Count} {query.Describe()}");
        return (csv, matches.Count, truncated);
    }

    private async Task<(List<AuditEntry> Matches, bool Truncated)> MatchesAsync(ClaimsPrincipal user, string chainId, AuditQuery query)
    {
        RequireReadable(user, chainId);
        var index = await grains.GetGrain<IAuditLogGrain>(chainId).GetIndexAsync();
        var matches = new List<AuditEntry>();
        foreach (var segment in index.Segments.Reverse().Where(query.Overlaps))
        {
            var view = await grains.GetGrain<IAuditSegmentGrain>(AuditChains.SegmentKey(chainId, segment.Segment)).GetAsync();
            foreach (var entry in view.Entries.Reverse().Where(query.Matches))
            {
                matches.Add(entry);
                if (matches.Count == MaxMatches)
                {
                    return (matches, true);
                }
            }
        }

        return (matches, false);
    }

    private static void RequireReadable(ClaimsPrincipal user, string chainId)
    {
        if (!ChainsFor(user).Contains(chainId))
        {
            throw new HotlineRuleException("audit.other-centre", "You can read the audit trail of your own centre only.");
        }
    }
}

/// <summary>The auditor's search as typed (the date pickers hold China days as dates).</summary>
public sealed class AuditForm
{
    public string? Username { get; set; }

    public string? Target { get; set; }

    public AuditKind? Kind { get; set; }

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    /// <summary>The last seven China days up to <paramref name="today"/>.</summary>
    public static AuditForm LastWeek(DateOnly today) => new()
    {
        From = today.AddDays(-6).ToDateTime(TimeOnly.MinValue),
        To = today.ToDateTime(TimeOnly.MinValue),
    };

    public AuditQuery ToQuery() => new(
        string.IsNullOrWhiteSpace(Username) ? null : Username.Trim(),
        string.IsNullOrWhiteSpace(Target) ? null : Target.Trim(),
        Kind,
        From is { } f ? DateOnly.FromDateTime(f) : null,
        To is { } t ? DateOnly.FromDateTime(t) : null);
}
