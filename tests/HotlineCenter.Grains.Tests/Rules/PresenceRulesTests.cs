using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Grains.Counselors;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class PresenceRulesTests
{
    [Theory]
    [InlineData(PresenceState.Offline, PresenceState.Available)]
    [InlineData(PresenceState.Available, PresenceState.Break)]
    [InlineData(PresenceState.Break, PresenceState.Available)]
    [InlineData(PresenceState.Available, PresenceState.Offered)]
    [InlineData(PresenceState.Offered, PresenceState.OnCall)]
    [InlineData(PresenceState.Offered, PresenceState.NotResponding)]
    [InlineData(PresenceState.OnCall, PresenceState.WrapUp)]
    [InlineData(PresenceState.WrapUp, PresenceState.Available)]
    [InlineData(PresenceState.NotResponding, PresenceState.Available)]
    [InlineData(PresenceState.Training, PresenceState.Supervision)]
    [InlineData(PresenceState.Offline, PresenceState.Training)]
    public void Legal_moves_are_allowed(PresenceState from, PresenceState to) => Assert.True(PresenceRules.CanMove(from, to));

    [Theory]
    [InlineData(PresenceState.Offline, PresenceState.OnCall)]
    [InlineData(PresenceState.Offline, PresenceState.Break)]
    [InlineData(PresenceState.Break, PresenceState.Offered)]
    [InlineData(PresenceState.OnCall, PresenceState.Offline)]
    [InlineData(PresenceState.OnCall, PresenceState.Available)]
    [InlineData(PresenceState.Offered, PresenceState.Break)]
    [InlineData(PresenceState.WrapUp, PresenceState.OnCall)]
    [InlineData(PresenceState.Available, PresenceState.Available)]
    public void Illegal_moves_are_refused(PresenceState from, PresenceState to) => Assert.False(PresenceRules.CanMove(from, to));

    [Fact]
    public void Only_presence_choices_are_self_service()
    {
        var self = Enum.GetValues<PresenceState>().Where(PresenceRules.IsSelfServiceTarget).ToHashSet();

        Assert.Equal(
            new HashSet<PresenceState> { PresenceState.Offline, PresenceState.Available, PresenceState.Break, PresenceState.Training, PresenceState.Supervision },
            self);
    }
}
