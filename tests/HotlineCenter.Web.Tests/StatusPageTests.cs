using System.Net;
using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Web.Tests;

/// <summary>What a browser and a machine each get for an address nobody serves, and cookies from before a rename.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class StatusPageTests(SharedHostFixture fixture)
{
    private HttpClient NewClient() =>
        fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    [Fact]
    public async Task Browser_asking_for_an_unknown_page_gets_a_chinese_not_found_page_with_status_404()
    {
        using var client = NewClient();

        var response = await client.GetAsync("/no-such-page?x=1");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("页面不存在", html);
        Assert.Contains("data-testid=\"not-found\"", html);
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/hubs/no-such-hub")]
    public async Task Machine_paths_keep_problem_details_for_unknown_addresses(string path)
    {
        using var client = NewClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Cookie_issued_with_the_old_counsellor_role_name_still_opens_the_desk()
    {
        // Stored accounts keep roles by number (Orleans binary serializer), so only cookies carry the old name.
        Assert.Equal(0, (int)StaffRole.Counselor);
        var cookie = LegacyCookie("c-liu", "刘洋", "Counsellor", counselorId: "c-liu");
        using var client = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/desk");
        request.Headers.Add("Cookie", $"hotline.auth={cookie}");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A sign-in cookie as the host issued it before the rename: the old role name, checked a moment ago.</summary>
    private string LegacyCookie(string username, string name, string role, string counselorId)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, username), new Claim(ClaimTypes.Name, name), new Claim(AccountService.CentreIdClaim, "xa-12356"),
                new Claim(ClaimTypes.Role, role), new Claim(AccountService.CounselorIdClaim, counselorId),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        var now = fixture.Host.Services.GetRequiredService<HotlineCenter.Abstractions.Common.HotlineTime>().Now;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddMinutes(30) };
        properties.Items[".hotline.checked"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = fixture.Host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        return options.TicketDataFormat.Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
