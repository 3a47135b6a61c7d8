using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Tests;

public sealed class CallerIdentityProtectorTests
{
    private static CallerIdentityProtector Protector(string key) =>
        new(Options.Create(new CallerIdentityOptions { CallerHashKey = key }));

    [Fact]
    public void Same_number_gives_the_same_hash_however_it_is_formatted()
    {
        var protector = Protector("k-0123456789-0123456789-0123456789");

        var a = protector.Protect("+86 138-0013-8000");
        var b = protector.Protect("+8613800138000");

        Assert.Equal(a.CallerHash, b.CallerHash);
        Assert.Equal(64, a.CallerHash.Length);
    }

    [Fact]
    public void Hash_depends_on_the_key_so_a_leaked_hash_cannot_be_looked_up_without_it()
    {
        var one = Protector("k-0123456789-0123456789-0123456789").Protect("+8613800138000");
        var other = Protector("x-0123456789-0123456789-0123456789").Protect("+8613800138000");

        Assert.NotEqual(one.CallerHash, other.CallerHash);
        Assert.DoesNotContain("13800138000", one.CallerHash);
    }

    [Fact]
    public void Encrypted_number_reveals_only_with_the_same_key_and_never_contains_the_digits()
    {
        var protector = Protector("k-0123456789-0123456789-0123456789");

        var caller = protector.Protect("+8613800138000");

        Assert.DoesNotContain("13800138000", caller.EncryptedNumber);
        Assert.Equal("+8613800138000", protector.RevealForDialling(caller));
        Assert.Null(Protector("x-0123456789-0123456789-0123456789").RevealForDialling(caller));
        Assert.Null(protector.RevealForDialling(caller with { EncryptedNumber = "not base64!" }));
        Assert.NotEqual(caller.EncryptedNumber, protector.Protect("+8613800138000").EncryptedNumber);
    }

    [Theory]
    [InlineData("+8613800138000", "+86138****8000")]
    [InlineData("13800138000", "138****8000")]
    [InlineData("12356", "*****")]
    public void Masked_number_keeps_only_prefix_and_last_four(string number, string masked) =>
        Assert.Equal(masked, CallerIdentityProtector.Mask(number));
}
