using System.Net;
using HotlineCenter.Web.Tests.Fixtures;

namespace HotlineCenter.Web.Tests;

[Collection(SharedHostCollection.Name)]
public sealed class ConsolePageTests(SharedHostFixture fixture)
{
    [Fact]
    public async Task Live_page_is_chinese_by_default_and_lists_the_seeded_centre()
    {
        var html = await fixture.Client.GetStringAsync("/");

        Assert.Contains("<meta charset=\"utf-8\"", html);
        Assert.Contains("<html lang=\"zh-CN\"", html);
        Assert.Contains("西安市12356心理援助热线", html);
        Assert.Contains("综合咨询", html);
        Assert.Contains("王雪", html);
        Assert.Contains("我现在有危险", html);
    }

    [Fact]
    public async Task Language_switch_stores_english_and_the_page_follows()
    {
        // Its own client without a cookie jar, so the other tests keep the default language.
        using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var set = await client.GetAsync("/culture?name=en&redirect=/login");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var cookie = set.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Culture", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        var chinese = await client.GetStringAsync("/login");

        Assert.Contains("Contact Centre", html);
        Assert.Contains("User name", html);
        Assert.Contains("用户名", chinese);
    }

    [Theory]
    [InlineData("/culture?name=fr")]
    [InlineData("/culture")]
    public async Task Unsupported_language_is_a_400(string url) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Client.GetAsync(url)).StatusCode);

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task Language_switch_never_redirects_off_site(string redirect)
    {
        using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var response = await client.GetAsync($"/culture?name=en&redirect={Uri.EscapeDataString(redirect)}");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/%01")]
    [InlineData("/desk%0d%0aSet-Cookie:%20x=1")]
    public async Task Redirect_with_control_characters_is_a_400_for_the_language_switch_and_sign_in(string redirect)
    {
        using var client = fixture.Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var culture = await client.GetAsync($"/culture?name=en&redirect={redirect}");
        var login = await Fixtures.SignIn.PostLoginAsync(client, "s-zhou", Fixtures.SignIn.DemoPassword, returnUrl: Uri.UnescapeDataString(redirect));

        Assert.Equal(HttpStatusCode.BadRequest, culture.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.False(login.Headers.Contains("Set-Cookie") && login.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal)));
    }
}
