using System.Globalization;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Telephony;

/// <summary>What a waiting caller hears of their place: callers ahead, and the queue's estimate of the wait.</summary>
public static class WaitAnnouncement
{
    /// <summary>
    /// "N callers ahead, about M minutes" (rounded up), or the under-a-minute wording below 60 s. The estimate comes
    /// from the queue's measured recent waits; a queue that sent none is taken as a minute per position.
    /// </summary>
    public static string Text(CentrePrompts prompts, WaitingCallView waiting)
    {
        var ahead = Math.Max(0, waiting.Position - 1);
        var seconds = waiting.EstimatedWaitSeconds ?? (60 * Math.Max(1, waiting.Position));
        try
        {
            return Format(prompts, ahead, seconds);
        }
        catch (FormatException)
        {
            // A prompt stored before prompts were validated: the caller hears the default wording, never the fallback.
            return Format(new CentrePrompts(), ahead, seconds);
        }
    }

    private static string Format(CentrePrompts prompts, int ahead, int seconds) =>
        seconds < 60
            ? string.Format(CultureInfo.InvariantCulture, prompts.PositionAnnouncementUnderAMinute, ahead)
            : string.Format(CultureInfo.InvariantCulture, prompts.PositionAnnouncement, ahead, (seconds + 59) / 60);
}
