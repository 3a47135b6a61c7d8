using System.Collections.Immutable;
using System.Globalization;
using HotlineCenter.Abstractions.Reports;

namespace HotlineCenter.Grains.Reports;

/// <summary>Pure counting, so the arithmetic is tested as a table without a cluster.</summary>
public static class StatsCounter
{
    /// <summary>Answered within this many seconds counts towards the service level.</summary>
    public const int ServiceLevelSeconds = 20;

    /// <summary>The wallboard's older day counters (kept for the days counted before the hours existed).</summary>
    public static DayStats Add(DayStats s, StatsEvent e) => e.Outcome switch
    {
        CallOutcome.Received => s with { Received = s.Received + 1, CrisisCalls = s.CrisisCalls + (e.IsCrisis ? 1 : 0) },
        CallOutcome.Answered => s with
        {
            Answered = s.Answered + 1,
            AnsweredWithin20Seconds = s.AnsweredWithin20Seconds + (e.Seconds <= ServiceLevelSeconds ? 1 : 0),
            TotalWaitAnsweredSeconds = s.TotalWaitAnsweredSeconds + e.Seconds,
            LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds),
        },
        CallOutcome.Abandoned => s with { Abandoned = s.Abandoned + 1, LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds) },
        CallOutcome.Handled => s with { Handled = s.Handled + 1, TotalHandleSeconds = s.TotalHandleSeconds + e.Seconds },
        _ => s,
    };

    /// <summary>One event into the figures. An event that cannot be counted (a label missing, a rating out of range) changes nothing.</summary>
    public static StatsFigures Add(StatsFigures s, StatsEvent e) => e.Outcome switch
    {
        CallOutcome.Received => s with { Received = s.Received + 1, CrisisCalls = s.CrisisCalls + (e.IsCrisis ? 1 : 0) },
        CallOutcome.Answered => s with
        {
            Answered = s.Answered + 1,
            AnsweredWithin20Seconds = s.AnsweredWithin20Seconds + (e.Seconds <= ServiceLevelSeconds ? 1 : 0),
            TotalWaitAnsweredSeconds = s.TotalWaitAnsweredSeconds + e.Seconds,
            LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds),
        },
        CallOutcome.Abandoned => s with
        {
            Abandoned = s.Abandoned + 1,
            TotalWaitAbandonedSeconds = s.TotalWaitAbandonedSeconds + e.Seconds,
            LongestWaitSeconds = Math.Max(s.LongestWaitSeconds, e.Seconds),
        },
        CallOutcome.Handled => s with { Handled = s.Handled + 1, TotalHandleSeconds = s.TotalHandleSeconds + e.Seconds },
        CallOutcome.AbandonedInIvr => s with { AbandonedInIvr = s.AbandonedInIvr + 1 },
        CallOutcome.CallbackRequested => s with { CallbacksRequested = s.CallbacksRequested + 1 },
        CallOutcome.CallbackDone => s with { CallbacksDone = s.CallbacksDone + 1 },
        CallOutcome.CallerOrigin => e.Label switch
        {
            CallerOriginRules.Local => s with { LocalCallers = s.LocalCallers + 1 },
            CallerOriginRules.OutOfArea => s with { OutOfAreaCallers = s.OutOfAreaCallers + 1 },
            _ => s with { UnknownOriginCallers = s.UnknownOriginCallers + 1 },
        },
        CallOutcome.CrisisCall => s with { CrisisCalls = s.CrisisCalls + 1 },
        CallOutcome.RecordSubmitted => s with { RecordsSubmitted = s.RecordsSubmitted + 1 },
        CallOutcome.Category when e.Label is { Length: > 0 } c => s with { Categories = Bump(s.Categories, c) },
        CallOutcome.AgeBand when e.Label is { Length: > 0 } a => s with { AgeBands = Bump(s.AgeBands, a) },
        CallOutcome.Gender when e.Label is { Length: > 0 } g => s with { Genders = Bump(s.Genders, g) },
        CallOutcome.Risk when e.Label is { Length: > 0 } r => s with { RiskLevels = Bump(s.RiskLevels, r) },
        CallOutcome.HighRisk => s with { HighRiskCalls = s.HighRiskCalls + 1 },
        CallOutcome.CallerHistory => e.Label switch
        {
            Abstractions.Records.RecordChoices.Repeat => s with { RepeatCallers = s.RepeatCallers + 1 },
            Abstractions.Records.RecordChoices.FirstTime => s with { FirstTimeCallers = s.FirstTimeCallers + 1 },
            _ => s,
        },
        CallOutcome.Referral when e.Label is { Length: > 0 } r => s with { Referrals = Bump(s.Referrals, r) },
        CallOutcome.CrisisCase => s with { CrisisCases = s.CrisisCases + 1 },
        CallOutcome.Escalation when e.Label is { Length: > 0 } k => s with { Escalations = Bump(s.Escalations, k) },
        CallOutcome.FollowUpDue => s with { FollowUpsDue = s.FollowUpsDue + 1 },
        CallOutcome.FollowUpDone => s with { FollowUpsDone = s.FollowUpsDone + 1 },
        CallOutcome.FollowUpOverdue => s with { FollowUpsOverdue = s.FollowUpsOverdue + 1 },
        CallOutcome.Satisfaction when e.Seconds is >= 1 and <= 5 && e.Seconds == Math.Floor(e.Seconds) => s with
        {
            SatisfactionResponses = s.SatisfactionResponses + 1,
            SatisfactionTotal = s.SatisfactionTotal + (int)e.Seconds,
            SatisfiedResponses = s.SatisfiedResponses + (e.Seconds >= 4 ? 1 : 0),
            Ratings = Bump(s.Ratings, ((int)e.Seconds).ToString(CultureInfo.InvariantCulture)),
        },
        CallOutcome.ThirdParty => s with { ThirdPartyCalls = s.ThirdPartyCalls + 1 },
        _ => s,
    };

    /// <summary>The day grain's key for a centre on the China Standard Time day of <paramref name="at"/>.</summary>
    public static string Key(string centreId, DateTimeOffset at) => DayKey(centreId, ChinaTime.DayOf(at));

    public static string DayKey(string centreId, DateOnly day) => $"{centreId}/{day:yyyy-MM-dd}";

    /// <summary>The hour grain's key: <c>centre/yyyy-MM-dd/HH</c>, China time.</summary>
    public static string HourKey(string centreId, DateTimeOffset at)
    {
        var china = at.ToChina();
        return $"{centreId}/{china:yyyy-MM-dd}/{china:HH}";
    }

    /// <summary>Splits an hour key into its day grain's key and the hour of day; null when it is not one.</summary>
    public static (string DayKey, int Hour)? ParseHourKey(string hourKey)
    {
        var slash = hourKey.LastIndexOf('/');
        return slash > 0 && int.TryParse(hourKey.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and < 24
            ? (hourKey[..slash], hour)
            : null;
    }

    /// <summary>The China day of a day grain's key.</summary>
    public static DateOnly? DayOfKey(string dayKey) =>
        DateOnly.TryParseExact(dayKey.AsSpan(dayKey.LastIndexOf('/') + 1), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>Whether an event may be counted at all: a key, a finite non-negative number, a known outcome.</summary>
    public static bool IsCountable(StatsEvent e) =>
        !string.IsNullOrEmpty(e.Key) && e.Key.Length <= 300 && double.IsFinite(e.Seconds) && e.Seconds >= 0 && Enum.IsDefined(e.Outcome)
        && e.Label is null or { Length: <= 64 };

    private static ImmutableSortedDictionary<string, int> Bump(ImmutableSortedDictionary<string, int> counts, string label) =>
        counts.SetItem(label, counts.GetValueOrDefault(label) + 1);
}

/// <summary>Local or out-of-area (本地 / 外地): the number's registered region against the centre's own.</summary>
public static class CallerOriginRules
{
    public const string Local = "local";
    public const string OutOfArea = "out-of-area";
    public const string Unknown = "unknown";

    /// <summary>
    /// <paramref name="numberRegion"/> is the geocoder's description (陕西省西安市, 广西南宁市, 北京市, 美国 …). A city centre's
    /// local callers are those of its city, a provincial centre's (no city) those of its province. Unknown when either
    /// side is not known (a withheld number, a number the geocoder cannot place, a centre without a region).
    /// </summary>
    public static string Classify(string? numberRegion, string? centreProvince, string? centreCity)
    {
        if (string.IsNullOrWhiteSpace(numberRegion) || string.IsNullOrWhiteSpace(centreProvince))
        {
            return Unknown;
        }

        var province = Abstractions.Records.ChinaRegions.ShortName(centreProvince);
        if (!numberRegion.StartsWith(province, StringComparison.Ordinal))
        {
            return OutOfArea;
        }

        if (string.IsNullOrWhiteSpace(centreCity))
        {
            return Local;
        }

        // A fixed-line area code may cover two cities (陕西省西安市、咸阳市): local when the centre's is among them.
        return numberRegion[province.Length..].Contains(Abstractions.Records.ChinaRegions.ShortName(centreCity), StringComparison.Ordinal)
            || Abstractions.Records.ChinaRegions.ShortName(centreCity) == province
            ? Local
            : OutOfArea;
    }
}
