using System.Text;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace HotlineCenter.Web.Tests;

/// <summary>
/// No caller number in clear anywhere: calls with known numbers (withheld ones too) go through the real host with
/// both providers, then every Redis value (all types, grain state decoded as UTF-8) and every log line are scanned.
/// </summary>
public sealed class NoPlaintextNumberTests
{
    // Numbers no other test uses, in every form they could leak in: E.164, national, digits only, with the trunk 0.
    private static readonly string[] Numbers = ["+8613987654321", "+862987650043", "+8618611112222", "+8615500001111"];

    private static IEnumerable<string> Forms(string e164)
    {
        var national = e164[3..];
        yield return e164;
        yield return e164[1..];
        yield return national;
        if (!national.StartsWith('1'))
        {
            yield return "0" + national;
        }
    }

    [Fact]
    public async Task Calls_through_both_providers_leave_no_number_in_redis_or_the_logs()
    {
        var logs = Directory.CreateTempSubdirectory("hotline-logs").FullName;
        var logSettings = new Dictionary<string, string> { ["Serilog:File:Path"] = Path.Combine(logs, "hotline-.json"), ["Serilog:MinimumLevel:Default"] = "Debug" };
        var serviceIds = new List<string>();

        await using (var simulated = new HotlineHost(HotlineHost.NewServiceId(), settings: logSettings))
        {
            serviceIds.Add(simulated.ServiceId);
            _ = simulated.Server;
            await Eventually.MatchesAsync(() => simulated.Grains.GetGrain<HotlineCenter.Abstractions.Accounts.IUserAccountGrain>("s-zhou").GetAsync(), a => a is not null, "seeded");
            var caller = simulated.Services.GetRequiredService<SimulatedCaller>();
            var (first, _) = await caller.PlaceCallAsync("xa-12356", "2", Numbers[0]);
            var (second, _) = await caller.PlaceCallAsync("xa-12356", "1", Numbers[1]);
            var (withheld, _) = await caller.PlaceCallAsync("xa-12356", "2", "anonymous");
            foreach (var id in new[] { first, second, withheld })
            {
                await caller.HangUpAsync(id);
            }
        }

        var twilio = await TwilioHost.StartAsync(settings: logSettings);
        await using (twilio)
        {
            serviceIds.Add(twilio.Host.ServiceId);
            foreach (var (from, digits) in new[] { (Numbers[2], "2"), (Numbers[3], "1"), ("+266696687", "2"), ("Restricted", "2"), ("", "2") })
            {
                var sid = TwilioDriver.NewCallSid();
                await twilio.CallInAsync(sid, from, digits);
                await twilio.Driver.LegStatusAsync(TwilioHost.CallerStatusUrl, sid, "completed", 2);
                var call = await twilio.Grains.GetGrain<ICallGrain>(sid).GetAsync();
                Assert.NotEqual(CallStatus.New, call.Status);
            }
        }

        var hits = new List<string>();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(HotlineHost.Redis);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();
        var scanned = 0;
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
        {
            scanned++;
            foreach (var value in await ValuesAsync(db, key))
            {
                foreach (var form in Numbers.SelectMany(Forms))
                {
                    if (value.Contains(form, StringComparison.Ordinal) || key.ToString().Contains(form, StringComparison.Ordinal))
                    {
                        hits.Add($"redis {key}: {form}");
                    }
                }
            }
        }

        var logText = string.Concat(Directory.GetFiles(logs).Select(File.ReadAllText));
        foreach (var form in Numbers.SelectMany(Forms))
        {
            if (logText.Contains(form, StringComparison.Ordinal))
            {
                hits.Add($"log: {form}");
            }
        }

        Assert.True(scanned > 0 && logText.Length > 0, $"nothing scanned ({scanned} keys, {logText.Length} log characters)");
        Assert.Contains(serviceIds, id => logText.Length > 0 && id.Length > 0);
        Assert.Empty(hits);
        Directory.Delete(logs, recursive: true);
    }

    /// <summary>Every value of a key as text (UTF-8; binary grain state too), whatever its Redis type.</summary>
    private static async Task<IReadOnlyList<string>> ValuesAsync(IDatabase db, RedisKey key)
    {
        static string Text(RedisValue v) => v.IsNull ? string.Empty : Encoding.UTF8.GetString((byte[])v!);
        switch (await db.KeyTypeAsync(key))
        {
            case RedisType.String:
                return [Text(await db.StringGetAsync(key))];
            case RedisType.Hash:
                return [.. (await db.HashGetAllAsync(key)).SelectMany(e => new[] { Text(e.Name), Text(e.Value) })];
            case RedisType.List:
                return [.. (await db.ListRangeAsync(key)).Select(Text)];
            case RedisType.Set:
                return [.. (await db.SetMembersAsync(key)).Select(Text)];
            case RedisType.SortedSet:
                return [.. (await db.SortedSetRangeByRankAsync(key)).Select(Text)];
            case RedisType.Stream:
                return [.. (await db.StreamRangeAsync(key)).SelectMany(e => e.Values.Select(v => Text(v.Value)))];
            default:
                return [];
        }
    }
}
