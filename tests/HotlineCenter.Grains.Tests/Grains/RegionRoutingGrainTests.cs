using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>
/// A province: a provincial centre whose number takes every call, two city centres (西安市, 宝鸡市). Calls go to the
/// caller's city, to the province when unknown, closed or unstaffed, overflow city → province → the backup number.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RegionRoutingGrainTests(ClusterFixture fixture)
{
    private const string XianMobile = "陕西省西安市";
    private const string BackupNumber = "+862912356000";

    private sealed record Province(Scenario Provincial, Scenario Xian, Scenario Baoji);

    private async Task<Province> CreateProvinceAsync(Func<CentreConfig, CentreConfig>? xian = null)
    {
        var provincial = await Scenario.CreateAsync(fixture);
        var xa = await Scenario.CreateAsync(fixture, q => q with { OverflowTargetQueueKey = $"{provincial.CentreId}/general" });
        var bj = await Scenario.CreateAsync(fixture);
        await ReconfigureAsync(xa.CentreId, c => (xian ?? (x => x))(c with { Province = "陕西省", City = "西安市", DisplayName = "西安" }));
        await ReconfigureAsync(bj.CentreId, c => c with { Province = "陕西省", City = "宝鸡市", DisplayName = "宝鸡" });
        await ReconfigureAsync(provincial.CentreId, c => c with
        {
            DisplayName = "陕西省", Province = "陕西省", IsProvincial = true, BackupNumber = BackupNumber,
            ReportsForCentres = [xa.CentreId, bj.CentreId],
        });
        return new Province(provincial, xa, bj);
    }

    private async Task ReconfigureAsync(string centreId, Func<CentreConfig, CentreConfig> change)
    {
        var centre = fixture.Grains.GetGrain<ICentreGrain>(centreId);
        await centre.ConfigureAsync(change((await centre.GetConfigAsync())!));
    }

    /// <summary>A call to the province's number from a caller the geocoder placed in <paramref name="region"/>.</summary>
    private static async Task<CallSnapshot> CallProvinceAsync(Province p, string name, string? region, string digits = "2")
    {
        var call = p.Provincial.Call(name);
        await call.ArriveAsync(new CallArrival(p.Provincial.CentreId, "test", new CallerRef("hash-" + name, "189****4567", "enc-" + name, region), p.Provincial.NextKey()));
        await call.ChooseAsync(new IvrChoice(digits, p.Provincial.NextKey()));
        return await call.GetAsync();
    }

    [Fact]
    public async Task A_Xian_number_calling_the_province_is_answered_by_the_Xian_centre()
    {
        var p = await CreateProvinceAsync();
        var counselor = await p.Xian.AvailableCounselorAsync("li");

        var call = await CallProvinceAsync(p, "xa", XianMobile);

        Assert.Equal(p.Xian.CentreId, call.CentreId);
        Assert.Equal(p.Xian.General, call.QueueKey);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.RoutedByRegion && t.Detail!.EndsWith(": city", StringComparison.Ordinal));
        await p.Xian.WaitForStateAsync(counselor, PresenceState.Offered);
    }

    [Fact]
    public async Task The_region_is_not_kept_on_the_call()
    {
        var p = await CreateProvinceAsync();
        var counselor = await p.Xian.AvailableCounselorAsync("ma");

        var call = await CallProvinceAsync(p, "kept", XianMobile);
        await p.Xian.WaitForStateAsync(counselor, PresenceState.Offered);
        // The counsellor holds the reservation before the queue tells the call (one-way, after the saved offer).
        await p.Xian.WaitForCallAsync(p.Provincial.Call("kept"), c => c.Status == CallStatus.Offered, "the call told it is offered");
        var reference = await p.Provincial.Call("kept").GetCallerRefForAsync(counselor.GetPrimaryKeyString());

        Assert.Equal(p.Xian.CentreId, call.CentreId);
        Assert.Null(reference?.NumberRegion);
    }

    [Fact]
    public async Task An_unknown_number_goes_to_the_provincial_centre()
    {
        var p = await CreateProvinceAsync();
        await p.Xian.AvailableCounselorAsync("zhao");

        var call = await CallProvinceAsync(p, "unknown", region: null);

        Assert.Equal(p.Provincial.CentreId, call.CentreId);
        Assert.Equal(p.Provincial.General, call.QueueKey);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.RoutedByRegion && t.Detail!.EndsWith(": unknown-region", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_city_without_anyone_signed_in_sends_its_callers_to_the_province()
    {
        var p = await CreateProvinceAsync();

        var call = await CallProvinceAsync(p, "empty", XianMobile);

        Assert.Equal(p.Provincial.CentreId, call.CentreId);
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.RoutedByRegion && t.Detail!.EndsWith(": nobody-signed-in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_closed_city_centre_sends_its_callers_to_the_province()
    {
        // Xi'an opens an hour from now (China time) for 18 hours, every day: closed at this moment.
        var opens = ChinaTime.TimeOfDay(fixture.Time.GetUtcNow().AddHours(1));
        var hours = Enum.GetValues<DayOfWeek>().Select(d => new OpeningHours(d, opens, opens.AddHours(18))).ToArray();
        var p = await CreateProvinceAsync(c => c with { OpeningHours = [.. hours] });
        await p.Xian.AvailableCounselorAsync("sun");

        var closed = await CallProvinceAsync(p, "closed", XianMobile);
        Assert.Equal(p.Provincial.CentreId, closed.CentreId);
        Assert.Contains(closed.Timeline, t => t.Kind == TimelineKind.RoutedByRegion && t.Detail!.EndsWith(": city-closed", StringComparison.Ordinal));

        fixture.Time.Advance(TimeSpan.FromHours(1));
        var open = await CallProvinceAsync(p, "open", XianMobile);
        Assert.Equal(p.Xian.CentreId, open.CentreId);
    }

    [Fact]
    public async Task A_city_call_nobody_takes_overflows_to_the_province_then_to_the_backup_number_and_is_never_dropped()
    {
        var p = await CreateProvinceAsync();
        var counselor = await p.Xian.AvailableCounselorAsync("qian");
        await counselor.ChangePresenceAsync(PresenceState.Break, "test");
        var call = p.Provincial.Call("overflow");

        var routed = await CallProvinceAsync(p, "overflow", XianMobile);
        Assert.Equal(p.Xian.General, routed.QueueKey);

        // Past the city's threshold with nobody free: the provincial centre's queue.
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var atProvince = await p.Xian.WaitForCallAsync(call, c => c.QueueKey == p.Provincial.General, "call overflowed to the province");
        Assert.Equal(CallStatus.Queued, atProvince.Status);
        await Eventually.MatchesAsync(() => p.Xian.Queue(p.Xian.General).GetAsync(), q => q.Waiting.IsEmpty && q.OverflowedToday == 1, "city queue empty");
        Assert.DoesNotContain(fixture.Port.Transfers, t => t.CallId == call.GetPrimaryKeyString());

        // Past the provincial queue's threshold too: transferred to the backup number, and only then out of the queue.
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var transferred = await p.Xian.WaitForCallAsync(call, c => c.Status == CallStatus.Ended, "call transferred");
        Assert.Contains((call.GetPrimaryKeyString(), BackupNumber), fixture.Port.Transfers);
        Assert.Contains(transferred.Timeline, t => t.Kind == TimelineKind.Transferred && t.QueueKey == p.Provincial.General && t.Detail == "backup-number");
        var provincial = await Eventually.MatchesAsync(() => p.Provincial.Queue(p.Provincial.General).GetAsync(), q => q.Waiting.IsEmpty, "provincial queue empty");
        Assert.Equal(1, provincial.OverflowedToday);
    }

    [Fact]
    public async Task A_transfer_the_provider_refuses_keeps_the_call_waiting_in_the_province()
    {
        var p = await CreateProvinceAsync();
        var call = p.Provincial.Call("refused");
        fixture.Port.RefuseTransfers[call.GetPrimaryKeyString()] = true;

        await CallProvinceAsync(p, "refused", region: null);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        var waiting = await p.Provincial.WaitForCallAsync(call, c => c.Timeline.Any(t => t.Kind == TimelineKind.OverflowUnavailable && t.Detail == "backup: 13224"), "transfer refused");
        Assert.Equal(CallStatus.Queued, waiting.Status);
        Assert.Equal([call.GetPrimaryKeyString()], (await p.Provincial.Queue(p.Provincial.General).GetAsync()).Waiting.Select(w => w.CallId));
    }
}
