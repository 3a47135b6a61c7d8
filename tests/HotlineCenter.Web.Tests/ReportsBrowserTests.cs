using ClosedXML.Excel;
using CsvHelper;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Reports;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The scripted day (see <see cref="ScriptedDay"/>) played into the real host on Redis, then the supervisor's reports page
/// in Chromium for that day: the tiles and the tables behind the charts show its figures, and both exports download and
/// read back with the same figures.
/// </summary>
[Collection(BrowserTest.Collection)]
public sealed class ReportsBrowserTests : BrowserTest
{
    /// <summary>
    /// Yesterday 07:00 China time: the scripted day (08:00–13:00) runs on that day, so the domain clock never gets ahead of
    /// the real one the sign-in cookie's expiry is reckoned on (a session is ended once the domain clock passes it).
    /// </summary>
    private readonly FakeTimeProvider _clock = new(HotlineCenter.Abstractions.Common.ChinaTime.StartOfDay(DateTimeOffset.UtcNow).AddDays(-1).AddHours(7));

    protected override Task<HotlineHost> StartHostAsync()
    {
        var host = new HotlineHost(HotlineHost.NewServiceId(), _clock);
        host.UseKestrel(0);
        host.StartServer();
        return Task.FromResult(host);
    }

    [Fact]
    public async Task Reports_page_shows_the_scripted_days_figures_and_downloads_the_provincial_form_and_the_csv()
    {
        var centre = Host.Grains.GetGrain<ICentreGrain>(DemoCentre.Id);
        var config = await Eventually.MatchesAsync(centre.GetConfigAsync, c => c is not null, "the demo centre seeded");
        await centre.ConfigureAsync(config! with { SatisfactionSurvey = true });
        Host.Services.GetRequiredService<SimulatedTelephony>().SurveyRating = null;
        var script = new ScriptedDay(Host.Grains, _clock, DemoCentre.Id, "c-wang");
        await script.RunAsync();
        var day = Host.Grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(DemoCentre.Id, script.Day));
        await Eventually.MatchesAsync(day.GetFiguresAsync, f => f.Total.Received == 7 && f.Total.RecordsSubmitted == 4 && f.Total.SatisfactionResponses == 2 && f.Total.FollowUpsDone == 1
            && f.Total.Abandoned == 3 && f.Total.Handled == 4 && f.Total.Escalations.Count == 1 && f.Total.CrisisCases == 2, "the scripted day counted", timeoutMs: 30_000);

        var page = await InteractivePageAsync("s-zhou");
        var date = script.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await page.GotoAsync($"{BaseUrl}/reports?kind=custom&from={date}&to={date}");
        await Expect(page.Locator("[data-testid=reports][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await Expect(page.Locator("[data-testid=report-period]")).ToContainTextAsync("陕西省 心理援助热线服务情况统计表");
        await Expect(page.Locator("[data-testid=report-kpi-received]")).ToHaveTextAsync("7");
        await Expect(page.Locator("[data-testid=report-kpi-answered]")).ToHaveTextAsync("4");
        await Expect(page.Locator("[data-testid=report-kpi-answer-rate]")).ToHaveTextAsync("57.1%");
        await Expect(page.Locator("[data-testid=report-kpi-abandoned]")).ToContainTextAsync("3");
        await Expect(page.Locator("[data-testid=report-kpi-asa]")).ToHaveTextAsync("00:43");
        await Expect(page.Locator("[data-testid=report-kpi-service-level]")).ToHaveTextAsync("28.6%");
        await Expect(page.Locator("[data-testid=report-kpi-aht]")).ToHaveTextAsync("12:30");
        await Expect(page.Locator("[data-testid=report-kpi-longest-wait]")).ToHaveTextAsync("02:05");
        await Expect(page.Locator("[data-testid=report-kpi-callbacks]")).ToHaveTextAsync("1 / 1");
        await Expect(page.Locator("[data-testid=report-kpi-origin]")).ToHaveTextAsync("5 / 1");
        await Expect(page.Locator("[data-testid=report-kpi-crisis-cases]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-testid=report-kpi-satisfaction]")).ToHaveTextAsync("4.0（2）");

        // The tables behind the charts: calls by hour (received row), categories, risk levels.
        var hourRows = page.Locator("[data-testid=chart-hours-table] [data-testid=chart-hours-row]");
        await Expect(hourRows).ToHaveCountAsync(24);
        var received = new Dictionary<int, int>();
        for (var h = 0; h < 24; h++)
        {
            var count = int.Parse(await hourRows.Nth(h).Locator("td").First.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            if (count > 0)
            {
                received[h] = count;
            }
        }

        Assert.Equal(ScriptedDay.Expected.ReceivedByHour, received);
        var categories = await page.Locator("[data-testid=chart-categories-table] [data-testid=chart-categories-row] td").AllTextContentsAsync();
        Assert.Equal(["0", "1", "1", "1", "0", "0", "1", "0", "0", "1", "0", "0", "0"], categories);
        var risks = await page.Locator("[data-testid=chart-risk-table] [data-testid=chart-risk-row] td").AllTextContentsAsync();
        Assert.Equal(["3", "0", "0", "1"], risks);
        var days = await page.Locator("[data-testid=chart-days-table] [data-testid=chart-days-row] td").AllTextContentsAsync();
        Assert.Equal(["57.1", "7", "4"], days);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory.CreateDirectory("screenshots").FullName, "reports.png"), FullPage = true });

        // Excel in the provincial form's layout.
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=report-export-xlsx]").ClickAsync());
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename);
        using (var workbook = new XLWorkbook(new MemoryStream(await File.ReadAllBytesAsync(await xlsx.PathAsync()))))
        {
            var form = workbook.Worksheet(ReportWorkbook.FormSheet);
            Assert.StartsWith("陕西省 心理援助热线服务情况统计表（", form.Cell("A1").GetString());
            Assert.Equal(("西安市12356心理援助热线", 7, 4, 57.14, 3), (form.Cell("A6").GetString(), form.Cell("D6").GetValue<int>(), form.Cell("E6").GetValue<int>(), form.Cell("F6").GetValue<double>(), form.Cell("G6").GetValue<int>()));
            Assert.Equal((5, 1, 2, 1, 1, 2), (form.Cell("H6").GetValue<int>(), form.Cell("I6").GetValue<int>(), form.Cell("J6").GetValue<int>(), form.Cell("K6").GetValue<int>(), form.Cell("L6").GetValue<int>(), form.Cell("M6").GetValue<int>()));
            Assert.Equal((1, 4, 0, 1), (form.Cell("N6").GetValue<int>(), form.Cell("Q6").GetValue<int>(), form.Cell("R6").GetValue<int>(), form.Cell("S6").GetValue<int>()));
            Assert.Equal((12.5, 4.0, 50.0), (form.Cell("AR6").GetValue<double>(), form.Cell("AS6").GetValue<double>(), form.Cell("AT6").GetValue<double>()));
            Assert.Equal(("合计", 7), (form.Cell("A7").GetString(), form.Cell("D7").GetValue<int>()));
            var kpis = workbook.Worksheet(ReportWorkbook.KpiSheet);
            Assert.Equal((42.5, 28.57, 125.0), (kpis.Cell("B6").GetValue<double>(), kpis.Cell("C6").GetValue<double>(), kpis.Cell("G6").GetValue<double>()));
        }

        // CSV, UTF-8 with a byte-order mark.
        var csvDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=report-export-csv]").ClickAsync());
        var bytes = await File.ReadAllBytesAsync(await csvDownload.PathAsync());
        Assert.Equal(System.Text.Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        using var csv = CsvReader.Create(bytes, new CsvReaderOptions());
        csv.ReadHeader();
        Assert.True(csv.Read());
        Assert.Equal(("西安市12356心理援助热线", 7, 57.14, 1), (csv.GetString("热线名称"), csv.Parse<int>("来电总数"), csv.Parse<double>("接通率（%）"), csv.Parse<int>("问题类型-学业")));
    }
}
