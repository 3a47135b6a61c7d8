using System.Collections.Immutable;
using Bunit;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Abstractions.Reports;
using HotlineCenter.Web.Components.Province;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fakes;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests;

/// <summary>The province board (/province): a row per centre, from its live picture, today's figures and its opening hours.</summary>
public sealed class ProvinceBoardTests : ConsoleTestContext
{
    private static ProvinceCentreRow Row(string id, string name, bool open = true, bool provincial = false) =>
        new(id, name, provincial, open, Waiting: 3, CrisisWaiting: 1, AnsweredToday: 42, CrisisCallsToday: 2, OpenCrisisCases: 1, SignedIn: 5, Available: 2);

    [Fact]
    public void Each_centre_shows_waiting_answered_crisis_open_cases_opening_and_who_is_signed_in()
    {
        var board = Render<ProvinceBoardPanel>(p => p.Add(x => x.Rows,
        [
            Row("sx-12356", "陕西省12356（省级）", provincial: true),
            Row("xa-12356", "西安市12356") with { CrisisWaiting = 0, OpenCrisisCases = 0 },
            Row("baoji-12356", "宝鸡市12356", open: false) with { Waiting = 0, CrisisWaiting = 0, SignedIn = 0, Available = 0 },
        ]));

        string Cell(string centre, string cell) => board.Find($"[data-testid=province-row-{centre}] [data-testid=province-{cell}]").TextContent.Trim();
        Assert.Equal(["sx-12356", "xa-12356", "baoji-12356"], board.FindAll("tbody tr").Select(r => r.GetAttribute("data-testid")!["province-row-".Length..]));
        Assert.Contains("省级", Cell("sx-12356", "name"));
        Assert.DoesNotContain("省级", Cell("xa-12356", "name"));
        Assert.StartsWith("3", Cell("sx-12356", "waiting"), StringComparison.Ordinal);
        Assert.Contains("（危机 1）", Cell("sx-12356", "waiting"), StringComparison.Ordinal);
        Assert.Equal("3", Cell("xa-12356", "waiting"));
        Assert.Equal(("42", "2", "1"), (Cell("sx-12356", "answered"), Cell("sx-12356", "crisis-calls"), Cell("sx-12356", "open-cases")));
        Assert.Equal("5（空闲 2）", Cell("xa-12356", "signed-in"));
        Assert.Equal(("服务中", "非服务时间"), (Cell("xa-12356", "open"), Cell("baoji-12356", "open")));
        Assert.Contains("今日危机来电", board.Markup);
    }

    [Fact]
    public void A_row_counts_the_live_picture_and_the_opening_hours_at_this_moment()
    {
        var waiting = new WaitingCallView("CA1", 1, IsCrisis: true, 100, Start, null, false);
        var calm = waiting with { CallId = "CA2", IsCrisis = false };
        var live = new CentreLiveSnapshot("baoji-12356", 1,
            [new QueueSnapshot("baoji-12356/general", "综合", [waiting, calm], 1, 0, 7, 0, Start)],
            [Counselor("a", PresenceState.Available), Counselor("b", PresenceState.OnCall), Counselor("c", PresenceState.Offline)],
            [], Start);
        var today = DayStats.Empty with { Answered = 7, CrisisCalls = 3 };

        // 14:00 China time: open 06–24; at 03:00 closed.
        var open = ProvinceCentreRow.From(DemoProvince.Baoji, live, today, openCrisisCases: 2, Start);
        var night = ProvinceCentreRow.From(DemoProvince.Baoji, live, today, openCrisisCases: 2, Start.AddHours(13));

        Assert.Equal(new ProvinceCentreRow("baoji-12356", DemoProvince.Baoji.DisplayName, false, true, 2, 1, 7, 3, 2, 2, 1), open);
        Assert.False(night.OpenNow);
    }

    private static CounselorSnapshot Counselor(string id, PresenceState state) =>
        new(id, null, state, Start, null, null, null, null, []);
}

/// <summary>The board's service in the real host: the provincial supervisor sees the province, a city supervisor is refused.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ProvinceServiceTests(SharedHostFixture fixture)
{
    [Fact]
    public async Task The_provincial_supervisor_sees_the_province_and_a_city_supervisor_is_refused()
    {
        await Eventually.MatchesAsync(() => fixture.Host.Grains.GetGrain<ICentreGrain>(DemoProvince.Id).GetConfigAsync(), c => c is not null, "province seeded");
        using var provincial = CircuitScope.As(fixture.Host.Services, "s-tang", StaffRole.Provincial, DemoProvince.Id);
        using var city = CircuitScope.As(fixture.Host.Services, "s-zhou", StaffRole.Supervisor, DemoCentre.Id);
        var province = provincial.ServiceProvider.GetRequiredService<ProvinceService>();

        var centres = await province.GetCentresAsync();
        var live = await fixture.Host.Grains.GetGrain<ICentreFeedGrain>(DemoCentre.Id).GetAsync();
        var xian = await province.GetRowAsync(DemoCentre.Id, live);
        var refused = await Assert.ThrowsAsync<HotlineRuleException>(() => city.ServiceProvider.GetRequiredService<ProvinceService>().GetCentresAsync());

        Assert.Equal([DemoProvince.Id, DemoCentre.Id, DemoProvince.BaojiId], centres);
        Assert.Equal(DemoCentre.Config.DisplayName, xian!.DisplayName);
        Assert.Equal("province.not-provincial", refused.Code);
    }

    [Fact]
    public async Task A_city_supervisor_opening_the_province_board_is_denied()
    {
        var response = await fixture.Client.GetAsync("/province");

        Assert.NotEqual(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("宝鸡", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
