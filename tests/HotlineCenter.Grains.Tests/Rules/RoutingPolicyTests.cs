using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using HotlineCenter.Grains.Routing;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class RoutingPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly QueueConfig Config = new() { QueueId = "general", DisplayName = "综合", AgingPointsPerSecond = 1 };

    private static RoutableCall Call(string id, int priority, double waitedSeconds, bool crisis = false, string? skill = null, string? language = null, long seq = 0, params string[] declined) =>
        new(id, crisis, priority, T0.AddSeconds(-waitedSeconds), seq, skill, language, new HashSet<string>(declined));

    private static CounselorAvailability Counselor(string id, double idleSeconds, string[]? languages = null, params SkillLevel[] skills) =>
        new(id, T0.AddSeconds(-idleSeconds), [.. skills], [.. languages ?? ["cmn"]], 1);

    [Fact]
    public void Higher_priority_is_served_before_longer_wait_when_aging_has_not_caught_up()
    {
        var order = RoutingPolicy.Order([Call("old", 10, 30), Call("urgent", 50, 5)], Config, T0);

        Assert.Equal(["urgent", "old"], order.Select(c => c.CallId));
    }

    [Fact]
    public void Aging_lets_a_long_waiting_call_overtake_a_newer_higher_priority_call()
    {
        // old: 10 + 45·1 = 55 > urgent: 50 + 1·1 = 51
        var order = RoutingPolicy.Order([Call("old", 10, 45), Call("urgent", 50, 1)], Config, T0);

        Assert.Equal(["old", "urgent"], order.Select(c => c.CallId));
    }

    [Fact]
    public void Crisis_goes_ahead_of_any_non_crisis_call_whatever_its_effective_priority()
    {
        var order = RoutingPolicy.Order([Call("vip", 900, 600), Call("crisis", 0, 0, crisis: true)], Config, T0);

        Assert.Equal(["crisis", "vip"], order.Select(c => c.CallId));
    }

    [Fact]
    public void Ties_are_broken_by_arrival()
    {
        var noAging = Config with { AgingPointsPerSecond = 0 };
        var order = RoutingPolicy.Order([Call("second", 10, 5, seq: 2), Call("first", 10, 5, seq: 1), Call("earliest", 10, 6, seq: 3)], noAging, T0);

        Assert.Equal(["earliest", "first", "second"], order.Select(c => c.CallId));
    }

    [Fact]
    public void Longest_idle_eligible_counselor_gets_the_call()
    {
        var plan = RoutingPolicy.Plan([Call("a", 10, 1)], [Counselor("fresh", 5), Counselor("idle-longest", 300), Counselor("middle", 60)], Config, T0);

        Assert.Equal([new Assignment("a", "idle-longest")], plan);
    }

    [Fact]
    public void Skill_level_requirement_relaxes_after_the_widening_time()
    {
        var config = Config with { RequiredSkill = "youth", MinSkillLevel = 3, WidenedMinSkillLevel = 1, SkillWideningAfterSeconds = 30 };
        var novice = Counselor("novice", 100, null, new SkillLevel("youth", 1));

        Assert.Empty(RoutingPolicy.Plan([Call("a", 10, 29)], [novice], config, T0));
        Assert.Equal([new Assignment("a", "novice")], RoutingPolicy.Plan([Call("a", 10, 30)], [novice], config, T0));
    }

    [Fact]
    public void Counselor_without_the_skill_never_gets_a_skilled_call()
    {
        var config = Config with { MinSkillLevel = 2, WidenedMinSkillLevel = 0, SkillWideningAfterSeconds = 0 };

        Assert.Empty(RoutingPolicy.Plan([Call("a", 10, 3600, skill: "youth")], [Counselor("general-only", 100)], config, T0));
    }

    [Fact]
    public void Language_preference_is_required_first_then_dropped()
    {
        var config = Config with { LanguageWideningAfterSeconds = 45 };
        var mandarinOnly = Counselor("m", 100);

        Assert.Empty(RoutingPolicy.Plan([Call("a", 10, 10, language: "yue")], [mandarinOnly], config, T0));
        Assert.Single(RoutingPolicy.Plan([Call("a", 10, 45, language: "yue")], [mandarinOnly], config, T0));
        Assert.Single(RoutingPolicy.Plan([Call("a", 10, 10, language: "yue")], [Counselor("c", 1, ["cmn", "yue"])], config, T0));
    }

    [Fact]
    public void Call_nobody_can_take_does_not_block_calls_behind_it()
    {
        var calls = new[] { Call("skilled", 100, 10, skill: "youth"), Call("plain", 10, 1) };

        var plan = RoutingPolicy.Plan(calls, [Counselor("general", 10)], Config, T0);

        Assert.Equal([new Assignment("plain", "general")], plan);
    }

    [Fact]
    public void Counselor_who_declined_a_call_is_tried_after_every_other_free_eligible_counselor()
    {
        var plan = RoutingPolicy.Plan([Call("a", 10, 1, declined: "x")], [Counselor("x", 500), Counselor("y", 1)], Config, T0);

        Assert.Equal([new Assignment("a", "y")], plan);
    }

    /// <summary>
    /// Who is offered a call that counsellor "x" already missed (or declined, or whose ring the provider refused),
    /// when x is free with others, or alone. Retry times are seconds after T0 (negative: already past).
    /// </summary>
    [Theory]
    // Someone else eligible and free goes first, whatever x's retry time.
    [InlineData(true, -60, "x,y", "y")]
    [InlineData(false, -60, "x,y", "y")]
    // x alone: a crisis call goes back to x at once (retry time = the miss).
    [InlineData(true, 0, "x", "x")]
    // x alone with a non-crisis call: not before the retry time, then yes.
    [InlineData(false, 29, "x", "")]
    [InlineData(false, 0, "x", "x")]
    [InlineData(false, -1, "x", "x")]
    // A refused ring is retried with the same counsellor only after its short pause, crisis or not.
    [InlineData(true, 5, "x", "")]
    public void Counselor_already_tried_is_offered_the_call_again_only_when_nobody_else_free_may_take_it(bool crisis, int retryInSeconds, string free, string expected)
    {
        var call = Call("a", 10, 1, crisis: crisis, declined: "x") with
        {
            RetryAt = new Dictionary<string, DateTimeOffset> { ["x"] = T0.AddSeconds(retryInSeconds) },
        };
        var counselors = free.Split(',').Select((id, i) => Counselor(id, 500 - i)).ToList();

        var plan = RoutingPolicy.Plan([call], counselors, Config, T0);

        Assert.Equal(expected, string.Join(",", plan.Select(a => a.CounselorId)));
    }

    /// <summary>
    /// Who gets a call under the centre's cap of crisis calls per shift. Free counsellors are listed longest idle first
    /// as <c>id:crisisCallsThisShift</c>; cap 0 is off.
    /// </summary>
    [Theory]
    // Off: the longest idle, whatever they have taken.
    [InlineData(0, true, "a:5,b:0", "a")]
    // At the cap: a colleague under it gets the crisis call even though a has waited longer.
    [InlineData(2, true, "a:2,b:0", "b")]
    [InlineData(2, true, "a:3,b:1", "b")]
    // Under the cap: the usual longest idle.
    [InlineData(2, true, "a:1,b:0", "a")]
    // Nobody under the cap is free: the crisis call still goes to someone at once.
    [InlineData(2, true, "a:2,b:4", "a")]
    [InlineData(2, true, "a:2", "a")]
    // Non-crisis calls are not capped.
    [InlineData(2, false, "a:2,b:0", "a")]
    public void Crisis_calls_go_past_the_per_shift_cap_only_when_nobody_under_it_is_free(int cap, bool crisis, string free, string expected)
    {
        var counselors = free.Split(',').Select((entry, i) =>
        {
            var parts = entry.Split(':');
            return Counselor(parts[0], 500 - i) with { HighRiskCallsThisShift = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) };
        }).ToList();

        var plan = RoutingPolicy.Plan([Call("c", 10, 1, crisis: crisis)], counselors, Config with { HighRiskCallsPerShift = cap }, T0);

        Assert.Equal(expected, string.Join(",", plan.Select(p => p.CounselorId)));
    }

    [Fact]
    public void A_counsellor_under_the_cap_who_missed_the_crisis_call_is_tried_again_before_one_at_the_cap()
    {
        // x missed it (crisis: retry at once); y is at the cap and has not been tried: x first, the cap is respected.
        var call = Call("c", 10, 1, crisis: true, declined: "x") with { RetryAt = new Dictionary<string, DateTimeOffset> { ["x"] = T0 } };
        var counselors = new[] { Counselor("y", 600) with { HighRiskCallsThisShift = 3 }, Counselor("x", 100) };

        var plan = RoutingPolicy.Plan([call], counselors, Config with { HighRiskCallsPerShift = 3 }, T0);

        Assert.Equal("x", Assert.Single(plan).CounselorId);
    }

    /// <summary>When an unanswered offer lets the same counsellor be offered the call again (seconds after the miss).</summary>
    [Theory]
    [InlineData(true, TryOutcome.Missed, 0)]
    [InlineData(true, TryOutcome.Declined, 0)]
    [InlineData(false, TryOutcome.Missed, 30)]
    [InlineData(false, TryOutcome.Declined, 30)]
    [InlineData(true, TryOutcome.RingNotPlaced, 5)]
    [InlineData(false, TryOutcome.RingNotPlaced, 5)]
    public void Retry_time_after_an_unanswered_offer(bool crisis, TryOutcome outcome, int expectedSeconds)
    {
        var at = RoutingPolicy.RetryAt(crisis, outcome, Config with { RetryAfterMissSeconds = 30 }, T0);

        Assert.Equal(T0.AddSeconds(expectedSeconds), at);
    }

    [Fact]
    public void A_tried_counselor_still_needs_the_skill()
    {
        var call = Call("a", 10, 1, crisis: true, skill: "youth", declined: "x");

        Assert.Empty(RoutingPolicy.Plan([call], [Counselor("x", 100)], Config with { MinSkillLevel = 1 }, T0));
    }

    [Fact]
    public void Best_call_for_one_counselor_skips_calls_they_may_not_take_yet()
    {
        var declinedGeneral = Call("declined", 500, 10, declined: "x") with { RetryAt = new Dictionary<string, DateTimeOffset> { ["x"] = T0.AddSeconds(20) } };
        var youth = Call("youth", 900, 10, skill: "youth");
        var plain = Call("plain", 10, 1);

        var best = RoutingPolicy.BestCallFor([declinedGeneral, youth, plain], Counselor("x", 100), Config, T0);

        Assert.Equal("plain", best?.CallId);
        Assert.Null(RoutingPolicy.BestCallFor([youth], Counselor("x", 100), Config, T0));
    }

    [Fact]
    public void Counselor_is_kept_for_a_crisis_call_whose_ring_just_failed_rather_than_given_another_call()
    {
        var crisis = Call("crisis", 0, 10, crisis: true) with { RetryAt = new Dictionary<string, DateTimeOffset> { ["x"] = T0.AddSeconds(3) } };
        var plain = Call("plain", 500, 60);

        Assert.Equal("crisis", RoutingPolicy.BestCallFor([crisis, plain], Counselor("x", 100), Config, T0)?.CallId);
        Assert.Empty(RoutingPolicy.Plan([crisis], [Counselor("x", 100)], Config, T0));
        Assert.Equal("plain", RoutingPolicy.BestCallFor([crisis with { IsCrisis = false }, plain], Counselor("x", 100), Config, T0)?.CallId);
    }

    [Fact]
    public void Each_counselor_is_paired_at_most_once_in_a_plan()
    {
        var plan = RoutingPolicy.Plan([Call("a", 10, 3), Call("b", 10, 2), Call("c", 10, 1)], [Counselor("x", 5), Counselor("y", 9)], Config, T0);

        Assert.Equal([new Assignment("a", "y"), new Assignment("b", "x")], plan);
    }

    [Fact]
    public void Crisis_overflows_sooner_than_a_general_call()
    {
        var config = Config with { OverflowAfterSeconds = 60, CrisisOverflowAfterSeconds = 20 };

        Assert.Equal(20, RoutingPolicy.OverflowThreshold(Call("c", 0, 0, crisis: true), config));
        Assert.Equal(60, RoutingPolicy.OverflowThreshold(Call("g", 0, 0), config));
    }
}
