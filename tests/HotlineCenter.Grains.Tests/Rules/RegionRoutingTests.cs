using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Grains.Centres;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>Where a call to the province's number goes: the caller's city centre, or the provincial centre and why.</summary>
public sealed class RegionRoutingTests
{
    private const string Province = "sx-12356";

    // Tuesday 2026-11-24 10:00 China time (02:00 UTC).
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Open 06:00–24:00 every day (18 h).</summary>
    private static readonly ImmutableArray<OpeningHours> SixToMidnight =
        [.. Enum.GetValues<DayOfWeek>().Select(d => new OpeningHours(d, new TimeOnly(6, 0), new TimeOnly(0, 0)))];

    /// <summary>Open 20:00 to 14:00 the next day (18 h, past midnight).</summary>
    private static readonly ImmutableArray<OpeningHours> EightPmToTwoPm =
        [.. Enum.GetValues<DayOfWeek>().Select(d => new OpeningHours(d, new TimeOnly(20, 0), new TimeOnly(14, 0)))];

    private static IReadOnlyList<CityCentre> Cities(int xaSignedIn = 3, int bjSignedIn = 2, ImmutableArray<OpeningHours> xaHours = default) =>
    [
        new("xa-12356", "陕西省", "西安市", xaHours.IsDefault ? [] : xaHours, xaSignedIn),
        new("bj-12356", "陕西省", "宝鸡市", [], bjSignedIn),
        new("xy-12356", "陕西省", "咸阳市", [], 1),
    ];

    public static TheoryData<string, string?, IReadOnlyList<CityCentre>, DateTimeOffset, string, string> Table => new()
    {
        // what, region, cities, now → centre, reason
        { "a Xi'an mobile", "陕西省西安市", Cities(), TuesdayMorning, "xa-12356", RegionRoute.ToCity },
        { "a Baoji landline", "陕西省宝鸡市", Cities(), TuesdayMorning, "bj-12356", RegionRoute.ToCity },
        { "area code 029 covers Xi'an and Xianyang: the first configured", "陕西省西安市、咸阳市", Cities(), TuesdayMorning, "xa-12356", RegionRoute.ToCity },
        { "a withheld number (no region)", null, Cities(), TuesdayMorning, Province, RegionRoute.UnknownRegion },
        { "a blank region", " ", Cities(), TuesdayMorning, Province, RegionRoute.UnknownRegion },
        { "a city of the province without a centre", "陕西省汉中市", Cities(), TuesdayMorning, Province, RegionRoute.NoCityCentre },
        { "another province's number", "北京市", Cities(), TuesdayMorning, Province, RegionRoute.NoCityCentre },
        { "a foreign number", "美国", Cities(), TuesdayMorning, Province, RegionRoute.NoCityCentre },
        { "nobody signed in at Xi'an", "陕西省西安市", Cities(xaSignedIn: 0), TuesdayMorning, Province, RegionRoute.NobodySignedIn },
        { "Xi'an open 06–24, 10:00", "陕西省西安市", Cities(xaHours: SixToMidnight), TuesdayMorning, "xa-12356", RegionRoute.ToCity },
        { "Xi'an open 06–24, 03:00", "陕西省西安市", Cities(xaHours: SixToMidnight), TuesdayMorning.AddHours(17), Province, RegionRoute.CityClosed },
        { "Xi'an open 06–24, 05:59", "陕西省西安市", Cities(xaHours: SixToMidnight), TuesdayMorning.AddMinutes(-241), Province, RegionRoute.CityClosed },
        { "Xi'an open 06–24, 06:00", "陕西省西安市", Cities(xaHours: SixToMidnight), TuesdayMorning.AddHours(-4), "xa-12356", RegionRoute.ToCity },
        { "Xi'an open 06–24, 23:59", "陕西省西安市", Cities(xaHours: SixToMidnight), TuesdayMorning.AddMinutes(839), "xa-12356", RegionRoute.ToCity },
        { "Xi'an open 20–14, 10:00 (yesterday's hours past midnight)", "陕西省西安市", Cities(xaHours: EightPmToTwoPm), TuesdayMorning, "xa-12356", RegionRoute.ToCity },
        { "Xi'an open 20–14, 15:00", "陕西省西安市", Cities(xaHours: EightPmToTwoPm), TuesdayMorning.AddHours(5), Province, RegionRoute.CityClosed },
        { "closed wins over staffed", "陕西省西安市", Cities(xaSignedIn: 9, xaHours: EightPmToTwoPm), TuesdayMorning.AddHours(6), Province, RegionRoute.CityClosed },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void A_call_to_the_province_goes_to_the_callers_city_when_open_and_staffed(
        string what, string? region, IReadOnlyList<CityCentre> cities, DateTimeOffset now, string centre, string reason)
    {
        var route = RegionRouting.Decide(Province, region, cities, now);

        Assert.True(route == new RegionRoute(centre, reason), $"{what}: expected {centre} ({reason}), got {route.CentreId} ({route.Reason})");
    }

    [Fact]
    public void A_city_whose_signed_in_count_was_not_read_counts_as_nobody()
    {
        IReadOnlyList<CityCentre> cities = [new("xa-12356", "陕西省", "西安市", [])];

        Assert.Equal(RegionRoute.NobodySignedIn, RegionRouting.Decide(Province, "陕西省西安市", cities, TuesdayMorning).Reason);
    }

    public static TheoryData<string, ImmutableArray<OpeningHours>, string?> Hours => new()
    {
        { "none: around the clock", [], null },
        { "18 h every day", SixToMidnight, null },
        { "18 h past midnight", EightPmToTwoPm, null },
        { "24 h (opens and closes at the same time)", [.. Enum.GetValues<DayOfWeek>().Select(d => new OpeningHours(d, new TimeOnly(8, 0), new TimeOnly(8, 0)))], null },
        { "17 h on Sunday", [.. SixToMidnight.Select(h => h.Day == DayOfWeek.Sunday ? h with { Closes = new TimeOnly(23, 0) } : h)], "on Sunday are 17 h" },
        { "six days only", [.. SixToMidnight.Where(h => h.Day != DayOfWeek.Monday)], "one entry for each day" },
        { "Monday twice", [.. SixToMidnight.Select(h => h.Day == DayOfWeek.Sunday ? h with { Day = DayOfWeek.Monday } : h)], "one entry for each day" },
    };

    [Theory]
    [MemberData(nameof(Hours))]
    public void Opening_hours_are_at_least_eighteen_hours_a_day(string what, ImmutableArray<OpeningHours> hours, string? error)
    {
        var config = new CentreConfig
        {
            CentreId = "xa-12356", DisplayName = "西安", DefaultQueueId = "general",
            Queues = [new Abstractions.Queues.QueueConfig { QueueId = "general", DisplayName = "综合" }],
            IvrOptions = [new IvrOption("1", "危险", "general", true, 100, null, null)],
            OpeningHours = hours,
        };

        var errors = CentreConfigValidator.Validate(config, "xa-12356");

        if (error is null)
        {
            Assert.True(errors.Count == 0, $"{what}: {string.Join("; ", errors)}");
        }
        else
        {
            Assert.True(errors.Any(e => e.Contains(error, StringComparison.Ordinal)), $"{what}: expected '{error}' in {string.Join("; ", errors)}");
        }
    }

    [Theory]
    [InlineData("+8602912356", true)]
    [InlineData("client:duty", false)]
    [InlineData("12", false)]
    public void The_backup_number_is_a_dialable_number(string number, bool valid)
    {
        var config = new CentreConfig
        {
            CentreId = "sx-12356", DisplayName = "陕西", DefaultQueueId = "general", IsProvincial = true, BackupNumber = number,
            Queues = [new Abstractions.Queues.QueueConfig { QueueId = "general", DisplayName = "综合" }],
            IvrOptions = [new IvrOption("1", "危险", "general", true, 100, null, null)],
        };

        Assert.Equal(valid, CentreConfigValidator.Validate(config, "sx-12356").Count == 0);
    }
}
