using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Grains.Caseload;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>What the provider reports of a follow-up dial beside the counsellor's own record: the counsellor's word stands.</summary>
public sealed class FollowUpProviderOutcomeTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 2, 0, 0, TimeSpan.Zero);

    private static FollowUpAttemptEntry By(string by, int dial, FollowUpOutcome outcome = FollowUpOutcome.NotReached) => new(At, by, outcome, null, dial);

    public static TheoryData<string, int, FollowUpDialOutcome, bool> Counts => new()
    {
        // attempts so far ("" none; "c:n" counsellor for dial n; "p:n" provider for dial n), dial, outcome → counts as that dial's attempt
        { "", 1, FollowUpDialOutcome.Busy, true },
        { "", 1, FollowUpDialOutcome.NoAnswer, true },
        { "", 1, FollowUpDialOutcome.Failed, true },
        { "", 1, FollowUpDialOutcome.Answered, false },      // only the counsellor knows who picked up
        { "", 1, FollowUpDialOutcome.Completed, false },
        { "c:1", 1, FollowUpDialOutcome.NoAnswer, false },   // the counsellor recorded this dial already
        { "p:1", 1, FollowUpDialOutcome.NoAnswer, false },   // reported before
        { "c:1", 2, FollowUpDialOutcome.Busy, true },        // another dial
        { "", 0, FollowUpDialOutcome.Busy, false },          // no dial from the desk
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void A_busy_unanswered_or_failed_dial_counts_as_its_attempt_unless_the_dial_has_one(string attempts, int dial, FollowUpDialOutcome outcome, bool expected) =>
        Assert.Equal(expected, FollowUpRules.ProviderOutcomeCounts(Parse(attempts), dial, outcome));

    public static TheoryData<string, int, int, int> Records => new()
    {
        // attempts so far, dials so far → the dial the counsellor's record belongs to, the index of the provider's attempt it replaces
        { "", 0, 0, -1 },                 // never dialled from the desk: a record of its own
        { "", 1, 1, -1 },                 // the latest dial, not reported yet
        { "p:1", 1, 1, 0 },               // takes the place of the provider's report of that dial
        { "c:1,p:2", 2, 2, 1 },
        { "c:1", 1, 0, -1 },              // recorded already: a further record stands alone
        { "p:1", 2, 2, -1 },              // dial 2 is the latest; the report of dial 1 stays
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void The_counselors_record_belongs_to_the_latest_dial_they_have_not_recorded_and_replaces_the_providers(string attempts, int dials, int dial, int replaces) =>
        Assert.Equal((dial, replaces), FollowUpRules.CounselorRecordFor(Parse(attempts), dials));

    private static List<FollowUpAttemptEntry> Parse(string attempts) =>
        [.. attempts.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(a => By(a[0] == 'p' ? FollowUpRules.ProviderBy : "c-wang", int.Parse(a[2..], System.Globalization.CultureInfo.InvariantCulture)))];
}
