using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HotlineCenter.Abstractions.Common;

/// <summary>
/// The contact centre's own meter (OpenTelemetry picks it up by <see cref="MeterName"/>): what happens to calls, queues,
/// alerts and the live feed, per silo. Tags are centre, queue, kind and outcome ids only — never caller data.
/// docs/operations.md says what to alert on.
/// </summary>
public static class HotlineMetrics
{
    public const string MeterName = "HotlineCenter";

    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<string, QueueReading> QueueReadings = new(StringComparer.Ordinal);

    /// <summary>Calls that reached a centre (provider webhook or simulator), counted once per call.</summary>
    public static readonly Counter<long> CallsArrived = Meter.CreateCounter<long>("hotline.calls.arrived", "{call}", "Calls that reached a centre");

    /// <summary>Calls leaving a queue, by how (answered, abandoned, overflowed, moved…).</summary>
    public static readonly Counter<long> QueueExits = Meter.CreateCounter<long>("hotline.queue.exits", "{call}", "Calls leaving a queue, by exit");

    /// <summary>Seconds a call waited in its queue until a counsellor answered it.</summary>
    public static readonly Histogram<double> WaitUntilAnswered = Meter.CreateHistogram<double>("hotline.queue.wait_until_answered", "s", "Wait from entering the queue to a counsellor answering");

    /// <summary>Milliseconds of one routing turn of a queue: planning the pairings, reserving the counsellors, saving the offers.</summary>
    public static readonly Histogram<double> RoutingTurn = Meter.CreateHistogram<double>("hotline.routing.turn", "ms", "One routing turn of a queue");

    /// <summary>Offers made (a counsellor reserved and rung for a call).</summary>
    public static readonly Counter<long> OffersMade = Meter.CreateCounter<long>("hotline.routing.offers", "{offer}", "Offers made to counsellors");

    /// <summary>Server-side alerts raised and acknowledged, by kind and criticality.</summary>
    public static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>("hotline.alerts.raised", "{alert}", "Alerts raised");

    public static readonly Counter<long> AlertsAcknowledged = Meter.CreateCounter<long>("hotline.alerts.acknowledged", "{alert}", "Alerts acknowledged by a supervisor");

    /// <summary>Live pictures pushed to connected consoles (one per console per push).</summary>
    public static readonly Counter<long> LivePushes = Meter.CreateCounter<long>("hotline.live.pushes", "{push}", "Live pictures pushed to consoles");

    /// <summary>Requests to the telephony provider's API, by operation and outcome (ok, or the provider's code).</summary>
    public static readonly Counter<long> TelephonyRequests = Meter.CreateCounter<long>("hotline.telephony.requests", "{request}", "Requests to the telephony provider, by outcome");

    static HotlineMetrics()
    {
        Meter.CreateObservableGauge("hotline.queue.waiting", () => QueueReadings.Select(q => new Measurement<int>(q.Value.Waiting, new TagList { { "queue", q.Key } })),
            "{call}", "Calls waiting in each queue active on this silo");
        Meter.CreateObservableGauge("hotline.queue.longest_wait", () => QueueReadings.Select(q => new Measurement<double>(
                q.Value.OldestQueuedAt is { } oldest ? Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds) : 0, new TagList { { "queue", q.Key } })),
            "s", "Longest current wait in each queue active on this silo");
    }

    /// <summary>A queue's depth and oldest waiting call, as it stands after its latest change (the gauges read it).</summary>
    public static void ReportQueue(string queueKey, int waiting, DateTimeOffset? oldestQueuedAt) =>
        QueueReadings[queueKey] = new QueueReading(waiting, oldestQueuedAt);

    /// <summary>The queue's activation left this silo: another silo reports it now.</summary>
    public static void ForgetQueue(string queueKey) => QueueReadings.TryRemove(queueKey, out _);

    private readonly record struct QueueReading(int Waiting, DateTimeOffset? OldestQueuedAt);
}
