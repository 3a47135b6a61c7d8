using System.Collections.Immutable;
using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Abstractions.Records;

namespace HotlineCenter.Grains.Callers;

/// <summary>How a caller's history becomes what the counsellor sees: pure, so it is tested without a cluster.</summary>
public static class CallerContextRules
{
    /// <summary>Calls in 30 days that mark a frequent caller (a management plan may then be agreed).</summary>
    public const int FrequentCallsIn30Days = 5;

    /// <summary>How long a high or imminent risk contact keeps the caller flagged as high risk.</summary>
    public static readonly TimeSpan HighRiskMemory = TimeSpan.FromDays(90);

    public const int RecentContactsShown = 5;

    public const int MaxNoteLength = 500;

    public const int MaxSafetyPlanLength = 4000;

    public static CallerContext Build(CallerState s, string? currentCallId, DateTimeOffset now)
    {
        var priorCalls = s.Arrivals.Count(a => a.CallId != currentCallId);
        var priorContacts = s.Contacts.Where(c => c.CallId != currentCallId).OrderByDescending(c => c.At).ToList();
        var callsLast30 = s.Arrivals.Count(a => a.At > now - TimeSpan.FromDays(30));
        var flags = s.Flags.Where(f => f.ExpiresAt is null || f.ExpiresAt > now).ToList();

        var lastHighRisk = priorContacts.FirstOrDefault(c => c.Risk >= RiskLevel.High && c.At > now - HighRiskMemory);
        if (lastHighRisk is not null && flags.All(f => f.Kind != CallerFlagKind.HighRisk))
        {
            flags.Add(new CallerFlag(CallerFlagKind.HighRisk, lastHighRisk.Risk.ToString(), "system", lastHighRisk.At, lastHighRisk.At + HighRiskMemory, Automatic: true));
        }

        if (callsLast30 >= FrequentCallsIn30Days && flags.All(f => f.Kind != CallerFlagKind.FrequentCaller))
        {
            flags.Add(new CallerFlag(CallerFlagKind.FrequentCaller, callsLast30.ToString(System.Globalization.CultureInfo.InvariantCulture), "system", now, null, Automatic: true));
        }

        var last = priorContacts.FirstOrDefault();
        return new CallerContext(
            IsRepeat: priorCalls > 0 || priorContacts.Count > 0,
            CallsLast30Days: callsLast30,
            TotalContacts: priorContacts.Count,
            RecentContacts: [.. priorContacts.Take(RecentContactsShown)],
            LastRisk: last?.Risk ?? RiskLevel.NotAssessed,
            LastContactAt: last?.At,
            ActiveFlags: [.. flags.OrderBy(f => f.Kind)],
            SafetyPlan: s.SafetyPlan);
    }

    public static IReadOnlyList<string> FlagProblems(CallerFlagKind kind, string? note, string? by, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(kind))
        {
            problems.Add($"'{kind}' is not a caller flag");
        }

        if (string.IsNullOrWhiteSpace(note))
        {
            problems.Add("a flag needs a reason");
        }
        else if (note.Length > MaxNoteLength)
        {
            problems.Add($"the reason is longer than {MaxNoteLength} characters");
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            problems.Add("who sets the flag is required");
        }

        if (expiresAt is { } e && e <= now)
        {
            problems.Add("the expiry must be in the future");
        }

        if (kind == CallerFlagKind.Abusive && expiresAt is null)
        {
            problems.Add("an abusive-caller flag needs an expiry");
        }

        return problems;
    }
}
