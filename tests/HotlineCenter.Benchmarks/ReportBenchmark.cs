using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains;
using HotlineCenter.Grains.Reports;
using HotlineCenter.Web.Components.Reports;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Reports;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace HotlineCenter.Benchmarks;

/// <summary>
/// Month report over a centre with <c>--calls</c> calls (ops/bench-reports.sh). One day of the month is fed through the
/// real counting path (every call's events into its hour grains, which hand their figures to the day grain); the other
/// days get the day-grain state that path produces, for the same number of calls a day. Then, in a fresh silo on the
/// same Redis (so every day grain is read from storage), the month report is read through <see cref="ReportService"/>
/// and rendered (KPI tiles, the four charts with their tables, as HTML), and the Excel and CSV files are written.
/// </summary>
public static class ReportBenchmark
{
    private static readonly string[] Categories = [.. ContactRecord.Categories];

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var inv = CultureInfo.InvariantCulture;
        var redis = options.GetValueOrDefault("redis") ?? "127.0.0.1:6379";
        var calls = int.Parse(options.GetValueOrDefault("calls", "100000"), inv);
        var repeats = int.Parse(options.GetValueOrDefault("repeats", "20"), inv);
        var month = new DateOnly(2026, 11, 1);
        var days = month.AddMonths(1).AddDays(-1).Day;
        var perDay = (int)Math.Ceiling(calls / (double)days);
        var centreId = "bench-" + Guid.NewGuid().ToString("N")[..8];

        Console.WriteLine($"Report benchmark: centre {centreId}, {calls:N0} calls in {month:yyyy-MM} ({perDay:N0} a day), Redis {redis}");
        using (var seeding = await StartSiloAsync(redis))
        {
            var grains = seeding.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ICentreGrain>(centreId).ConfigureAsync(new CentreConfig
            {
                CentreId = centreId, DisplayName = "基准测试中心", Province = "陕西省", City = "西安市", DefaultQueueId = "general",
                Queues = [new QueueConfig { QueueId = "general", DisplayName = "综合" }],
                IvrOptions = [new IvrOption("1", "我现在有危险", "general", true, 100, null, null)],
            });

            // Day 15 through the real path: every event of every call into its hour grain, replays included.
            var realDay = month.AddDays(14);
            var clock = Stopwatch.StartNew();
            var events = 0;
            for (var i = 0; i < perDay; i++)
            {
                foreach (var (at, e) in EventsOfCall(centreId, realDay, i))
                {
                    await grains.GetGrain<IHourStatsGrain>(StatsCounter.HourKey(centreId, at)).RecordAsync(e);
                    events++;
                }
            }

            var day = grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(centreId, realDay));
            DayFigures real;
            do
            {
                await Task.Delay(50);
                real = await day.GetFiguresAsync();
            }
            while (real.Total.Received < perDay || real.Total.RecordsSubmitted < perDay * 9 / 10 && clock.Elapsed < TimeSpan.FromMinutes(10));

            Console.WriteLine($"real event path: {perDay:N0} calls, {events:N0} events (every tenth re-sent) counted in {clock.Elapsed.TotalSeconds:F1} s ({events / clock.Elapsed.TotalSeconds:N0} events/s); day received {real.Total.Received:N0}, answered {real.Total.Answered:N0}");

            // The other days: the hour figures that path produced, handed to each day grain as its hours would.
            clock.Restart();
            for (var d = 0; d < days; d++)
            {
                var date = month.AddDays(d);
                if (date == realDay)
                {
                    continue;
                }

                var target = grains.GetGrain<IStatsGrain>(StatsCounter.DayKey(centreId, date));
                await Task.WhenAll(Enumerable.Range(0, 24).Select(h => target.HourChangedAsync(h, 1, real.Hours[h])));
            }

            Console.WriteLine($"other {days - 1} days seeded with the same hours in {clock.Elapsed.TotalSeconds:F1} s");
            await seeding.StopAsync();
        }

        using var silo = await StartSiloAsync(redis);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLocalization();
        services.AddMudServices();

        // Rendered to HTML as the server prerenders the page: no browser, so nothing may call into JavaScript.
        services.AddSingleton<Microsoft.JSInterop.IJSRuntime, NoJavaScript>();
        using var provider = services.BuildServiceProvider();
        var report = new ReportService(silo.Services.GetRequiredService<IGrainFactory>(), HotlineTime.System, new RendersOnly(), NullLogger<ReportService>.Instance);
        var period = ReportPeriod.Of(ReportPeriodKind.Month, month);
        await using var html = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());

        var cold = await MeasureAsync(report, html, centreId, period);
        Console.WriteLine($"cold (fresh silo, {days} day grains read from Redis): read {cold.Read:F0} ms, render {cold.Render:F0} ms, xlsx {cold.Xlsx:F0} ms, csv {cold.Csv:F0} ms; month received {cold.Received:N0}");
        var warm = new List<Measure>();
        for (var i = 0; i < repeats; i++)
        {
            warm.Add(await MeasureAsync(report, html, centreId, period));
        }

        static string P(IEnumerable<double> v) { var s = v.Order().ToArray(); return $"p50 {s[s.Length / 2]:F1} ms, max {s[^1]:F1} ms"; }
        Console.WriteLine($"warm ({repeats} runs): read {P(warm.Select(w => w.Read))}; render {P(warm.Select(w => w.Render))}; xlsx {P(warm.Select(w => w.Xlsx))}; csv {P(warm.Select(w => w.Csv))}");
        var worst = warm.Append(cold).Max(m => m.Read + m.Render);
        Console.WriteLine($"month report read + rendered: worst {worst:F0} ms (target < 1000 ms) — {(worst < 1000 ? "met" : "NOT met")}");
        await silo.StopAsync();
        return cold.Received >= calls && worst < 1000 ? 0 : 1;
    }

    private sealed record Measure(double Read, double Render, double Xlsx, double Csv, int Received);

    private static async Task<Measure> MeasureAsync(ReportService service, HtmlRenderer html, string centreId, ReportPeriod period)
    {
        var clock = Stopwatch.StartNew();
        var report = await service.GetReportAsync(centreId, [centreId], period);
        var read = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var length = await html.Dispatcher.InvokeAsync(async () =>
        {
            var total = (await html.RenderComponentAsync<ReportKpis>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Figures"] = report.Total }))).ToHtmlString().Length;
            foreach (var (title, labels, series) in Charts(report))
            {
                total += (await html.RenderComponentAsync<ReportChart>(ParameterView.FromDictionary(new Dictionary<string, object?>
                {
                    ["Title"] = title, ["TestId"] = title, ["Labels"] = labels, ["Series"] = series,
                }))).ToHtmlString().Length;
            }

            return total;
        });
        var render = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var xlsx = ReportWorkbook.Write(report, new ReportFiler("基准测试中心", "bench", period.To)).Length;
        var xlsxMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var csv = ReportCsv.Write(report).Length;
        var csvMs = clock.Elapsed.TotalMilliseconds;
        return length > 0 && xlsx > 0 && csv > 0 ? new Measure(read, render, xlsxMs, csvMs, report.Total.Received) : throw new InvalidOperationException("empty output");
    }

    /// <summary>The four charts of the page with the same series it draws.</summary>
    private static IEnumerable<(string Title, string[] Labels, IReadOnlyList<(string, double[])> Series)> Charts(Report r)
    {
        yield return ("hours", [.. Enumerable.Range(0, 24).Select(h => h.ToString("00", CultureInfo.InvariantCulture))],
            [("received", [.. r.ByHourOfDay.Select(f => (double)f.Received)]), ("answered", [.. r.ByHourOfDay.Select(f => (double)f.Answered)])]);
        yield return ("days", [.. r.ByDay.Select(d => d.Day.ToString("MM-dd", CultureInfo.InvariantCulture))], [("rate", [.. r.ByDay.Select(d => (d.Figures.AnswerRate ?? 0) * 100)])]);
        yield return ("categories", Categories, [("calls", [.. Categories.Select(c => (double)r.Total.CountOf(r.Total.Categories, c))])]);
        yield return ("risk", ["NoneOrLow", "Moderate", "High", "Imminent"], [("calls", [.. new[] { "NoneOrLow", "Moderate", "High", "Imminent" }.Select(k => (double)r.Total.CountOf(r.Total.RiskLevels, k))])]);
    }

    /// <summary>What the call, record, case and survey grains send for one call, with every tenth event sent twice.</summary>
    private static IEnumerable<(DateTimeOffset At, StatsEvent Event)> EventsOfCall(string centreId, DateOnly day, int i)
    {
        // Calls weighted towards the evening (18:00–22:00), as the hotline reports describe.
        var hour = (i * 7919 % 100) switch { < 35 => 18 + (i % 4), < 55 => 8 + (i % 10), _ => i % 24 };
        var at = ChinaTime.At(day, new TimeOnly(hour, i % 60, (i * 13) % 60));
        var id = $"CA{centreId}{day:MMdd}{i:D6}";
        var answered = i % 10 != 0;
        var wait = i * 37 % 90;
        var list = new List<StatsEvent>
        {
            new($"{id}:Received", CallOutcome.Received, 0, false),
            new($"{id}:CallerOrigin", CallOutcome.CallerOrigin, 0, false, i % 3 == 0 ? "out-of-area" : "local"),
        };
        if (answered)
        {
            list.Add(new($"{id}:Answered", CallOutcome.Answered, wait, false));
            list.Add(new($"{id}:Handled", CallOutcome.Handled, 300 + (i * 53 % 1500), false));
            list.Add(new($"{id}:record:category", CallOutcome.Category, 0, false, Categories[i % Categories.Length]));
            list.Add(new($"{id}:record:age", CallOutcome.AgeBand, 0, false, RecordChoices.AgeBands[i % RecordChoices.AgeBands.Length]));
            list.Add(new($"{id}:record:gender", CallOutcome.Gender, 0, false, RecordChoices.Genders[i % 3]));
            list.Add(new($"{id}:record:risk", CallOutcome.Risk, 0, false, (i % 50 == 0 ? RiskLevel.High : RiskLevel.NoneOrLow).ToString()));
            list.Add(new($"{id}:record:submitted", CallOutcome.RecordSubmitted, 0, false));
            list.Add(new($"{id}:Satisfaction", CallOutcome.Satisfaction, 1 + (i % 5), false));
        }
        else
        {
            list.Add(new($"{id}:Abandoned", CallOutcome.Abandoned, wait, false));
        }

        foreach (var e in list)
        {
            yield return (at, e with { At = at });
        }

        if (i % 10 == 1)
        {
            yield return (at, list[0] with { At = at });
        }
    }

    private static async Task<IHost> StartSiloAsync(string redis)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 21112, gatewayPort: 31001);
            ConfigurationOptions Redis()
            {
                var o = ConfigurationOptions.Parse(redis);
                o.AbortOnConnectFail = false;
                o.SocketManager = SocketManager.ThreadPool;
                return o;
            }

            silo.AddRedisGrainStorage(StorageNames.Hotline, o => o.ConfigurationOptions = Redis());
            silo.UseRedisReminderService(o => o.ConfigurationOptions = Redis());
            silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
            silo.Services.AddSingleton<ITelephonyPort, NoTelephony>();
            silo.Services.AddHotlineGrains();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class NoJavaScript : Microsoft.JSInterop.IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => throw new InvalidOperationException($"{identifier} called while prerendering.");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => InvokeAsync<TValue>(identifier, args);
    }

    private sealed class NoTelephony : ITelephonyPort
    {
        public string Name => "bench";

        public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CallBackCallerAsync(string callId, Abstractions.Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task HangUpAsync(string callId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The benchmark renders reports and downloads none: an export here is a mistake.</summary>
internal sealed class RendersOnly : HotlineCenter.Web.Consoles.IExportAudit
{
    public Task RecordExportAsync(HotlineCenter.Web.Consoles.ExportAuditEntry entry, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The report benchmark does not export.");
}
