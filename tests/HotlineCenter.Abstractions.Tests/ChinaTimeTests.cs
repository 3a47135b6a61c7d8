using HotlineCenter.Abstractions.Common;

namespace HotlineCenter.Abstractions.Tests;

public sealed class ChinaTimeTests
{
    [Theory]
    [InlineData("2026-11-30T15:59:59Z", "2026-11-30", "23:59:59")]
    [InlineData("2026-11-30T16:00:00Z", "2026-12-01", "00:00:00")]
    [InlineData("2026-12-31T23:30:00-08:00", "2027-01-01", "15:30:00")]
    public void The_china_day_and_clock_time_of_an_instant(string instant, string day, string clock)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), ChinaTime.DayOf(at));
        Assert.Equal(TimeOnly.Parse(clock, System.Globalization.CultureInfo.InvariantCulture), ChinaTime.TimeOfDay(at));
        Assert.Equal(8, at.ToChina().Offset.TotalHours);
    }

    [Fact]
    public void The_china_day_starts_at_16_00_utc_the_evening_before()
    {
        var start = ChinaTime.StartOfDay(DateTimeOffset.Parse("2026-12-01T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse("2026-11-30T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(start, ChinaTime.StartOfDay(new DateOnly(2026, 12, 1)));
        Assert.Equal(start.AddHours(8), ChinaTime.At(new DateOnly(2026, 12, 1), new TimeOnly(8, 0)));
    }
}
