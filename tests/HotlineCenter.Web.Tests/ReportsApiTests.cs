using System.Net;
using ClosedXML.Excel;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Reports;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>The report downloads over HTTP against the real host: the file for a supervisor, a reason for every bad request.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ReportsApiTests(SharedHostFixture fixture)
{
    private async Task<HttpClient> ClientAsync(string username)
    {
        var client = fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(client, username);
        return client;
    }

    [Fact]
    public async Task A_supervisor_downloads_a_month_in_the_provincial_form_and_as_csv()
    {
        using var client = await ClientAsync("s-zhou");

        var xlsx = await client.GetAsync("/api/reports/report.xlsx?centres=xa-12356&from=2026-11-01&to=2026-11-30");
        var csv = await client.GetAsync("/api/reports/report.csv?centres=xa-12356&from=2026-11-01&to=2026-11-30");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (xlsx.StatusCode, csv.StatusCode));
        Assert.Equal(ReportWorkbook.ContentType, xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("20261101-20261130", xlsx.Content.Headers.ContentDisposition?.FileNameStar ?? string.Empty);
        using var workbook = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        Assert.Equal("陕西省 心理援助热线服务情况统计表（2026年11月）", workbook.Worksheet(ReportWorkbook.FormSheet).Cell("A1").GetString());
        Assert.Equal("西安市12356心理援助热线", workbook.Worksheet(ReportWorkbook.FormSheet).Cell("A6").GetString());
        var exports = (await AuditEntries.OfAsync(fixture.Host.Grains, "xa-12356"))
            .Where(e => e.Kind == HotlineCenter.Abstractions.Audit.AuditKind.Export && e.Target == "report:xa-12356").Select(e => e.Detail).ToList();
        Assert.Contains("xlsx 2026-11-01/2026-11-30", exports);
        Assert.Contains("csv 2026-11-01/2026-11-30", exports);
    }

    [Theory]
    [InlineData("/api/reports/report.xlsx?from=2026-11-01&to=2026-11-30", 400)]
    [InlineData("/api/reports/report.xlsx?centres=xa-12356&from=2026-13-01&to=2026-11-30", 400)]
    [InlineData("/api/reports/report.csv?centres=xa-12356&from=2026-11-30&to=2026-11-01", 400)]
    [InlineData("/api/reports/report.csv?centres=xa-12356&from=2025-01-01&to=2026-11-30", 400)]
    [InlineData("/api/reports/report.csv?centres=XA!&from=2026-11-01&to=2026-11-30", 400)]
    [InlineData("/api/reports/report.xlsx?centres=bj-12356&from=2026-11-01&to=2026-11-30", 403)]
    [InlineData("/api/reports/report.xlsx?centres=xa-12356,bj-12356&from=2026-11-01&to=2026-11-30", 403)]
    [InlineData("/api/reports/daily/xa-12356/2026-11-31.xlsx", 400)]
    [InlineData("/api/reports/daily/bj-12356/2026-11-24.xlsx", 403)]
    [InlineData("/api/reports/daily/xa-12356/2001-01-01.xlsx", 404)]
    public async Task A_bad_report_request_is_refused_with_its_reason(string path, int status)
    {
        using var client = await ClientAsync("s-zhou");

        var response = await client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("c-wang")]
    [InlineData("auditor")]
    public async Task Counselors_and_auditors_download_no_report(string username)
    {
        using var client = await ClientAsync(username);

        var response = await client.GetAsync("/api/reports/report.csv?centres=xa-12356&from=2026-11-01&to=2026-11-30");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_provincial_centre_reports_on_its_city_centres_and_no_other()
    {
        var grains = fixture.Host.Grains;
        var province = "sx" + Guid.NewGuid().ToString("N")[..8];
        var city = "xy" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (id, name, reportsFor) in new[] { (city, "咸阳市心理援助热线", Array.Empty<string>()), (province, "陕西省心理援助热线", new[] { city }) })
        {
            await grains.GetGrain<ICentreGrain>(id).ConfigureAsync(new CentreConfig
            {
                CentreId = id, DisplayName = name, Province = "陕西省", DefaultQueueId = "general", ReportsForCentres = [.. reportsFor],
                Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合" }],
                IvrOptions = [new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null)],
            });
        }

        using var scope = fixture.Host.Services.CreateScope();
        var reports = scope.ServiceProvider.GetRequiredService<ReportService>();
        var centres = await reports.CentresForAsync(province);
        var report = await reports.GetReportAsync(province, [province, city], ReportPeriod.Of(ReportPeriodKind.Week, reports.Today));
        var refused = await Assert.ThrowsAsync<HotlineCenter.Abstractions.Common.HotlineRuleException>(() => reports.GetReportAsync(city, [province], new ReportPeriod(reports.Today, reports.Today)));

        Assert.Equal([province, city], centres.Select(c => c.CentreId));
        Assert.Equal(["陕西省心理援助热线", "咸阳市心理援助热线", "合计"], ReportColumns.Rows(report).Select(r => r.Name));
        Assert.Equal(7, report.Centres[0].Days.Length);
        Assert.Equal("report.centre-not-allowed", refused.Code);
    }
}

/// <summary>The desk's side of record parts, through the real DeskService and grains: each counsellor of a re-queued call finishes their own.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class DeskRecordPartsTests(SharedHostFixture fixture)
{
    [Fact]
    public async Task A_call_requeued_to_a_second_counselor_is_a_record_to_finish_for_each_and_each_submits_their_own_part()
    {
        var grains = fixture.Host.Grains;
        var centre = "rp" + Guid.NewGuid().ToString("N")[..8];
        await grains.GetGrain<ICentreGrain>(centre).ConfigureAsync(new CentreConfig
        {
            CentreId = centre, DisplayName = "测试中心", DefaultQueueId = "general",
            Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合", WrapUpSeconds = 60 }],
            IvrOptions =
            [
                new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
                new IvrOption("2", "一般", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: null, Language: null),
            ],
        });
        var (first, second) = ($"{centre}-wang", $"{centre}-li");
        foreach (var (id, name) in new[] { (first, "王"), (second, "李") })
        {
            await grains.GetGrain<ICounselorGrain>(id).SetProfileAsync(new CounselorProfile(centre, name, [new SkillLevel("general", 3)], ["cmn"], ["general"]));
            await grains.GetGrain<ICentreGrain>(centre).AddCounselorAsync(id);
        }

        using var scope = fixture.Host.Services.CreateScope();
        var desk = scope.ServiceProvider.GetRequiredService<DeskService>();
        var call = grains.GetGrain<ICallGrain>("CA" + centre);
        var callId = call.GetPrimaryKeyString();
        await desk.SetPresenceAsync(first, PresenceState.Available);
        await call.ArriveAsync(new CallArrival(centre, "test", new CallerRef("h" + centre, "138****0000", "enc"), $"{callId}:arrive"));
        await call.ChooseAsync(new IvrChoice("2", $"{callId}:menu"));
        await Eventually.MatchesAsync(() => grains.GetGrain<ICounselorGrain>(first).GetAsync(), c => c.State == PresenceState.Offered, "offered to the first");
        await desk.AcceptAsync(first, callId);
        await Eventually.MatchesAsync(call.GetAsync, c => c.Status == CallStatus.Connected, "connected to the first");
        await desk.SaveDraftAsync(callId, new ContactRecord { ProblemCategories = ["家庭"] }, first);

        // The first counsellor's leg drops; the caller is back in the queue and the second answers.
        await call.ApplyAsync(new ProviderEvent(ProviderEventKind.CounselorHungUp, $"{callId}:leg-dropped", DateTimeOffset.UtcNow, first));
        await desk.SetPresenceAsync(second, PresenceState.Available);
        await Eventually.MatchesAsync(() => grains.GetGrain<ICounselorGrain>(second).GetAsync(), c => c.State == PresenceState.Offered, "offered to the second");
        await desk.AcceptAsync(second, callId);
        await Eventually.MatchesAsync(call.GetAsync, c => c.Status == CallStatus.Connected && c.CounselorId == second, "connected to the second");
        await desk.EndCallAsync(second, callId);

        var firstToFinish = await desk.GetRecordsToFinishAsync(first, null);
        var secondToFinish = await desk.GetRecordsToFinishAsync(second, null);
        var firstFacts = await desk.GetRecordFactsAsync(callId, first);
        var complete = new ContactRecord { Risk = RiskLevel.NoneOrLow, ProblemCategories = ["家庭"], Outcome = "已转接", AgeBand = "unknown", Gender = "unknown" };
        await desk.SubmitRecordAsync(callId, complete, first);
        var afterFirst = await desk.GetRecordsToFinishAsync(second, null);
        await desk.SubmitRecordAsync(callId, complete with { Outcome = "情绪平稳" }, second);

        Assert.Equal((callId, RecordStatus.Draft), (Assert.Single(firstToFinish).CallId, firstToFinish[0].RecordStatus));
        Assert.Equal((callId, RecordStatus.Empty), (Assert.Single(secondToFinish).CallId, secondToFinish[0].RecordStatus));
        Assert.Single(afterFirst);
        Assert.Empty(await desk.GetRecordsToFinishAsync(first, null));
        Assert.Empty(await desk.GetRecordsToFinishAsync(second, null));
        Assert.Equal(("王", "综合"), (firstFacts.CounselorName, firstFacts.QueueName));
        Assert.NotNull(firstFacts.EndedAt);
        Assert.Equal(("已转接", "情绪平稳"), ((await desk.GetRecordAsync(callId, first)).Record.Outcome, (await desk.GetRecordAsync(callId, second)).Record.Outcome));
    }
}
