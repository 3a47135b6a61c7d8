using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Tests;

/// <summary>libphonenumber-csharp's offline geocoder (its data ships in the package) places the number before it is protected.</summary>
public sealed class NumberRegionsTests
{
    [Theory]
    [InlineData("+8618991234567", "陕西省西安市")]
    [InlineData("+862988888888", "陕西省西安市、咸阳市")]
    [InlineData("+8613800138000", "北京市")]
    [InlineData("+8613912345678", "江苏省常州市")]
    [InlineData("+14155550100", "美国")]
    [InlineData("+999", null)]
    [InlineData("not a number", null)]
    public void A_number_is_placed_by_the_offline_geocoder(string number, string? region) => Assert.Equal(region, NumberRegions.Of(number));

    [Fact]
    public void The_protected_caller_carries_the_region_but_never_the_number()
    {
        var protector = new CallerIdentityProtector(Options.Create(TestKeys.Options(hashKey: new string('k', 32))));

        var caller = protector.Protect("+8618991234567");

        Assert.Equal("陕西省西安市", caller.NumberRegion);
        Assert.DoesNotContain("18991234567", caller.MaskedNumber + caller.CallerHash + caller.EncryptedNumber);
    }
}
