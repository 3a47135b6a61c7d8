using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Grains.Crises;

namespace HotlineCenter.Grains.Tests.Rules;

/// <summary>Green-channel matching and directory validation as tables.</summary>
public sealed class LinkageDirectoryRulesTests
{
    private static readonly GreenChannelHospital[] Hospitals =
    [
        new("adult", "A 市精神卫生中心", "雁塔区", [Population.Adult, Population.Elderly], "02911111111", null, null, true),
        new("youth", "B 儿童医院心理科", "雁塔区", [Population.Youth], "02922222222", null, null, true),
        new("both", "C 第三医院", "长安区", [Population.Adult, Population.Youth], "02933333333", null, null, true),
        new("closed", "D 青少年医院", "雁塔区", [Population.Youth], "02944444444", null, null, false),
    ];

    [Theory]
    [InlineData("雁塔区", false, new[] { "adult" })]
    [InlineData("雁塔区", true, new[] { "youth" })]
    [InlineData(" 长安区 ", true, new[] { "both" })]
    [InlineData(null, true, new[] { "youth", "both" })]
    [InlineData(null, false, new[] { "adult", "both" })]
    [InlineData("碑林区", false, new string[0])]
    public void Hospitals_match_by_region_population_and_availability(string? region, bool minor, string[] expected) =>
        Assert.Equal(expected, HospitalMatcher.Match(Hospitals, region, minor).Select(h => h.HospitalId));

    [Fact]
    public void Directory_problems_are_all_listed()
    {
        var directory = new LinkageDirectory(
        [
            new("h1", "", "雁塔区", [], "12", "ftp://x.example/sheets", "ref", true),
            new("h1", "医院", "雁塔区", [Population.Youth], "02911111111", null, "dangling", true),
        ],
        [
            new("r110", ActionKind.Police110, "110", null, null, null),
            new("r120", ActionKind.Ambulance120, "120", "120", "https://user:pw@x.example/120", "r120"),
        ], "+");

        Assert.Equal(
        [
            "hospital 'h1': the name must be 1–100 characters",
            "hospital 'h1': say which populations it serves",
            "hospital 'h1': the 24 h number must be 3–20 digits (optionally starting with +)",
            "hospital 'h1': the linkage endpoint must be an absolute http(s) URL without credentials",
            "hospital 'h1': the id must be unique and 1–64 characters a-z, 0-9, '-' or '_'",
            "hospital 'h1': a secret reference without a linkage endpoint",
            "receiver 'r110': needs a dispatcher number, a linkage endpoint, or both",
            "receiver 'r120': the linkage endpoint must be an absolute http(s) URL without credentials",
            "the centre's 24 h number must be 3–20 digits (optionally starting with +)",
        ], LinkageDirectoryValidator.Problems(directory));
    }

    [Fact]
    public void Loopback_http_endpoint_is_allowed_for_a_local_relay() =>
        Assert.Empty(LinkageDirectoryValidator.Problems(new LinkageDirectory([], [new("r120", ActionKind.Ambulance120, "120", null, "http://127.0.0.1:8080/sheets", "r120")], null)));
}
