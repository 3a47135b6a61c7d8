using HotlineCenter.Telephony.Twilio;
using static HotlineCenter.Telephony.Twilio.TwilioRetryAction;
using static HotlineCenter.Telephony.Twilio.TwilioTryOutcome;

namespace HotlineCenter.Telephony.Tests;

/// <summary>When a failed Twilio request is sent again: the policy as a table (base 200 ms, cap 3 s, 12 tries, jitter 0.5).</summary>
public sealed class TwilioRetryPolicyTests
{
    private static readonly TwilioRetryPolicy Policy = new();

    [Theory]
    // outcome,        repeatable, checkable, tries, retry-after ms, remaining ms, action,          delay ms
    [InlineData(TooManyRequests, false, false, 1, null, 10_000, Retry, 150)]           // never processed: even a new call is sent again
    [InlineData(TooManyRequests, false, false, 1, 2_000, 10_000, Retry, 2_000)]        // Twilio's Retry-After wins over a shorter backoff
    [InlineData(TooManyRequests, true, false, 1, 100, 10_000, Retry, 150)]             // ... but not over a longer one
    [InlineData(TooManyRequests, true, false, 1, 20_000, 10_000, GiveUp, 0)]           // a Retry-After past the budget: stop now
    [InlineData(TooManyRequests, true, false, 4, null, 10_000, Retry, 1_200)]          // exponential
    [InlineData(TooManyRequests, true, false, 9, null, 10_000, Retry, 2_250)]          // capped at 3 s (half fixed, half jitter)
    [InlineData(TooManyRequests, true, false, 12, null, 10_000, GiveUp, 0)]            // out of tries
    [InlineData(TooManyRequests, true, false, 3, null, 500, GiveUp, 0)]                // the next try would start past the budget
    [InlineData(NotSent, false, false, 3, null, 10_000, Retry, 600)]                   // no connection: it never left
    [InlineData(ServerError, true, false, 2, null, 10_000, Retry, 300)]                // a read, a delete, setting mute: harmless twice
    [InlineData(NoAnswer, true, false, 1, null, 10_000, Retry, 150)]
    [InlineData(ServerError, false, false, 1, null, 10_000, GiveUp, 0)]                // a new call may have been placed: never twice
    [InlineData(NoAnswer, false, false, 1, null, 10_000, GiveUp, 0)]
    [InlineData(ServerError, false, true, 1, null, 10_000, CheckThenRetry, 150)]       // a labelled participant: look first
    [InlineData(NoAnswer, false, true, 2, null, 10_000, CheckThenRetry, 300)]
    [InlineData(NoAnswer, false, true, 5, null, 1_000, CheckThenGiveUp, 1_000)]        // no time left: still look, then stop
    [InlineData(ServerError, false, true, 12, null, 10_000, CheckThenGiveUp, 2_250)]   // no tries left: still look, then stop
    [InlineData(Refused, true, true, 1, null, 10_000, GiveUp, 0)]                      // a 4xx: the same request cannot succeed
    public void Decides_whether_and_when_to_send_again(TwilioTryOutcome outcome, bool repeatable, bool checkable, int tries, int? retryAfterMs, int remainingMs, TwilioRetryAction action, int delayMs)
    {
        var decision = Policy.Decide(outcome, repeatable, checkable, tries,
            retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, TimeSpan.FromMilliseconds(remainingMs), jitter: 0.5);

        Assert.Equal((action, TimeSpan.FromMilliseconds(delayMs)), (decision.Action, decision.Delay));
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Theory]
    [InlineData(1, 0.0, 100)]
    [InlineData(1, 0.999999, 200)]
    [InlineData(3, 0.0, 400)]
    [InlineData(3, 1.0, 800)]
    [InlineData(20, 0.0, 1_500)]
    [InlineData(20, 1.0, 3_000)]
    public void Backoff_is_half_fixed_half_jitter_of_a_doubling_window_capped_at_three_seconds(int tries, double jitter, int expectedMs) =>
        Assert.Equal(expectedMs, Policy.Backoff(tries, jitter).TotalMilliseconds, precision: 0);
}
