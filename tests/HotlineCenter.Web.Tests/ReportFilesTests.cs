using System.Collections.Immutable;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Web.Reports;

namespace HotlineCenter.Web.Tests;

/// <summary>The exports read back: the Excel in the provincial form's layout with ClosedXML, the CSV with CsvHelper.</summary>
public sealed class ReportFilesTests
{
    private static readonly DateOnly First = new(2026, 11, 1);

    private static readonly StatsFigures Xian = new()
    {
        Received = 200, Answered = 150, Abandoned = 50, AbandonedInIvr = 10, AnsweredWithin20Seconds = 120, TotalWaitAnsweredSeconds = 3000,
        LongestWaitSeconds = 300, Handled = 150, TotalHandleSeconds = 162_000, LocalCallers = 120, OutOfAreaCallers = 70, UnknownOriginCallers = 10,
        FirstTimeCallers = 100, RepeatCallers = 40, HighRiskCalls = 9, CrisisCases = 6, CallbacksRequested = 12, CallbacksDone = 11,
        FollowUpsDue = 8, FollowUpsDone = 7, SatisfactionResponses = 40, SatisfactionTotal = 170, SatisfiedResponses = 34,
        Escalations = ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["Police110"] = 2, ["Ambulance120"] = 1, ["GreenChannelHospital"] = 3 }),
        Referrals = ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["hospital"] = 4, ["other"] = 1 }),
        Categories = ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["健康"] = 5, ["情绪"] = 60, ["其他"] = 2 }),
        AgeBands = ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["0-13"] = 3, ["unknown"] = 7 }),
        Genders = ImmutableSortedDictionary.CreateRange(new Dictionary<string, int> { ["male"] = 50, ["female"] = 80, ["unknown"] = 20 }),
    };

    private static readonly StatsFigures Baoji = new() { Received = 100, Answered = 50, Abandoned = 50, Handled = 50, TotalHandleSeconds = 30_000, LongestWaitSeconds = 600 };

    /// <summary>November: Xi'an's figures on the 3rd, Baoji's on the 20th (a provincial workbook of two city centres).</summary>
    private static Report November()
    {
        var period = ReportPeriod.Of(ReportPeriodKind.Month, new DateOnly(2026, 11, 17));
        ImmutableArray<DayFigures> Days(int day, StatsFigures figures) =>
            [.. period.Days.Select(d => new DayFigures(d, d.Day == day ? figures : StatsFigures.Empty, [.. Enumerable.Repeat(StatsFigures.Empty, 24)]))];
        return new Report(period,
        [
            new CentreReport("xa-12356", "西安市12356心理援助热线", "陕西省", 17, 24, Days(3, Xian)),
            new CentreReport("bj-12356", "宝鸡市12356心理援助热线", "陕西省", 4, 18, Days(20, Baoji)),
        ]);
    }

    [Fact]
    public void The_workbook_holds_the_provincial_form_with_chinese_headings_one_row_per_centre_and_the_total()
    {
        var bytes = ReportWorkbook.Write(November(), new ReportFiler("陕西省心理援助热线管理中心", "周主任", new DateOnly(2026, 12, 1)));

        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var form = workbook.Worksheet(ReportWorkbook.FormSheet);
        Assert.Equal([ReportWorkbook.FormSheet, ReportWorkbook.KpiSheet, ReportWorkbook.DaySheet], workbook.Worksheets.Select(w => w.Name));
        Assert.Equal("陕西省 心理援助热线服务情况统计表（2026年11月）", form.Cell("A1").GetString());
        Assert.Equal(("填报单位：陕西省心理援助热线管理中心", "填报人：周主任", "填报日期：2026-12-01"), (form.Cell("A2").GetString(), form.Cell("E2").GetString(), form.Cell("I2").GetString()));

        // Headings: single columns span both heading rows; a group heads its columns.
        Assert.Equal(("热线名称", "坐席数", "服务时长（小时/日）", "来电总数", "接通数", "接通率（%）", "呼损数"),
            (form.Cell("A4").GetString(), form.Cell("B4").GetString(), form.Cell("C4").GetString(), form.Cell("D4").GetString(), form.Cell("E4").GetString(), form.Cell("F4").GetString(), form.Cell("G4").GetString()));
        Assert.True(form.Cell("A4").IsMerged() && form.Cell("A5").IsMerged());
        Assert.Equal(("来电地域", "本地来电", "外地来电"), (form.Cell("H4").GetString(), form.Cell("H5").GetString(), form.Cell("I5").GetString()));
        Assert.Equal(("联动", "110", "120", "绿色通道"), (form.Cell("N4").GetString(), form.Cell("N5").GetString(), form.Cell("O5").GetString(), form.Cell("P5").GetString()));
        Assert.Equal(("回访数", "应回访", "已回访"), (form.Cell("R4").GetString(), form.Cell("R5").GetString(), form.Cell("S5").GetString()));
        Assert.Equal(("问题类型", "健康", "丧失与哀伤", "其他"), (form.Cell("T4").GetString(), form.Cell("T5").GetString(), form.Cell("AE5").GetString(), form.Cell("AF5").GetString()));
        Assert.Equal(("年龄段", "<14", "≥60", "未知"), (form.Cell("AG4").GetString(), form.Cell("AG5").GetString(), form.Cell("AM5").GetString(), form.Cell("AN5").GetString()));
        Assert.Equal(("性别", "男", "女", "未知"), (form.Cell("AO4").GetString(), form.Cell("AO5").GetString(), form.Cell("AP5").GetString(), form.Cell("AQ5").GetString()));
        Assert.Equal(("平均通话时长（分钟）", "满意度", "平均分（1–5）", "4分及以上占比（%）"), (form.Cell("AR4").GetString(), form.Cell("AS4").GetString(), form.Cell("AS5").GetString(), form.Cell("AT5").GetString()));
        Assert.True(form.Range("T4:AF4").IsMerged());

        // Xi'an's row.
        Assert.Equal("西安市12356心理援助热线", form.Cell("A6").GetString());
        Assert.Equal((17, 24, 200, 150, 75.0, 50), (form.Cell("B6").GetValue<int>(), form.Cell("C6").GetValue<int>(), form.Cell("D6").GetValue<int>(), form.Cell("E6").GetValue<int>(), form.Cell("F6").GetValue<double>(), form.Cell("G6").GetValue<int>()));
        Assert.Equal((120, 70, 100, 40, 9, 6), (form.Cell("H6").GetValue<int>(), form.Cell("I6").GetValue<int>(), form.Cell("J6").GetValue<int>(), form.Cell("K6").GetValue<int>(), form.Cell("L6").GetValue<int>(), form.Cell("M6").GetValue<int>()));
        Assert.Equal((2, 1, 3, 5, 8, 7), (form.Cell("N6").GetValue<int>(), form.Cell("O6").GetValue<int>(), form.Cell("P6").GetValue<int>(), form.Cell("Q6").GetValue<int>(), form.Cell("R6").GetValue<int>(), form.Cell("S6").GetValue<int>()));
        Assert.Equal((5, 60, 2, 3, 7), (form.Cell("T6").GetValue<int>(), form.Cell("V6").GetValue<int>(), form.Cell("AF6").GetValue<int>(), form.Cell("AG6").GetValue<int>(), form.Cell("AN6").GetValue<int>()));
        Assert.Equal((50, 80, 20), (form.Cell("AO6").GetValue<int>(), form.Cell("AP6").GetValue<int>(), form.Cell("AQ6").GetValue<int>()));
        Assert.Equal((18.0, 4.25, 85.0), (form.Cell("AR6").GetValue<double>(), form.Cell("AS6").GetValue<double>(), form.Cell("AT6").GetValue<double>()));

        // Baoji, then the total: a month is the sum of its days and centres.
        Assert.Equal(("宝鸡市12356心理援助热线", 100, 50.0), (form.Cell("A7").GetString(), form.Cell("D7").GetValue<int>(), form.Cell("F7").GetValue<double>()));
        Assert.Equal(("合计", 21, 300, 200, 66.67, 100), (form.Cell("A8").GetString(), form.Cell("B8").GetValue<int>(), form.Cell("D8").GetValue<int>(), form.Cell("E8").GetValue<int>(), form.Cell("F8").GetValue<double>(), form.Cell("G8").GetValue<int>()));
        Assert.True(form.Cell("C8").IsEmpty());
        Assert.True(form.Cell("A9").IsEmpty());

        // Contact-centre KPIs: ASA 3000/150 = 20 s, service level 120/200 = 60 %, longest wait of the two.
        var kpis = workbook.Worksheet(ReportWorkbook.KpiSheet);
        Assert.Equal(("平均应答速度ASA（秒）", 20.0, 60.0, 25.0), (kpis.Cell("B4").GetString(), kpis.Cell("B6").GetValue<double>(), kpis.Cell("C6").GetValue<double>(), kpis.Cell("D6").GetValue<double>()));
        Assert.Equal((600.0, 11, 12), (kpis.Cell("G8").GetValue<double>(), kpis.Cell("J6").GetValue<int>(), kpis.Cell("I6").GetValue<int>()));

        // Each day, both centres together.
        var days = workbook.Worksheet(ReportWorkbook.DaySheet);
        Assert.Equal(("日期", "2026-11-01", "2026-11-30"), (days.Cell("A1").GetString(), days.Cell("A2").GetString(), days.Cell("A31").GetString()));
        Assert.Equal((200, 100, 0), (days.Cell("B4").GetValue<int>(), days.Cell("B21").GetValue<int>(), days.Cell("B2").GetValue<int>()));
    }

    [Fact]
    public void The_csv_is_utf8_with_a_bom_and_round_trips_with_its_chinese_headings()
    {
        var bytes = ReportCsv.Write(November());

        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        using var csv = CsvReader.Create(bytes, new CsvReaderOptions());
        csv.ReadHeader();
        Assert.Equal(ReportColumns.ProvincialForm.Length, csv.Headers.Count);
        Assert.Equal(("热线名称", "接通率（%）", "问题类型-情绪", "年龄段-<14", "性别-女", "联动-绿色通道"),
            (csv.Headers[0], csv.Headers[5], csv.Headers[21], csv.Headers[32], csv.Headers[41], csv.Headers[15]));
        var rows = new List<(string Name, int Received, double Rate, int Emotion)>();
        while (csv.Read())
        {
            rows.Add((csv.GetString("热线名称"), csv.Parse<int>("来电总数"), csv.Parse<double>("接通率（%）"), csv.Parse<int>("问题类型-情绪")));
        }

        Assert.Equal([("西安市12356心理援助热线", 200, 75.0, 60), ("宝鸡市12356心理援助热线", 100, 50.0, 0), ("合计", 300, 66.67, 60)], rows);
    }

    [Fact]
    public void A_period_with_no_calls_exports_blank_rates_rather_than_zero()
    {
        var day = new DateOnly(2026, 11, 24);
        var empty = new Report(new ReportPeriod(day, day), [new CentreReport("xa", "西安", null, 0, 24, [new DayFigures(day, StatsFigures.Empty, [])])]);

        using var workbook = new XLWorkbook(new MemoryStream(ReportWorkbook.Write(empty, new ReportFiler("西安", "周", day))));
        var form = workbook.Worksheet(ReportWorkbook.FormSheet);

        Assert.Equal("心理援助热线服务情况统计表（2026年11月24日）", form.Cell("A1").GetString());
        Assert.Equal(0, form.Cell("D6").GetValue<int>());
        Assert.True(form.Cell("F6").IsEmpty());
    }

    [Theory]
    [InlineData(ReportPeriodKind.Day, "2026-11-25", "2026-11-25", "2026-11-25")]
    [InlineData(ReportPeriodKind.Week, "2026-11-25", "2026-11-23", "2026-11-29")]
    [InlineData(ReportPeriodKind.Week, "2026-11-29", "2026-11-23", "2026-11-29")]
    [InlineData(ReportPeriodKind.Month, "2026-02-10", "2026-02-01", "2026-02-28")]
    [InlineData(ReportPeriodKind.Month, "2028-02-10", "2028-02-01", "2028-02-29")]
    public void Periods_are_a_day_a_monday_to_sunday_week_or_a_calendar_month(ReportPeriodKind kind, string anchor, string from, string to)
    {
        var period = ReportPeriod.Of(kind, DateOnly.Parse(anchor, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), (period.From, period.To));
        Assert.Equal(kind == ReportPeriodKind.Month, period.IsMonth);
    }
}
