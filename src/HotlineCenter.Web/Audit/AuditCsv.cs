using System.Globalization;
using System.Text;
using CsvHelper;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace HotlineCenter.Web.Audit;

/// <summary>
/// Audit entries as CSV for regulators and spreadsheet users: UTF-8 with a BOM (so Excel reads the Chinese), Chinese
/// headers and Chinese names of kinds, roles and outcomes, China time, and formula-looking cells escaped.
/// </summary>
public static class AuditCsv
{
    private static readonly string[] Headers = ["序号", "时间（北京时间）", "用户", "角色", "类别", "对象", "来源地址", "结果", "说明", "哈希"];

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>The entries as CSV; names are read from <paramref name="text"/> in Chinese whatever the screen's language.</summary>
    public static byte[] Write(IEnumerable<AuditEntry> entries, IStringLocalizer<UiText> text)
    {
        var screen = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = Chinese;
        try
        {
            return WriteChinese(entries, text);
        }
        finally
        {
            CultureInfo.CurrentUICulture = screen;
        }
    }

    private static byte[] WriteChinese(IEnumerable<AuditEntry> entries, IStringLocalizer<UiText> names)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(Headers);
            foreach (var e in entries)
            {
                csv.WriteRecord(
                [
                    e.Sequence.ToString(CultureInfo.InvariantCulture),
                    e.At.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    e.Actor,
                    string.Join("、", (e.Roles.IsDefault ? [] : e.Roles).Select(r => names[$"Role_{r}"].Value)),
                    names[$"AuditKind_{e.Kind}"].Value,
                    e.Target,
                    e.Address,
                    names[$"AuditOutcome_{e.Outcome}"].Value,
                    e.Detail,
                    e.Hash,
                ]);
            }
        }

        return stream.ToArray();
    }
}
