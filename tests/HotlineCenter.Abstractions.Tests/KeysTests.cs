using HotlineCenter.Abstractions.Common;

namespace HotlineCenter.Abstractions.Tests;

public sealed class KeysTests
{
    [Fact]
    public void Queue_key_round_trips_through_parse()
    {
        var key = Keys.Queue("xa-12356", "general");

        Assert.Equal("xa-12356/general", key);
        Assert.Equal(("xa-12356", "general"), Keys.ParseQueue(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/general")]
    [InlineData("xa-12356/")]
    [InlineData("a/b/c")]
    [InlineData("no-slash")]
    public void Malformed_queue_key_is_a_rule_error(string key)
    {
        var ex = Assert.Throws<HotlineRuleException>(() => Keys.ParseQueue(key));

        Assert.Equal("key.invalid-queue", ex.Code);
    }

    [Theory]
    [InlineData("xa-12356", true)]
    [InlineData("c_wang", true)]
    [InlineData("Upper", false)]
    [InlineData("has space", false)]
    [InlineData("../etc", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Ids_are_lower_case_ascii_words(string? id, bool valid) => Assert.Equal(valid, Keys.IsValidId(id));

    [Fact]
    public void Ids_longer_than_64_characters_are_refused()
    {
        Assert.True(Keys.IsValidId(new string('a', 64)));
        Assert.False(Keys.IsValidId(new string('a', 65)));
    }

    [Theory]
    [InlineData("CA1234567890abcdef1234567890abcdef", true)]
    [InlineData("SIM0f", true)]
    [InlineData("CA12/../x", false)]
    [InlineData("CA 1", false)]
    public void Call_ids_allow_provider_sids_and_nothing_else(string id, bool valid) => Assert.Equal(valid, Keys.IsValidCallId(id));
}
