using HotlineCenter.Grains.Accounts;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class LockoutPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fifth_failure_locks_for_fifteen_minutes_and_resets_the_count()
    {
        Assert.Equal((4, (DateTimeOffset?)null), LockoutPolicy.AfterFailure(3, Now));
        Assert.Equal((0, (DateTimeOffset?)Now.AddMinutes(15)), LockoutPolicy.AfterFailure(4, Now));
    }

    [Fact]
    public void Lock_holds_until_its_time_then_lifts()
    {
        var until = Now.AddMinutes(15);

        Assert.True(LockoutPolicy.IsLocked(until, Now.AddMinutes(14)));
        Assert.False(LockoutPolicy.IsLocked(until, until));
        Assert.False(LockoutPolicy.IsLocked(null, Now));
    }
}

public sealed class LockoutSourceKeyTests
{
    [Theory]
    [InlineData(null, "unknown")]
    [InlineData("", "unknown")]
    [InlineData("  ", "unknown")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    public void Each_client_address_is_counted_under_its_own_key(string? address, string key) =>
        Assert.Equal(key, LockoutPolicy.SourceKey(address));
}
