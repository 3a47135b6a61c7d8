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
    [InlineData(PresenceState.OnCall, PresenceState.Decompression)]
    [InlineData(PresenceState.Decompression, PresenceState.Available)]
    [InlineData(PresenceState.Decompression, PresenceState.Offline)]
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
    [InlineData(PresenceState.Available, PresenceState.Decompression)]
    [InlineData(PresenceState.WrapUp, PresenceState.Decompression)]
    [InlineData(PresenceState.Decompression, PresenceState.Offered)]
    [InlineData(PresenceState.Decompression, PresenceState.Break)]
    [InlineData(PresenceState.Decompression, PresenceState.WrapUp)]
    public void Illegal_moves_are_refused(PresenceState from, PresenceState to) => Assert.False(PresenceRules.CanMove(from, to));

    [Fact]
    public void Only_presence_choices_are_self_service()
    {
        var self = Enum.GetValues<PresenceState>().Where(PresenceRules.IsSelfServiceTarget).ToHashSet();

        Assert.Equal(
            new HashSet<PresenceState> { PresenceState.Offline, PresenceState.Available, PresenceState.Break, PresenceState.Training, PresenceState.Supervision },
            self);
    }

    [Theory]
    [InlineData(PresenceState.Decompression, PresenceState.Available, false)]
    [InlineData(PresenceState.Decompression, PresenceState.Training, false)]
    [InlineData(PresenceState.Decompression, PresenceState.Offline, true)]
    [InlineData(PresenceState.WrapUp, PresenceState.Available, true)]
    [InlineData(PresenceState.Break, PresenceState.Available, true)]
    public void Only_signing_out_is_the_counsellors_own_way_out_of_decompression(PresenceState from, PresenceState target, bool allowed) =>
        Assert.Equal(allowed, PresenceRules.MayChooseFrom(from, target));

    [Theory]
    [InlineData(false, false, 10, PresenceState.WrapUp)]
    [InlineData(true, false, 10, PresenceState.WrapUp)]
    [InlineData(true, true, 10, PresenceState.Decompression)]
    [InlineData(true, true, 0, PresenceState.WrapUp)]
    public void A_crisis_call_ends_in_decompression_when_the_centre_has_it(bool factsKnown, bool crisis, int minutes, PresenceState expected) =>
        Assert.Equal(expected, PresenceRules.AfterCall(factsKnown ? new CallEndFacts(crisis, minutes) : null));
}
