using HotlineCenter.Abstractions.Callers;
using HotlineCenter.Grains.Callers;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class BlockRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("反复骚扰值班人员", 7, false, null)]
    [InlineData("x", 1, false, null)]
    [InlineData("x", 90, false, null)]
    [InlineData("x", 0, false, "block.days-out-of-range")]
    [InlineData("x", 91, false, "block.days-out-of-range")]
    [InlineData("  ", 7, false, "block.reason-required")]
    [InlineData(null, 7, false, "block.reason-required")]
    [InlineData("x", 7, true, "block.withheld")]
    public void A_block_needs_a_reason_a_known_number_and_1_to_90_days(string? reason, int days, bool withheld, string? expected) =>
        Assert.Equal(expected, BlockRules.Problem(reason, days, withheld));

    [Fact]
    public void A_reason_longer_than_500_characters_is_refused() =>
        Assert.Equal("block.reason-too-long", BlockRules.Problem(new string('x', 501), 7, false));

    [Theory]
    // The danger option always gets through; otherwise the block holds until its time.
    [InlineData(false, 0, true)]
    [InlineData(true, 0, false)]
    [InlineData(false, 24 * 60 - 1, true)]
    [InlineData(false, 24 * 60, false)]
    [InlineData(false, 24 * 60 + 1, false)]
    public void A_block_keeps_out_non_danger_choices_until_it_expires(bool choseDanger, int minutesLater, bool keptOut)
    {
        var block = new CallerBlock("x", "sup", T0, T0.AddDays(1), "CA1");

        Assert.Equal(keptOut, BlockRules.KeepsOut(block, choseDanger, T0.AddMinutes(minutesLater)));
    }

    [Fact]
    public void No_block_keeps_nobody_out() => Assert.False(BlockRules.KeepsOut(null, false, T0));
}
