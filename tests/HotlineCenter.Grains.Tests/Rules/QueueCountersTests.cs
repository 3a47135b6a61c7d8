using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Queues;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class QueueCountersTests
{
    private static readonly DateOnly Monday = new(2026, 11, 30);

    [Fact]
    public void Exits_are_counted_by_kind_and_a_moved_call_is_left_to_the_queue_it_moved_to()
    {
        var queue = new QueueState();

        queue.CountExit(QueueExit.Answered, Monday);
        queue.CountExit(QueueExit.Answered, Monday);
        queue.CountExit(QueueExit.Abandoned, Monday);
        queue.CountExit(QueueExit.Overflowed, Monday);
        queue.CountExit(QueueExit.Moved, Monday);

        Assert.Equal((2, 1, 1), queue.CountsOn(Monday));
    }

    [Fact]
    public void A_new_china_day_starts_from_zero_and_yesterday_reads_as_zero_today()
    {
        var queue = new QueueState();
        queue.CountExit(QueueExit.Answered, Monday);

        Assert.Equal((0, 0, 0), queue.CountsOn(Monday.AddDays(1)));
        queue.CountExit(QueueExit.Abandoned, Monday.AddDays(1));
        Assert.Equal((0, 1, 0), queue.CountsOn(Monday.AddDays(1)));
    }

    [Fact]
    public void A_missed_offer_is_remembered_and_a_failed_reservation_is_not()
    {
        var entry = new WaitingEntry { CallId = "CA1" };

        entry.Offer("c-wang", DateTimeOffset.UnixEpoch);
        entry.ClearOffer();
        entry.Offer("c-li", DateTimeOffset.UnixEpoch);
        entry.ClearOffer("c-li", HotlineCenter.Grains.Routing.TryOutcome.Missed, DateTimeOffset.UnixEpoch.AddSeconds(30));

        Assert.Null(entry.OfferedTo);
        Assert.Null(entry.OfferDeadline);
        Assert.Equal(["c-li"], entry.DeclinedBy);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(30), entry.RetryAt["c-li"]);
    }

    [Fact]
    public void A_ring_the_provider_never_placed_is_remembered_for_its_retry_but_not_held_against_the_counselor()
    {
        var entry = new WaitingEntry { CallId = "CA1" };

        entry.Offer("c-wang", DateTimeOffset.UnixEpoch);
        entry.ClearOffer("c-wang", HotlineCenter.Grains.Routing.TryOutcome.RingNotPlaced, DateTimeOffset.UnixEpoch.AddSeconds(5));

        Assert.Null(entry.OfferedTo);
        Assert.Empty(entry.DeclinedBy);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5), entry.RetryAt["c-wang"]);
    }
}
