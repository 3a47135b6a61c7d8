using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;

namespace HotlineCenter.Grains.Alerts;

/// <summary>
/// Which alerts a centre's live picture raises (domain.md §5: the duty supervisor sees every crisis at once).
/// Pure: the same snapshot and time always give the same alerts, with ids stable for the situation.
/// </summary>
public static class AlertRules
{
    public static IReadOnlyList<Alert> Derive(CentreLiveSnapshot snapshot, DateTimeOffset now, TimeSpan longWait, TimeSpan overflowShown)
    {
        var alerts = new List<Alert>();
        foreach (var queue in snapshot.Queues)
        {
            foreach (var w in queue.Waiting)
            {
                if (w.IsCrisis)
                {
                    alerts.Add(new Alert($"crisis-waiting:{w.CallId}", AlertKind.CrisisWaiting, true, w.CallId, w.OfferedTo, w.FirstQueuedAt));
                }
                else if (now - w.FirstQueuedAt >= longWait)
                {
                    alerts.Add(new Alert($"long-wait:{w.CallId}", AlertKind.LongWait, false, w.CallId, null, w.FirstQueuedAt + longWait));
                }

                if (w.OverflowPending)
                {
                    alerts.Add(new Alert($"overflow:{w.CallId}:{queue.QueueKey}", AlertKind.Overflow, w.IsCrisis, w.CallId, null, w.FirstQueuedAt + overflowShown));
                }
            }
        }

        foreach (var call in snapshot.ActiveCalls.Where(c => c.IsCrisis && c.Status == CallStatus.Connected))
        {
            alerts.Add(new Alert($"crisis-in-progress:{call.CallId}", AlertKind.CrisisInProgress, true, call.CallId, call.CounselorId, call.ConnectedAt ?? call.UpdatedAt));
        }

        foreach (var c in snapshot.Counselors.Where(c => c.HandRaisedAt is not null))
        {
            // Critical while they are with a caller: the supervisor may be needed on that call now.
            alerts.Add(new Alert($"hand-raised:{c.CounselorId}:{c.HandRaisedAt!.Value.ToUnixTimeMilliseconds()}", AlertKind.HandRaised, c.State == PresenceState.OnCall, c.CallId, c.CounselorId, c.HandRaisedAt.Value));
        }

        foreach (var c in snapshot.Counselors.Where(c => c.State == PresenceState.NotResponding))
        {
            alerts.Add(new Alert($"offer-timed-out:{c.CounselorId}:{c.StateSince.ToUnixTimeMilliseconds()}", AlertKind.OfferTimedOut, false, null, c.CounselorId, c.StateSince));
        }

        return [.. alerts.OrderByDescending(a => a.Critical).ThenBy(a => a.Since)];
    }
}
