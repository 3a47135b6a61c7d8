using System.Globalization;

namespace HotlineCenter.Web.Components.Shared;

/// <summary>How consoles show elapsed and remaining time: mm:ss, or h:mm:ss past an hour; China time for clock times.</summary>
public static class Clock
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Time from <paramref name="since"/> to <paramref name="until"/> (now when null); "—" when there is no start.</summary>
    public static string Elapsed(DateTimeOffset? since, DateTimeOffset? until = null, DateTimeOffset? now = null)
    {
        if (since is null)
        {
            return "—";
        }

        var span = (until ?? now ?? DateTimeOffset.UtcNow) - since.Value;
        return Format(span < TimeSpan.Zero ? TimeSpan.Zero : span);
    }

    /// <summary>Time left until <paramref name="until"/>, never negative.</summary>
    public static string Remaining(DateTimeOffset? until, DateTimeOffset? now = null)
    {
        var left = until is { } u ? u - (now ?? DateTimeOffset.UtcNow) : TimeSpan.Zero;
        return Format(left < TimeSpan.Zero ? TimeSpan.Zero : left);
    }

    public static string Local(DateTimeOffset? at, string format = "yyyy-MM-dd HH:mm") =>
        at is { } a ? a.ToOffset(China).ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}

/// <summary>A supervisor's move of a waiting call to another queue.</summary>
public sealed record QueueMove(string CallId, HotlineCenter.Abstractions.Queues.QueueSnapshot Target);

/// <summary>A supervisor's choice of counsellor for a waiting call.</summary>
public sealed record CounselorPick(string CallId, string CounselorId);
