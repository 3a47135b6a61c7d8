using System.Net;
using HotlineCenter.Abstractions.Audit;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Retention;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// The retention purge in the real host on the real Redis: a call three years old is deleted from Redis (its keys gone,
/// not emptied), and the run is an entry of the centre's audit chain with counts only.
/// </summary>
public sealed class RetentionHostTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HotlineHost _host = default!;

    public async Task InitializeAsync()
    {
        _host = new HotlineHost(HotlineHost.NewServiceId(), _clock);
        using var client = _host.CreateClient();
        await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "host ready");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_purge_deletes_the_expired_call_from_redis_and_is_audited_with_counts_only()
    {
        var caller = _host.Services.GetRequiredService<SimulatedCaller>();
        var (callId, _) = await caller.PlaceCallAsync(DemoCentre.Id, "2", "+8613700002222");
        await caller.HangUpAsync(callId);
        var retention = _host.Grains.GetGrain<IRetentionGrain>(DemoCentre.Id);
        await Eventually.MatchesAsync(retention.GetDaysAsync, d => d.Length == 1, "the call's day indexed");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(HotlineHost.Redis);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        async Task<int> CallKeysAsync()
        {
            var n = 0;
            await foreach (var _ in server.KeysAsync(pattern: $"*{callId}*", pageSize: 500))
            {
                n++;
            }

            return n;
        }

        var keysBefore = await CallKeysAsync();
        var early = await retention.PurgeNowAsync();
        _clock.Advance(TimeSpan.FromDays(3 * 365 + 2));
        var run = await retention.PurgeNowAsync();

        Assert.True(keysBefore > 0, "the call is stored before the purge");
        Assert.Equal((0, 0), (early.Calls, early.Kept));
        Assert.Equal((1, 0, 1), (run.Calls, run.Kept, run.DaysDropped));
        Assert.Null((await _host.Grains.GetGrain<ICallGrain>(callId).GetAsync()).ArrivedAt);
        Assert.Equal(0, await CallKeysAsync());

        var entries = await AuditEntries.WaitForAsync(_host.Grains, DemoCentre.Id, e => e.Kind == AuditKind.Purge && e.Detail.Contains("calls=1", StringComparison.Ordinal), "the purge audited");
        var purges = entries.Where(e => e.Kind == AuditKind.Purge && e.Target == $"retention:{DemoCentre.Id}").ToList();
        Assert.Equal(2, purges.Count);
        Assert.All(purges, p => Assert.Equal((AuditChains.SystemActor, AuditOutcome.Succeeded), (p.Actor, p.Outcome)));
        Assert.Equal(run.AuditDetail, purges[^1].Detail);
        Assert.DoesNotContain(callId, purges[^1].Detail, StringComparison.Ordinal);
    }
}
