using System.Net;
using System.Net.Http.Json;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotlineCenter.Web.Tests;

[Collection(SharedHostCollection.Name)]
public sealed class AuthTests(SharedHostFixture fixture)
{
    private HttpClient NewClient(bool cookies = true) =>
        fixture.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });

    [Fact]
    public async Task Live_page_sends_an_anonymous_visitor_to_sign_in()
    {
        using var client = NewClient(cookies: false);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/login", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("GET", "/api/centres/xa-12356/live")]
    [InlineData("POST", "/api/demo/calls")]
    [InlineData("POST", "/api/counselors/c-wang/presence")]
    public async Task Api_without_sign_in_is_401(string method, string path)
    {
        using var client = NewClient(cookies: false);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Counselor_may_not_open_the_supervisor_view_or_its_api()
    {
        using var client = NewClient();
        await SignIn.AsAsync(client, "c-liu");

        var page = await client.GetAsync("/");
        var api = await client.GetAsync("/api/centres/xa-12356/live");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/denied", page.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task Supervisor_signs_in_and_sees_the_live_page()
    {
        using var client = NewClient();
        await SignIn.AsAsync(client, "s-zhou");

        var html = await client.GetStringAsync("/");

        Assert.Contains("西安市12356心理援助热线", html);
        Assert.Contains("周主任", html);
    }

    [Fact]
    public async Task Wrong_password_fails_without_saying_whether_the_user_exists()
    {
        using var client = NewClient();

        var known = await SignIn.PostLoginAsync(client, "c-zhao", "wrong-password-1");
        var unknown = await SignIn.PostLoginAsync(client, "nobody-here", "wrong-password-1");

        Assert.StartsWith("/login?error=failed", known.Headers.Location!.OriginalString);
        Assert.StartsWith("/login?error=failed", unknown.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        using var client = NewClient();
        for (var i = 0; i < 4; i++)
        {
            Assert.StartsWith("/login?error=failed", (await SignIn.PostLoginAsync(client, "c-chen", $"guess-{i}-xxxxxxx")).Headers.Location!.OriginalString);
        }

        var fifth = await SignIn.PostLoginAsync(client, "c-chen", "guess-5-xxxxxxx");
        var right = await SignIn.PostLoginAsync(client, "c-chen", SignIn.DemoPassword);

        Assert.StartsWith("/login?error=locked", fifth.Headers.Location!.OriginalString);
        Assert.StartsWith("/login?error=locked", right.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_in_never_redirects_off_site()
    {
        using var client = NewClient();

        var response = await SignIn.PostLoginAsync(client, "s-zhou", SignIn.DemoPassword, returnUrl: "//evil.example/");

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_form_without_antiforgery_token_is_rejected()
    {
        using var client = NewClient();

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = "s-zhou",
            ["Password"] = SignIn.DemoPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_beyond_the_limit_are_refused_with_429_before_the_password_is_checked()
    {
        await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Auth:SignInAttemptsPerMinute"] = "3" });
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await Eventually.MatchesAsync(() => host.Grains.GetGrain<HotlineCenter.Abstractions.Accounts.IUserAccountGrain>("s-zhou").GetAsync(), a => a is not null, "seeded");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await SignIn.PostLoginAsync(client, "s-zhou", "wrong-password-" + i)).StatusCode);
        }

        // Claiming another address does not help: forwarded headers are believed only from configured proxies.
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        statuses.Add((await SignIn.PostLoginAsync(client, "s-zhou", "wrong-password-x")).StatusCode);

        var account = (await host.Grains.GetGrain<HotlineCenter.Abstractions.Accounts.IUserAccountGrain>("s-zhou").GetAsync())!;
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Null(account.LockedUntil);
    }

    [Fact]
    public async Task Api_requests_beyond_the_limit_are_refused_with_429_per_user_so_one_client_cannot_starve_the_others()
    {
        await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Auth:ApiRequestsPerMinute"] = "3" });
        using var first = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var second = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await SignIn.AsAsync(first, "s-zhou");
        await SignIn.AsAsync(second, "admin");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await first.GetAsync("/api/centres/xa-12356/live")).StatusCode);
        }

        var other = await second.GetAsync("/api/centres/xa-12356/live");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
