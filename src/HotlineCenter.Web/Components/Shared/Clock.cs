using System.Globalization;
using HotlineCenter.Abstractions.Common;

namespace HotlineCenter.Web.Components.Shared;

/// <summary>
/// How consoles read and show time: now from <see cref="HotlineTime"/> (the one domain clock, so tests can move
/// it), elapsed and remaining as mm:ss (h:mm:ss past an hour), clock times in China time.
/// </summary>
public sealed class Clock(HotlineTime time)
{
    public DateTimeOffset Now => time.Now;

    public TimeProvider Provider => time.Provider;

    /// <summary>Time from <paramref name="since"/> to <paramref name="until"/> (now when null); "—" when there is no start.</summary>
    public string Elapsed(DateTimeOffset? since, DateTimeOffset? until = null)
    {
        if (since is null)
        {
            return "—";
        }

        var span = (until ?? Now) - since.Value;
        return Format(span < TimeSpan.Zero ? TimeSpan.Zero : span);
    }

    /// <summary>Time left until <paramref name="until"/>, never negative.</summary>
    public string Remaining(DateTimeOffset? until)
    {
        var left = until is { } u ? u - Now : TimeSpan.Zero;
        return Format(left < TimeSpan.Zero ? TimeSpan.Zero : left);
    }

    /// <summary>A clock time in China time; "—" when there is none.</summary>
    public static string Local(DateTimeOffset? at, string format = "yyyy-MM-dd HH:mm") =>
        at is { } a ? a.ToChina().ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
