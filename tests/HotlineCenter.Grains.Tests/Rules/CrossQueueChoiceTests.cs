using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>Which queue's call a counsellor serving several queues is offered first when they become free.</summary>
public sealed class CrossQueueChoiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Each candidate is "queue:call:crisis:priority:waitedSeconds[:front]"; "-" is a queue with nothing for the counsellor.
    /// </summary>
    [Theory]
    // The report: a youth call with more points than a crisis waiting in backup — the crisis wins.
    [InlineData("youth:y:0:900:600,backup:k:1:0:5", "k")]
    [InlineData("backup:k:1:0:5,youth:y:0:900:600", "k")]
    // Two crises: effective priority, then the longer wait.
    [InlineData("a:k1:1:100:5,b:k2:1:150:1", "k2")]
    [InlineData("a:k1:1:100:50,b:k2:1:100:10", "k1")]
    // No crisis: a caller put back at the front beats priority.
    [InlineData("a:g:0:500:5,b:r:0:10:1:front", "r")]
    // Plain calls: effective priority, then wait, then queue key (deterministic).
    [InlineData("a:g1:0:20:5,b:g2:0:30:1", "g2")]
    [InlineData("b:g2:0:20:5,a:g1:0:20:5", "g1")]
    // Queues with nothing for the counsellor are skipped; none at all → nothing.
    [InlineData("-,b:g2:0:20:5", "g2")]
    [InlineData("-,-", "")]
    [InlineData("", "")]
    public void Most_urgent_candidate_across_queues_wins(string candidates, string expected)
    {
        var parsed = candidates.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();

        var pick = CrossQueueChoice.Pick(parsed);

        Assert.Equal(expected, pick?.CallId ?? "");
    }

    private static QueueCandidate? Parse(string text)
    {
        if (text == "-")
        {
            return null;
        }

        var p = text.Split(':');
        return new QueueCandidate(p[0], p[1], p[2] == "1", double.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(-int.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture)), p.Length > 5 && p[5] == "front");
    }
}
