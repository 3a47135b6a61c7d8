using System.Collections.Immutable;
using System.Globalization;
using ClosedXML.Excel;
using CsvHelper;

namespace HotlineCenter.Web.Reports;

/// <summary>Who the export is from, for the form's header block (填报单位, 填报人, 填报日期).</summary>
public sealed record ReportFiler(string Unit, string Person, DateOnly Date);

/// <summary>
/// The Excel export in the layout of the provincial monthly form: sheet 「服务情况统计表」 with the title, the header
/// block, two heading rows (groups over their columns), one row per centre and the 合计 row; sheet 「呼叫中心指标」 with the
/// contact-centre KPIs; sheet 「分日明细」 with each day.
/// </summary>
public static class ReportWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string FormSheet = "服务情况统计表";
    public const string KpiSheet = "呼叫中心指标";
    public const string DaySheet = "分日明细";

    /// <summary>Row of the first heading row; centre rows start two below it.</summary>
    public const int HeadingRow = 4;
    public const int FirstDataRow = HeadingRow + 2;

    public static string Title(Report report) => $"{report.Province} 心理援助热线服务情况统计表{report.Period.ChineseTitle}".Trim();

    public static byte[] Write(Report report, ReportFiler filer)
    {
        using var workbook = new XLWorkbook();
        var rows = ReportColumns.Rows(report);
        var form = workbook.AddWorksheet(FormSheet);
        WriteTable(form, Title(report), filer, ReportColumns.ProvincialForm, rows);
        var kpis = workbook.AddWorksheet(KpiSheet);
        WriteTable(kpis, $"呼叫中心服务指标{report.Period.ChineseTitle}", filer, ReportColumns.ContactCentre, rows);
        WriteDays(workbook.AddWorksheet(DaySheet), report);
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static void WriteTable(IXLWorksheet sheet, string title, ReportFiler filer, ImmutableArray<ReportColumn> columns, ImmutableArray<FormRow> rows)
    {
        sheet.Cell(1, 1).SetValue(title);
        sheet.Range(1, 1, 1, columns.Length).Merge().Style.Font.SetBold().Font.SetFontSize(14).Alignment.SetHorizontal(XLAlignmentHorizontalValues.Center);
        sheet.Cell(2, 1).SetValue($"填报单位：{filer.Unit}");
        sheet.Cell(2, 5).SetValue($"填报人：{filer.Person}");
        sheet.Cell(2, 9).SetValue($"填报日期：{filer.Date:yyyy-MM-dd}");

        // Two heading rows: a group heading spans its columns; a column without a group spans both rows.
        for (var i = 0; i < columns.Length;)
        {
            var column = columns[i];
            var end = i;
            while (end + 1 < columns.Length && column.Group is not null && columns[end + 1].Group == column.Group)
            {
                end++;
            }

            if (column.Group is null)
            {
                sheet.Cell(HeadingRow, i + 1).SetValue(column.Heading);
                sheet.Range(HeadingRow, i + 1, HeadingRow + 1, i + 1).Merge();
            }
            else
            {
                sheet.Cell(HeadingRow, i + 1).SetValue(column.Group);
                sheet.Range(HeadingRow, i + 1, HeadingRow, end + 1).Merge();
                for (var c = i; c <= end; c++)
                {
                    sheet.Cell(HeadingRow + 1, c + 1).SetValue(columns[c].Heading);
                }
            }

            i = end + 1;
        }

        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                Set(sheet.Cell(FirstDataRow + r, c + 1), columns[c].Value(rows[r]));
            }
        }

        var table = sheet.Range(HeadingRow, 1, FirstDataRow + rows.Length - 1, columns.Length);
        table.Style.Border.SetOutsideBorder(XLBorderStyleValues.Thin).Border.SetInsideBorder(XLBorderStyleValues.Thin);
        sheet.Range(HeadingRow, 1, HeadingRow + 1, columns.Length).Style.Font.SetBold().Alignment.SetHorizontal(XLAlignmentHorizontalValues.Center).Alignment.SetWrapText();
        sheet.Row(FirstDataRow + rows.Length - 1).Style.Font.SetBold();
        sheet.Column(1).Width = 24;
        for (var c = 2; c <= columns.Length; c++)
        {
            sheet.Column(c).Width = 10;
        }

        sheet.SheetView.FreezeRows(HeadingRow + 1);
    }

    private static void WriteDays(IXLWorksheet sheet, Report report)
    {
        string[] headings = ["日期", "来电总数", "接通数", "接通率（%）", "呼损数", "语音导航内挂机数", "高危来电数", "危机干预数", "平均应答速度ASA（秒）"];
        for (var c = 0; c < headings.Length; c++)
        {
            sheet.Cell(1, c + 1).SetValue(headings[c]);
        }

        var row = 2;
        foreach (var (day, f) in report.ByDay)
        {
            object?[] values = [day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f.Received, f.Answered, f.AnswerRate is { } a ? Math.Round(a * 100, 2) : null,
                f.Abandoned, f.AbandonedInIvr, f.HighRiskCalls, f.CrisisCases, f.AverageSpeedOfAnswer is { } s ? Math.Round(s, 1) : null];
            for (var c = 0; c < values.Length; c++)
            {
                Set(sheet.Cell(row, c + 1), values[c]);
            }

            row++;
        }

        sheet.Row(1).Style.Font.SetBold();
        sheet.Column(1).Width = 12;
    }

    private static void Set(IXLCell cell, object? value)
    {
        switch (value)
        {
            case null:
                cell.Value = string.Empty;
                break;
            case int i:
                cell.Value = i;
                break;
            case double d:
                cell.Value = d;
                break;
            default:
                // SetValue keeps text as text (Value would read 2026-11-01 as a date, or "=…" as a formula).
                cell.SetValue(value.ToString() ?? string.Empty);
                break;
        }
    }
}

/// <summary>
/// The CSV export: the provincial form's columns (group and heading joined, 问题类型-情绪), one row per centre and the
/// total, UTF-8 with a byte-order mark so Excel opens the Chinese headings correctly.
/// </summary>
public static class ReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Heading(ReportColumn column) => column.Group is null ? column.Heading : $"{column.Group}-{column.Heading}";

    public static byte[] Write(Report report)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true, FormatProvider = CultureInfo.InvariantCulture }, true))
        {
            csv.WriteRecord([.. ReportColumns.ProvincialForm.Select(Heading)]);
            foreach (var row in ReportColumns.Rows(report))
            {
                csv.WriteRecord([.. ReportColumns.ProvincialForm.Select(column => column.Value(row) switch
                {
                    null => string.Empty,
                    double d => d.ToString(CultureInfo.InvariantCulture),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty,
                })]);
            }

            csv.Flush();
        }

        return stream.ToArray();
    }
}
