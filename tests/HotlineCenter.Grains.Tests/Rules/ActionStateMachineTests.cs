using HotlineCenter.Abstractions.Common;
using System.Collections.Immutable;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Grains.Crises;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>Every (from, to) pair of the action state machine, with and without a required approval.</summary>
public sealed class ActionStateMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    /// <summary>The legal moves; every other pair must be refused.</summary>
    private static readonly HashSet<(ActionState, ActionState, bool)> Legal = BuildLegal();

    public static TheoryData<ActionState, ActionState, bool> EveryPair()
    {
        var data = new TheoryData<ActionState, ActionState, bool>();
        foreach (var from in Enum.GetValues<ActionState>())
        {
            foreach (var to in Enum.GetValues<ActionState>())
            {
                data.Add(from, to, false);
                data.Add(from, to, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Only_the_documented_moves_are_allowed_and_a_refused_one_changes_nothing(ActionState from, ActionState to, bool requiresApproval)
    {
        var action = new CrisisAction
        {
            ActionId = "a1", Kind = ActionKind.Police110, State = from, RequiresApproval = requiresApproval,
            StateSince = Now.AddMinutes(-1), DeadlineAt = Now.AddMinutes(1), Reason = "before",
        };

        if (Legal.Contains((from, to, requiresApproval)))
        {
            var moved = ActionStateMachine.Move(action, to, Now, "理由");
            Assert.Equal((to, Now), (moved.State, moved.StateSince));
        }
        else
        {
            var refused = Assert.Throws<HotlineRuleException>(() => ActionStateMachine.Move(action, to, Now, "理由"));
            Assert.Equal("crisis.illegal-transition", refused.Code);
            Assert.Equal((from, Now.AddMinutes(-1), Now.AddMinutes(1), "before"), (action.State, action.StateSince, action.DeadlineAt, action.Reason));
        }
    }

    [Theory]
    [InlineData(ActionState.Failed, null)]
    [InlineData(ActionState.Failed, "  ")]
    [InlineData(ActionState.Cancelled, "")]
    public void Failing_or_cancelling_needs_a_reason(ActionState to, string? reason)
    {
        var action = new CrisisAction { ActionId = "a1", Kind = ActionKind.Ambulance120, State = ActionState.Requested };

        Assert.Equal("crisis.reason-required", Assert.Throws<HotlineRuleException>(() => ActionStateMachine.Move(action, to, Now, reason)).Code);
    }

    [Theory]
    [InlineData(ActionState.Proposed, 120)]
    [InlineData(ActionState.Approved, 120)]
    [InlineData(ActionState.Requested, 300)]
    [InlineData(ActionState.Acknowledged, 900)]
    [InlineData(ActionState.EnRoute, 3600)]
    public void Each_open_state_gets_its_default_deadline(ActionState state, int seconds) =>
        Assert.Equal(Now.AddSeconds(seconds), ActionStateMachine.DeadlineFor([], state, Now));

    [Theory]
    [InlineData(ActionState.Completed)]
    [InlineData(ActionState.Failed)]
    [InlineData(ActionState.Cancelled)]
    public void A_final_state_has_no_deadline(ActionState state) => Assert.Null(ActionStateMachine.DeadlineFor([], state, Now));

    [Fact]
    public void A_rule_deadline_overrides_the_default_for_its_state_only()
    {
        var overrides = new[] { new StateDeadline(ActionState.Requested, 60) }.ToImmutableArray();

        Assert.Equal((Now.AddSeconds(60), Now.AddMinutes(15)), (ActionStateMachine.DeadlineFor(overrides, ActionState.Requested, Now), ActionStateMachine.DeadlineFor(overrides, ActionState.Acknowledged, Now)));
    }

    [Theory]
    [InlineData(ActionKind.FollowUp, ActionState.Proposed, true)]
    [InlineData(ActionKind.FollowUp, ActionState.Requested, true)]
    [InlineData(ActionKind.FollowUp, ActionState.Completed, false)]
    [InlineData(ActionKind.FollowUp, ActionState.Cancelled, false)]
    [InlineData(ActionKind.Police110, ActionState.Proposed, false)]
    [InlineData(ActionKind.Ambulance120, ActionState.EnRoute, false)]
    public void Only_an_open_follow_up_is_handed_to_the_follow_up_list(ActionKind kind, ActionState from, bool allowed)
    {
        var action = new CrisisAction { ActionId = "a1", Kind = kind, State = from, StateSince = Now.AddMinutes(-1), DeadlineAt = Now.AddHours(23) };

        if (allowed)
        {
            var handed = ActionStateMachine.HandToFollowUps(action, Now, "scheduled");
            Assert.Equal((ActionState.Completed, Now, (DateTimeOffset?)null, "scheduled"), (handed.State, handed.StateSince, handed.DeadlineAt, handed.Note));
        }
        else
        {
            Assert.Equal("crisis.illegal-transition", Assert.Throws<HotlineRuleException>(() => ActionStateMachine.HandToFollowUps(action, Now, "scheduled")).Code);
        }
    }

    private static HashSet<(ActionState, ActionState, bool)> BuildLegal()
    {
        var legal = new HashSet<(ActionState, ActionState, bool)>();
        foreach (var approval in new[] { false, true })
        {
            legal.Add((ActionState.Proposed, ActionState.Approved, approval));
            legal.Add((ActionState.Approved, ActionState.Requested, approval));
            legal.Add((ActionState.Requested, ActionState.Acknowledged, approval));
            legal.Add((ActionState.Acknowledged, ActionState.EnRoute, approval));
            legal.Add((ActionState.EnRoute, ActionState.Completed, approval));
            foreach (var open in new[] { ActionState.Proposed, ActionState.Approved, ActionState.Requested, ActionState.Acknowledged, ActionState.EnRoute })
            {
                legal.Add((open, ActionState.Failed, approval));
                legal.Add((open, ActionState.Cancelled, approval));
            }
        }

        // Without a required approval a proposal may be requested at once (life first).
        legal.Add((ActionState.Proposed, ActionState.Requested, false));
        return legal;
    }
}
