using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Records;
using HotlineCenter.Grains.Caseload;
using HotlineCenter.Grains.Centres;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class FollowUpRulesTests
{
    private static readonly DateTimeOffset Due = new(2026, 12, 4, 2, 0, 0, TimeSpan.Zero);

    private static FollowUpItem Item(FollowUpStatus status = FollowUpStatus.Open, int failed = 0, DateTimeOffset? closedAt = null, string id = "CA1") =>
        new(id, "c-wang", "138****0000", RiskLevel.High, Due.AddHours(-24), Due, status, failed, null, closedAt, OverdueAt: Due.AddHours(2));

    public static TheoryData<FollowUpStatus, double, FollowUpPhase> Phases => new()
    {
        { FollowUpStatus.Open, -0.01, FollowUpPhase.Upcoming },
        { FollowUpStatus.Open, 0, FollowUpPhase.DueNow },
        { FollowUpStatus.Open, 1.99, FollowUpPhase.DueNow },
        { FollowUpStatus.Open, 2, FollowUpPhase.Overdue },
        { FollowUpStatus.Escalated, -5, FollowUpPhase.Escalated },
        { FollowUpStatus.Escalated, 5, FollowUpPhase.Escalated },
        { FollowUpStatus.Done, 5, FollowUpPhase.Done },
        { FollowUpStatus.Closed, -5, FollowUpPhase.Done },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public void Phase_follows_the_due_time_and_the_grace(FollowUpStatus status, double hoursAfterDue, FollowUpPhase expected) =>
        Assert.Equal(expected, FollowUpRules.Phase(Item(status), Due.AddHours(hoursAfterDue)));

    public static TheoryData<int, FollowUpOutcome, int, FollowUpStatus, int> Outcomes => new()
    {
        // failed before, outcome, escalate after → status, failed after
        { 0, FollowUpOutcome.NotReached, 3, FollowUpStatus.Open, 1 },
        { 1, FollowUpOutcome.NotReached, 3, FollowUpStatus.Open, 2 },
        { 2, FollowUpOutcome.NotReached, 3, FollowUpStatus.Escalated, 3 },
        { 0, FollowUpOutcome.NotReached, 1, FollowUpStatus.Escalated, 1 },
        { 3, FollowUpOutcome.NotReached, 5, FollowUpStatus.Open, 4 },
        { 0, FollowUpOutcome.WrongNumber, 3, FollowUpStatus.Escalated, 1 },
        { 2, FollowUpOutcome.Reached, 3, FollowUpStatus.Done, 2 },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Outcome_closes_counts_or_escalates(int failed, FollowUpOutcome outcome, int escalateAfter, FollowUpStatus status, int failedAfter)
    {
        var next = FollowUpRules.AfterOutcome(Item(failed: failed), outcome, Due, escalateAfter);

        Assert.Equal((status, failedAfter, outcome, Due), (next.Status, next.FailedAttempts, next.LastOutcome!.Value, next.LastAttemptAt!.Value));
        Assert.Equal(status == FollowUpStatus.Done ? Due : null, next.ClosedAt);
    }

    [Fact]
    public void Next_reminder_is_the_due_time_then_the_end_of_the_grace_then_none()
    {
        var early = Due.AddHours(-3);

        Assert.Equal(Due, FollowUpRules.NextCheck(Item(), dueRaised: false, overdueRaised: false, early));
        Assert.Equal(Due.AddMinutes(30), FollowUpRules.NextCheck(Item(), dueRaised: false, overdueRaised: false, Due.AddMinutes(30)));
        Assert.Equal(Due.AddHours(2), FollowUpRules.NextCheck(Item(), dueRaised: true, overdueRaised: false, Due));
        Assert.Equal(Due.AddHours(2), FollowUpRules.NextCheck(Item(FollowUpStatus.Escalated), dueRaised: false, overdueRaised: false, early));
        Assert.Null(FollowUpRules.NextCheck(Item(), dueRaised: true, overdueRaised: true, Due));
        Assert.Null(FollowUpRules.NextCheck(Item(FollowUpStatus.Done), dueRaised: false, overdueRaised: false, early));
        Assert.Null(FollowUpRules.NextCheck(Item(FollowUpStatus.Closed), dueRaised: false, overdueRaised: false, early));
    }

    [Fact]
    public void Board_groups_by_phase_most_urgent_first_and_keeps_done_for_two_days()
    {
        var now = Due.AddHours(1);
        var items = new[]
        {
            Item(id: "up") with { DueAt = Due.AddHours(5), OverdueAt = Due.AddHours(7) },
            Item(id: "due2") with { DueAt = Due.AddMinutes(30) },
            Item(id: "due1"),
            Item(id: "late") with { DueAt = Due.AddHours(-3), OverdueAt = Due.AddHours(-1) },
            Item(FollowUpStatus.Escalated, 3, id: "esc"),
            Item(FollowUpStatus.Done, closedAt: now.AddDays(-1), id: "done-old"),
            Item(FollowUpStatus.Closed, closedAt: now.AddMinutes(-5), id: "done-new"),
            Item(FollowUpStatus.Done, closedAt: now.AddDays(-3), id: "done-gone"),
        };

        var board = FollowUpRules.Board("xa", items, now);

        Assert.Equal(["due1", "due2"], board.DueNow.Select(i => i.CallId));
        Assert.Equal(["late"], board.Overdue.Select(i => i.CallId));
        Assert.Equal(["esc"], board.Escalated.Select(i => i.CallId));
        Assert.Equal(["up"], board.Upcoming.Select(i => i.CallId));
        Assert.Equal(["done-new", "done-old"], board.DoneRecently.Select(i => i.CallId));
    }

    [Fact]
    public void Centre_settings_read_zero_as_the_default()
    {
        var stored = Config() with { FollowUpAttemptsBeforeEscalation = 0, FollowUpOverdueGraceMinutes = 0, CallbackAttempts = 0, CallbackRetrySeconds = 0 };
        var tuned = Config() with { FollowUpAttemptsBeforeEscalation = 5, FollowUpOverdueGraceMinutes = 30, CallbackAttempts = 2, CallbackRetrySeconds = 120 };

        Assert.Equal((3, TimeSpan.FromHours(2), 3, TimeSpan.FromMinutes(5)),
            (FollowUpRules.EscalateAfter(stored), FollowUpRules.OverdueGrace(stored), FollowUpRules.CallbackAttempts(stored), FollowUpRules.CallbackRetry(stored)));
        Assert.Equal((5, TimeSpan.FromMinutes(30), 2, TimeSpan.FromMinutes(2)),
            (FollowUpRules.EscalateAfter(tuned), FollowUpRules.OverdueGrace(tuned), FollowUpRules.CallbackAttempts(tuned), FollowUpRules.CallbackRetry(tuned)));
        Assert.Equal((3, TimeSpan.FromHours(2), 3, TimeSpan.FromMinutes(5)),
            (FollowUpRules.EscalateAfter(Config()), FollowUpRules.OverdueGrace(Config()), FollowUpRules.CallbackAttempts(Config()), FollowUpRules.CallbackRetry(Config())));
    }

    [Theory]
    [InlineData(11, 120, 3, 300, "followUpAttemptsBeforeEscalation")]
    [InlineData(3, 1441, 3, 300, "followUpOverdueGraceMinutes")]
    [InlineData(3, 120, 11, 300, "callbackAttempts")]
    [InlineData(3, 120, 3, 59, "callbackRetrySeconds")]
    [InlineData(3, 120, 3, 3601, "callbackRetrySeconds")]
    [InlineData(-1, 120, 3, 300, "followUpAttemptsBeforeEscalation")]
    public void Validator_refuses_follow_up_and_callback_settings_out_of_range(int attempts, int grace, int callbacks, int retry, string field)
    {
        var config = Config() with { FollowUpAttemptsBeforeEscalation = attempts, FollowUpOverdueGraceMinutes = grace, CallbackAttempts = callbacks, CallbackRetrySeconds = retry };

        var problem = Assert.Single(CentreConfigValidator.Validate(config, "xa"));
        Assert.Contains(field, problem, StringComparison.Ordinal);
        Assert.Empty(CentreConfigValidator.Validate(Config(), "xa"));
    }

    private static CentreConfig Config() => new()
    {
        CentreId = "xa",
        DisplayName = "西安",
        Queues = [new Abstractions.Queues.QueueConfig { QueueId = "general", DisplayName = "综合" }],
        IvrOptions = [new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null)],
        DefaultQueueId = "general",
    };
}
