namespace HotlineCenter.Telephony.Twilio;

/// <summary>How one try of a REST request ended, as far as sending it again is concerned.</summary>
public enum TwilioTryOutcome
{
    /// <summary>429: Twilio rate-limited the request and did not process it (twilio-contract.md §4).</summary>
    TooManyRequests = 0,
    /// <summary>5xx: Twilio, or a proxy in front of it, failed; it may have carried the request out first.</summary>
    ServerError = 1,
    /// <summary>Another 4xx: refused as it is; the same request again cannot succeed.</summary>
    Refused = 2,
    /// <summary>No connection was made (refused, name not resolved, TLS failed): the request never left.</summary>
    NotSent = 3,
    /// <summary>Sent, but no whole answer came back (the try's timeout, a reset): Twilio may have carried it out.</summary>
    NoAnswer = 4,
}

/// <summary>What to do after a failed try.</summary>
public enum TwilioRetryAction
{
    /// <summary>Send the same request again after the delay.</summary>
    Retry = 0,
    /// <summary>Twilio may have carried it out: after the delay look whether it did; if not, send it again.</summary>
    CheckThenRetry = 1,
    /// <summary>Twilio may have carried it out and there is no time or try left: look whether it did, and stop.</summary>
    CheckThenGiveUp = 2,
    /// <summary>Stop and report the failure.</summary>
    GiveUp = 3,
}

/// <summary>The decision after a failed try, with its reason for the log.</summary>
public readonly record struct TwilioRetryDecision(TwilioRetryAction Action, TimeSpan Delay, string Reason);

/// <summary>
/// When a failed Twilio request is sent again: the pure rule behind <see cref="TwilioRestClient"/>'s retries.
/// A request Twilio did not receive or did not process (no connection, 429) is always safe to repeat. One it may
/// have carried out (5xx, no answer) is repeated only if repeating changes nothing (a read, a delete, setting a
/// participant's mute); one that creates something (a call, a participant: a second ring, a second call to a
/// caller in crisis) is first looked for when it can be (a participant by its label), and otherwise not repeated.
/// Delays grow exponentially with jitter, never below the <c>Retry-After</c> Twilio asked for, and a request stops
/// when the next try would start past its time budget or it has had <see cref="MaxTries"/>.
/// </summary>
public sealed class TwilioRetryPolicy
{
    public static TwilioRetryPolicy Default { get; } = new();

    /// <summary>The first retry's window; each further retry doubles it up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Tries in all, whatever the budget: bounds a request when the backoff is zero (tests) or tiny.</summary>
    public int MaxTries { get; init; } = 12;

    /// <param name="outcome">How the try that just failed ended.</param>
    /// <param name="repeatable">Whether sending the request twice has the effect of sending it once.</param>
    /// <param name="checkable">Whether the client can look up what the request would have created.</param>
    /// <param name="tries">Tries made so far, the failed one included (1 after the first).</param>
    /// <param name="retryAfter">Twilio's <c>Retry-After</c>, when it sent one.</param>
    /// <param name="remaining">Time left in the request's budget.</param>
    /// <param name="jitter">A number in [0, 1): where in the jitter window this delay falls.</param>
    public TwilioRetryDecision Decide(TwilioTryOutcome outcome, bool repeatable, bool checkable, int tries, TimeSpan? retryAfter, TimeSpan remaining, double jitter)
    {
        if (outcome == TwilioTryOutcome.Refused)
        {
            return new(TwilioRetryAction.GiveUp, TimeSpan.Zero, "refused");
        }

        var mayHaveBeenDone = outcome is TwilioTryOutcome.ServerError or TwilioTryOutcome.NoAnswer;
        if (mayHaveBeenDone && !repeatable && !checkable)
        {
            return new(TwilioRetryAction.GiveUp, TimeSpan.Zero, "may have been carried out; not repeated");
        }

        var delay = Backoff(tries, jitter);
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked;
        }

        var another = tries < MaxTries && delay < remaining;
        var reason = another ? $"retry {tries + 1} in {delay.TotalMilliseconds:F0} ms"
            : tries >= MaxTries ? $"{tries} tries" : "time budget spent";
        if (mayHaveBeenDone && !repeatable)
        {
            // Look only once Twilio has had a moment to finish what it may be doing.
            return another
                ? new(TwilioRetryAction.CheckThenRetry, delay, "may have been carried out; look first, then " + reason)
                : new(TwilioRetryAction.CheckThenGiveUp, remaining < delay ? Positive(remaining) : delay, "may have been carried out; look, then stop: " + reason);
        }

        return another ? new(TwilioRetryAction.Retry, delay, reason) : new(TwilioRetryAction.GiveUp, TimeSpan.Zero, reason);
    }

    /// <summary>
    /// Equal jitter: half of min(max, base·2ⁿ⁻¹) fixed, half random, so retries from many calls spread out
    /// yet none comes back at once after a 429.
    /// </summary>
    public TimeSpan Backoff(int tries, double jitter)
    {
        var window = Math.Min(MaxBackoff.TotalMilliseconds, BaseBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, tries - 1)));
        return window <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(window / 2 + Math.Clamp(jitter, 0, 1) * window / 2);
    }

    private static TimeSpan Positive(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
