using HotlineCenter.Grains.Queues;

namespace HotlineCenter.Grains.Routing;

/// <summary>
/// The estimated wait a caller hears with their position, from the queue's measured recent waits: the median wait of
/// calls answered in the last hour (at most the last <see cref="Kept"/>), times the caller's position, shared among
/// the counsellors who answered those calls. With nothing measured yet, a minute per position.
/// </summary>
public static class WaitEstimate
{
    /// <summary>How many answered waits a queue keeps.</summary>
    public const int Kept = 50;

    /// <summary>Older answered waits no longer describe the queue.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Assumed wait per position before anything is measured.</summary>
    public const double UnmeasuredSecondsPerPosition = 60;

    /// <summary>Never announce more than an hour: beyond that the number means nothing to a caller.</summary>
    public const int MaxSeconds = 3600;

    /// <summary>What the estimate of every position in the queue is computed from.</summary>
    public static Basis From(IReadOnlyList<AnsweredWait> recent, DateTimeOffset now)
    {
        var inWindow = recent.Where(w => w.At <= now && now - w.At <= Window).ToList();
        if (inWindow.Count == 0)
        {
            return new Basis(UnmeasuredSecondsPerPosition, 1);
        }

        var waits = inWindow.Select(w => w.Seconds).Order().ToList();
        var middle = waits.Count / 2;
        var median = waits.Count % 2 == 1 ? waits[middle] : (waits[middle - 1] + waits[middle]) / 2;
        return new Basis(median, Math.Max(1, inWindow.Select(w => w.CounselorId).Distinct(StringComparer.Ordinal).Count()));
    }

    /// <summary>The estimate for the caller at 1-based <paramref name="position"/>, in whole seconds, clamped to 0–<see cref="MaxSeconds"/>.</summary>
    public static int Seconds(IReadOnlyList<AnsweredWait> recent, int position, DateTimeOffset now) => From(recent, now).SecondsFor(position);

    /// <param name="MedianSeconds">Median measured wait (or the unmeasured default).</param>
    /// <param name="Serving">Counsellors who answered the measured calls (at least 1).</param>
    public readonly record struct Basis(double MedianSeconds, int Serving)
    {
        public int SecondsFor(int position) =>
            (int)Math.Clamp(Math.Round(MedianSeconds * Math.Max(1, position) / Serving), 0, MaxSeconds);
    }
}
