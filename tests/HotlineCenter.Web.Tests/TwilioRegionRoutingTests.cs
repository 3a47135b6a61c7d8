using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The province's number through the real host and Twilio's webhooks (issue 13): Twilio's <c>To</c> is the province's
/// number, <c>From</c> a caller's; the call ends in the queue of the caller's city, or the province's when unknown.
/// </summary>
public sealed class TwilioRegionRoutingTests : IAsyncLifetime
{
    private const string XianMobile = "+8618991234567";
    private const string BaojiLandline = "+869173212345";

    // 10:00 China time: the Baoji centre (06–24) is open.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero));
    private TwilioHost _t = default!;

    public async Task InitializeAsync()
    {
        _t = await TwilioHost.StartAsync(_clock, settings: new Dictionary<string, string> { [$"Twilio:CentreByNumber:{DemoProvince.Number}"] = DemoProvince.Id });
        await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICounselorGrain>("c-baoji-sun").GetAsync(), c => c.Profile is not null, "province seeded");
        // Signed in (so the city answers) but on a break (so the call stays in the queue to be seen there).
        foreach (var counselor in new[] { "c-wang", "c-baoji-sun" })
        {
            await _t.Grains.GetGrain<ICounselorGrain>(counselor).ChangePresenceAsync(PresenceState.Available, "test");
            await _t.Grains.GetGrain<ICounselorGrain>(counselor).ChangePresenceAsync(PresenceState.Break, "test");
        }
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private async Task<CallSnapshot> CallProvinceAsync(string from)
    {
        var sid = TwilioDriver.NewCallSid();
        var menu = await _t.Driver.PressAsync(await _t.Driver.IncomingAsync(sid, from, DemoProvince.Number), sid, from, DemoProvince.Number, "2");
        Assert.NotNull(menu.Twiml.Root!.Element("Dial")?.Element("Conference"));
        return await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
    }

    [Fact]
    public async Task A_call_to_the_province_number_from_a_Xian_mobile_waits_in_the_Xian_queue()
    {
        var call = await CallProvinceAsync(XianMobile);

        Assert.Equal((DemoCentre.Id, $"{DemoCentre.Id}/general", CallStatus.Queued), (call.CentreId, call.QueueKey, call.Status));
        Assert.Contains(call.Timeline, t => t.Kind == TimelineKind.RoutedByRegion);
    }

    [Fact]
    public async Task A_call_to_the_province_number_from_a_Baoji_landline_waits_in_the_Baoji_queue()
    {
        var call = await CallProvinceAsync(BaojiLandline);

        Assert.Equal((DemoProvince.BaojiId, $"{DemoProvince.BaojiId}/general"), (call.CentreId, call.QueueKey));
    }

    [Fact]
    public async Task A_withheld_number_calling_the_province_waits_in_the_provincial_queue()
    {
        var call = await CallProvinceAsync("anonymous");

        Assert.Equal((DemoProvince.Id, $"{DemoProvince.Id}/general"), (call.CentreId, call.QueueKey));
    }

    [Fact]
    public async Task A_provincial_call_nobody_takes_is_redirected_to_the_backup_line_and_only_then_leaves_the_queue()
    {
        var call = await CallProvinceAsync("anonymous");

        // The provincial queue's threshold (180 s) passes with nobody signed in there.
        _clock.Advance(TimeSpan.FromSeconds(181));
        var redirect = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path == $"/Calls/{call.CallId}.json" && r.Field("Twiml") is not null)),
            r => r is not null, "the caller's call redirected");
        var ended = await Eventually.MatchesAsync(() => _t.Grains.GetGrain<ICallGrain>(call.CallId).GetAsync(), c => c.Status == CallStatus.Ended, "call transferred");

        Assert.Contains($"<Number>{DemoProvince.BackupNumber}</Number>", redirect!.Field("Twiml"), StringComparison.Ordinal);
        Assert.Contains(ended.Timeline, t => t.Kind == TimelineKind.Transferred && t.Detail == "backup-number");
        var queue = await _t.Grains.GetGrain<HotlineCenter.Abstractions.Queues.IQueueGrain>($"{DemoProvince.Id}/general").GetAsync();
        Assert.DoesNotContain(queue.Waiting, w => w.CallId == call.CallId);
    }

    [Fact]
    public async Task The_Xian_hotline_number_still_reaches_Xian_whatever_the_callers_region()
    {
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, BaojiLandline, "2");

        Assert.Equal(DemoCentre.Id, (await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).CentreId);
    }
}
