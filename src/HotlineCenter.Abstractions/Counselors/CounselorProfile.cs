using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Counselors;

/// <summary>A skill and how well the counsellor has it (1 = trained, 5 = expert).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.skill-level")]
public sealed record SkillLevel([property: Id(0)] string Skill, [property: Id(1)] int Level);

/// <summary>Who a counsellor is and what they can take.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.counselor-profile")]
public sealed record CounselorProfile(
    [property: Id(0)] string CentreId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] ImmutableArray<SkillLevel> Skills,
    [property: Id(3)] ImmutableArray<string> Languages,
    [property: Id(4)] ImmutableArray<string> QueueIds,
    [property: Id(5)] AnswerDevice? Device = null)
{
    public int LevelOf(string skill)
    {
        foreach (var s in Skills)
        {
            if (string.Equals(s.Skill, skill, StringComparison.Ordinal))
            {
                return s.Level;
            }
        }

        return 0;
    }
}

/// <summary>How a counsellor answers: in the browser (softphone) or on a phone number.</summary>
[GenerateSerializer]
public enum DeviceKind
{
    Browser = 0,
    Phone = 1,
}

/// <summary>The counsellor's answering device; a phone number is staff data, never shown to callers.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.answer-device")]
public sealed record AnswerDevice([property: Id(0)] DeviceKind Kind, [property: Id(1)] string? PhoneNumber);

/// <summary>One time-stamped presence change.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.presence-change")]
public sealed record PresenceChange(
    [property: Id(0)] PresenceState From,
    [property: Id(1)] PresenceState To,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Reason);

/// <summary>What screens and the router see of a counsellor.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.counselor-snapshot")]
public sealed record CounselorSnapshot(
    [property: Id(0)] string CounselorId,
    [property: Id(1)] CounselorProfile? Profile,
    [property: Id(2)] PresenceState State,
    [property: Id(3)] DateTimeOffset StateSince,
    [property: Id(4)] DateTimeOffset? IdleSince,
    [property: Id(5)] string? CallId,
    [property: Id(6)] string? QueueKey,
    [property: Id(7)] DateTimeOffset? WrapUpUntil,
    [property: Id(8)] ImmutableArray<PresenceChange> RecentChanges,
    [property: Id(9)] DateTimeOffset? OfferDeadline = null,
    [property: Id(10)] DateTimeOffset? HandRaisedAt = null,
    [property: Id(11)] DateTimeOffset? DecompressionUntil = null,
    [property: Id(12)] int HighRiskCallsThisShift = 0,
    [property: Id(13)] bool DebriefWritten = false);

/// <summary>What the call tells its counsellor when they leave it: was it a crisis call, and how long the centre decompresses after one.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.call-end-facts")]
public sealed record CallEndFacts([property: Id(0)] bool WasCrisis, [property: Id(1)] int DecompressionMinutes);

/// <summary>A counsellor's short debrief after a crisis call (wellbeing, not the contact record).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.debrief")]
public sealed record Debrief([property: Id(0)] string CallId, [property: Id(1)] string Note, [property: Id(2)] DateTimeOffset At);

/// <summary>What a queue needs to know to route to an available counsellor.</summary>
/// <param name="PreferredQueueKey">
/// Set when the counsellor serves several queues and chose this one's call as the most urgent among them: the other
/// queues leave them alone until they say otherwise, and the chosen queue tells them if it has nothing for them after all.
/// </param>
[GenerateSerializer, Immutable]
[Alias("hotline.counselor-availability")]
public sealed record CounselorAvailability(
    [property: Id(0)] string CounselorId,
    [property: Id(1)] DateTimeOffset IdleSince,
    [property: Id(2)] ImmutableArray<SkillLevel> Skills,
    [property: Id(3)] ImmutableArray<string> Languages,
    [property: Id(4)] long Sequence,
    [property: Id(5)] string? PreferredQueueKey = null,
    [property: Id(6)] int HighRiskCallsThisShift = 0);

/// <summary>What happened when a queue's ring timer ran out.</summary>
[GenerateSerializer]
public enum OfferTimeoutOutcome
{
    /// <summary>The counsellor was still being rung: now NotResponding, the call goes to the next.</summary>
    TimedOut = 0,
    /// <summary>The counsellor had accepted just before: the call is theirs.</summary>
    AlreadyAccepted = 1,
    /// <summary>The counsellor holds no offer for this call.</summary>
    NotOffered = 2,
}

/// <summary>A call a counsellor accepted.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.handled-call")]
public sealed record HandledCall(
    [property: Id(0)] string CallId,
    [property: Id(1)] string QueueKey,
    [property: Id(2)] DateTimeOffset AcceptedAt);
