using System.Collections.Immutable;
using System.Globalization;
using HotlineCenter.Abstractions.Reports;

namespace HotlineCenter.Web.Reports;

public enum ReportPeriodKind
{
    Day = 0,
    Week = 1,
    Month = 2,
    Custom = 3,
}

/// <summary>A range of China days, both ends included.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    public int DayCount => To.DayNumber - From.DayNumber + 1;

    public IEnumerable<DateOnly> Days => Enumerable.Range(0, Math.Max(0, DayCount)).Select(From.AddDays);

    /// <summary>A whole calendar month (the provincial form's period).</summary>
    public bool IsMonth => From.Day == 1 && To == From.AddMonths(1).AddDays(-1);

    /// <summary>The day, the week (Monday to Sunday) or the calendar month that holds <paramref name="anchor"/>.</summary>
    public static ReportPeriod Of(ReportPeriodKind kind, DateOnly anchor) => kind switch
    {
        ReportPeriodKind.Week => new(anchor.AddDays(-(((int)anchor.DayOfWeek + 6) % 7)), anchor.AddDays(-(((int)anchor.DayOfWeek + 6) % 7) + 6)),
        ReportPeriodKind.Month => new(new DateOnly(anchor.Year, anchor.Month, 1), new DateOnly(anchor.Year, anchor.Month, 1).AddMonths(1).AddDays(-1)),
        _ => new(anchor, anchor),
    };

    /// <summary>How the provincial form titles it: （2026年11月） for a month, else （2026年11月1日至2026年11月7日）.</summary>
    public string ChineseTitle => IsMonth
        ? $"（{From.Year}年{From.Month}月）"
        : From == To ? $"（{From.Year}年{From.Month}月{From.Day}日）" : $"（{From.Year}年{From.Month}月{From.Day}日至{To.Year}年{To.Month}月{To.Day}日）";

    public string FileStem => From == To ? From.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : $"{From:yyyyMMdd}-{To:yyyyMMdd}";
}

/// <summary>One centre over a period: its days (each with its hours) and what the provincial form says about it.</summary>
public sealed record CentreReport(string CentreId, string Name, string? Province, int Seats, int ServiceHoursPerDay, ImmutableArray<DayFigures> Days)
{
    private StatsFigures? _total;

    public StatsFigures Total => _total ??= StatsFigures.Sum(Days.Select(d => d.Total));
}

/// <summary>A report: one row per centre, their total, and the series behind the charts.</summary>
public sealed record Report(ReportPeriod Period, ImmutableArray<CentreReport> Centres)
{
    private StatsFigures? _total;

    public StatsFigures Total => _total ??= StatsFigures.Sum(Centres.Select(c => c.Total));

    /// <summary>Each China day of the period, every centre together.</summary>
    public ImmutableArray<(DateOnly Day, StatsFigures Figures)> ByDay =>
        [.. Period.Days.Select((day, i) => (day, StatsFigures.Sum(Centres.Select(c => i < c.Days.Length ? c.Days[i].Total : StatsFigures.Empty))))];

    /// <summary>Each hour of day (0–23), over every day and centre of the period.</summary>
    public ImmutableArray<StatsFigures> ByHourOfDay =>
        [.. Enumerable.Range(0, 24).Select(h => StatsFigures.Sum(Centres.SelectMany(c => c.Days).Select(d => d.Hours.IsDefaultOrEmpty ? StatsFigures.Empty : d.Hours[h])))];

    /// <summary>The province of the title: the first centre's (a provincial workbook is one province's).</summary>
    public string Province => Centres.Select(c => c.Province).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p)) ?? string.Empty;
}

/// <summary>What the filters changed: centres, kind of period, period.</summary>
public sealed record ReportFilterChange(ImmutableArray<string> Centres, ReportPeriodKind Kind, ReportPeriod Period);
