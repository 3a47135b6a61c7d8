namespace HotlineCenter.Abstractions.Common;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving): the day and clock time every centre, roster and report
/// works in. The one place the offset is defined; read the current instant from <see cref="HotlineTime"/>.
/// </summary>
public static class ChinaTime
{
    /// <summary>UTC+8.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The instant as China clock time.</summary>
    public static DateTimeOffset ToChina(this DateTimeOffset at) => at.ToOffset(Offset);

    /// <summary>The China calendar day the instant falls on.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>The China clock time of day of the instant.</summary>
    public static TimeOnly TimeOfDay(DateTimeOffset at) => TimeOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>Midnight (China time) at the start of the China day the instant falls on.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset at) => new(at.ToOffset(Offset).Date, Offset);

    /// <summary>Midnight (China time) at the start of a China calendar day.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>A China clock time on a China calendar day, as an instant.</summary>
    public static DateTimeOffset At(DateOnly day, TimeOnly time) => new(day.ToDateTime(time), Offset);
}
