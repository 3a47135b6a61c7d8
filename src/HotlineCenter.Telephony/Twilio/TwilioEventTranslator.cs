using System.Globalization;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Translates Twilio status callbacks into provider-neutral events with idempotency keys. Pure code: the
/// same callback delivered twice yields the same key, and unknown statuses yield nothing (tolerated).
/// </summary>
public static class TwilioEventTranslator
{
    private static readonly HashSet<string> Terminal = new(StringComparer.Ordinal) { "completed", "busy", "failed", "no-answer", "canceled" };

    /// <summary>The caller's own leg (the hotline number's status callback).</summary>
    public static ProviderEvent? CallerLeg(string callSid, string? callStatus, string? timestamp)
    {
        if (callStatus is null || !Terminal.Contains(callStatus))
        {
            return null;
        }

        // Any terminal status ends the caller's leg exactly once, whichever arrives first.
        return new ProviderEvent(ProviderEventKind.CallerHungUp, $"{callSid}:caller-ended", ParseTimestamp(timestamp), null);
    }

    /// <summary>
    /// The leg dialled for a keep-place callback: picked up is answered; busy, no answer, failed or cancelled is not
    /// answered (the call retries); completed after a pick-up is the caller hanging up.
    /// </summary>
    public static ProviderEvent? CallbackLeg(string legSid, string? callStatus, string? timestamp)
    {
        var at = ParseTimestamp(timestamp);
        return callStatus switch
        {
            "in-progress" or "answered" => new ProviderEvent(ProviderEventKind.CallbackAnswered, $"{legSid}:callback-answered", at, null),
            "busy" or "failed" or "no-answer" or "canceled" => new ProviderEvent(ProviderEventKind.CallbackNotAnswered, $"{legSid}:callback-not-answered", at, null),
            "completed" => new ProviderEvent(ProviderEventKind.CallerHungUp, $"{legSid}:caller-ended", at, null),
            _ => null,
        };
    }

    /// <summary>A counsellor's leg rung into the caller's conference.</summary>
    public static ProviderEvent? CounselorLeg(string legSid, string counselorId, string? callStatus, string? timestamp)
    {
        var at = ParseTimestamp(timestamp);
        return callStatus switch
        {
            "in-progress" or "answered" => new ProviderEvent(ProviderEventKind.CounselorAnswered, $"{legSid}:answered", at, counselorId, legSid),
            "busy" or "failed" or "no-answer" or "canceled" => new ProviderEvent(ProviderEventKind.CounselorNoAnswer, $"{legSid}:not-answered", at, counselorId),
            "completed" => new ProviderEvent(ProviderEventKind.CounselorHungUp, $"{legSid}:completed", at, counselorId),
            _ => null,
        };
    }

    /// <summary>
    /// A conference event about the caller: hold and unhold are recorded on the call; joins, leaves and
    /// the rest are covered by the legs' own status callbacks, so they change nothing here.
    /// </summary>
    public static ProviderEvent? Conference(string conferenceSid, string? statusCallbackEvent, string? participantLabel, string? sequenceNumber, string? timestamp)
    {
        if (participantLabel != "caller")
        {
            return null;
        }

        var kind = statusCallbackEvent switch
        {
            "participant-hold" => ProviderEventKind.Held,
            "participant-unhold" => ProviderEventKind.Resumed,
            _ => (ProviderEventKind?)null,
        };
        return kind is null ? null : new ProviderEvent(kind.Value, $"{conferenceSid}:{statusCallbackEvent}:{sequenceNumber}", ParseTimestamp(timestamp), null);
    }

    /// <summary>
    /// What a conference callback says about the conference itself: it started or someone joined (its SID is the one to
    /// address participants by from now on), or it ended. Null for events that say nothing about which conference it is.
    /// </summary>
    public static ConferenceChange? ConferenceLifecycle(string conferenceSid, string? statusCallbackEvent) => statusCallbackEvent switch
    {
        "conference-start" or "participant-join" => new ConferenceChange(conferenceSid, Ended: false),
        "conference-end" => new ConferenceChange(conferenceSid, Ended: true),
        _ => null,
    };

    /// <summary>
    /// The final status of a follow-up dial's caller leg. Picked up is answered (the counsellor says by whom); a
    /// cancelled dial rang out unanswered as far as the caller is concerned. Other statuses yield nothing.
    /// </summary>
    public static FollowUpDialOutcome? FollowUpDial(string? callStatus) => callStatus switch
    {
        "in-progress" or "answered" => FollowUpDialOutcome.Answered,
        "completed" => FollowUpDialOutcome.Completed,
        "busy" => FollowUpDialOutcome.Busy,
        "no-answer" or "canceled" => FollowUpDialOutcome.NoAnswer,
        "failed" => FollowUpDialOutcome.Failed,
        _ => null,
    };

    /// <summary>Twilio's RFC 2822 <c>Timestamp</c>; the receipt time when absent or unreadable.</summary>
    public static DateTimeOffset ParseTimestamp(string? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : default;
}

/// <summary>A conference's SID became known (<see cref="Ended"/> false) or the conference ended.</summary>
public sealed record ConferenceChange(string ConferenceSid, bool Ended);
