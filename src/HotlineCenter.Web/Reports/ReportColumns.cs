using System.Collections.Immutable;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Reports;

namespace HotlineCenter.Web.Reports;

/// <summary>One row of the provincial form: a centre (or the total) over the period.</summary>
public sealed record FormRow(string Name, int? Seats, int? ServiceHours, StatsFigures Figures);

/// <summary>A column of an exported sheet: its group heading (null: none), its heading, its value.</summary>
public sealed record ReportColumn(string? Group, string Heading, Func<FormRow, object?> Value);

/// <summary>
/// The provincial monthly form (心理援助热线服务情况统计表, reports.md) and the contact-centre KPI sheet, column by column
/// with their Chinese headings, shared by the Excel and the CSV export so both say the same.
/// </summary>
public static class ReportColumns
{
    public static readonly ImmutableArray<ReportColumn> ProvincialForm =
    [
        new(null, "热线名称", r => r.Name),
        new(null, "坐席数", r => r.Seats),
        new(null, "服务时长（小时/日）", r => r.ServiceHours),
        new(null, "来电总数", r => r.Figures.Received),
        new(null, "接通数", r => r.Figures.Answered),
        new(null, "接通率（%）", r => Percent(r.Figures.AnswerRate)),
        new(null, "呼损数", r => r.Figures.Abandoned),
        new("来电地域", "本地来电", r => r.Figures.LocalCallers),
        new("来电地域", "外地来电", r => r.Figures.OutOfAreaCallers),
        new("来电类型", "首次来电", r => r.Figures.FirstTimeCallers),
        new("来电类型", "反复来电", r => r.Figures.RepeatCallers),
        new(null, "高危来电数", r => r.Figures.HighRiskCalls),
        new(null, "危机干预数", r => r.Figures.CrisisCases),
        new("联动", "110", r => r.Figures.CountOf(r.Figures.Escalations, "Police110")),
        new("联动", "120", r => r.Figures.CountOf(r.Figures.Escalations, "Ambulance120")),
        new("联动", "绿色通道", r => r.Figures.CountOf(r.Figures.Escalations, "GreenChannelHospital")),
        new(null, "转介数", r => r.Figures.Referrals.Values.Sum()),
        new("回访数", "应回访", r => r.Figures.FollowUpsDue),
        new("回访数", "已回访", r => r.Figures.FollowUpsDone),
        .. ContactRecord.Categories.Select(c => new ReportColumn("问题类型", c, r => r.Figures.CountOf(r.Figures.Categories, c))),
        .. RecordChoices.AgeBands.Select(a => new ReportColumn("年龄段", AgeHeading(a), r => r.Figures.CountOf(r.Figures.AgeBands, a))),
        .. RecordChoices.Genders.Select(g => new ReportColumn("性别", RecordChoices.GenderText(g), r => r.Figures.CountOf(r.Figures.Genders, g))),
        new(null, "平均通话时长（分钟）", r => Minutes(r.Figures.AverageHandleTime)),
        new("满意度", "平均分（1–5）", r => Round(r.Figures.AverageRating, 2)),
        new("满意度", "4分及以上占比（%）", r => Percent(r.Figures.SatisfiedShare)),
    ];

    public static readonly ImmutableArray<ReportColumn> ContactCentre =
    [
        new(null, "热线名称", r => r.Name),
        new(null, "平均应答速度ASA（秒）", r => Round(r.Figures.AverageSpeedOfAnswer, 1)),
        new(null, "20秒接通率（%）", r => Percent(r.Figures.ServiceLevel20)),
        new(null, "呼损率（%）", r => Percent(r.Figures.AbandonRate)),
        new(null, "语音导航内挂机数", r => r.Figures.AbandonedInIvr),
        new(null, "呼损平均等待（秒）", r => Round(r.Figures.AverageAbandonWait, 1)),
        new(null, "最长等待（秒）", r => Math.Round(r.Figures.LongestWaitSeconds, 0)),
        new(null, "平均通话时长（分钟）", r => Minutes(r.Figures.AverageHandleTime)),
        new(null, "回电请求数", r => r.Figures.CallbacksRequested),
        new(null, "已回电数", r => r.Figures.CallbacksDone),
        new(null, "逾期回访数", r => r.Figures.FollowUpsOverdue),
        new(null, "危机来电数", r => r.Figures.CrisisCalls),
        new(null, "代他人求助", r => r.Figures.ThirdPartyCalls),
    ];

    /// <summary>The rows of a report: one per centre and the total (合计).</summary>
    public static ImmutableArray<FormRow> Rows(Report report) =>
    [
        .. report.Centres.Select(c => new FormRow(c.Name, c.Seats, c.ServiceHoursPerDay, c.Total)),
        new FormRow("合计", report.Centres.Sum(c => c.Seats), null, report.Total),
    ];

    /// <summary>The age bands as the form heads them: &lt;14, 14–17 … ≥60, 未知.</summary>
    public static string AgeHeading(string code) => code switch
    {
        "0-13" => "<14",
        "14-17" => "14–17",
        "18-24" => "18–24",
        "25-34" => "25–34",
        "35-44" => "35–44",
        "45-59" => "45–59",
        "60+" => "≥60",
        _ => "未知",
    };

    private static double? Percent(double? share) => share is { } s ? Math.Round(s * 100, 2) : null;

    private static double? Minutes(double? seconds) => seconds is { } s ? Math.Round(s / 60, 1) : null;

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;
}
