using System.Net;
using System.Text.RegularExpressions;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>Signs an HTTP client in the way a browser does: fetch the form (antiforgery token), post it.</summary>
public static partial class SignIn
{
    public const string DemoPassword = "test-demo-password-2026";

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string username, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync("/login");
        var token = TokenPattern().Match(page);
        if (!token.Success)
        {
            throw new Xunit.Sdk.XunitException("The sign-in page has no antiforgery token.");
        }

        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Username"] = username,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    /// <summary>Signs in with a client that keeps no cookies and returns the Cookie header a browser would then send.</summary>
    public static async Task<string> CookieHeaderAsync(HttpClient cookieless, string username, string password = DemoPassword)
    {
        var page = await cookieless.GetAsync("/login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["Username"] = username,
                ["Password"] = password,
                ["ReturnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        var response = await cookieless.SendAsync(post);
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    public static async Task AsAsync(HttpClient client, string username, string password = DemoPassword)
    {
        var response = await PostLoginAsync(client, username, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/login", StringComparison.Ordinal) != false)
        {
            throw new Xunit.Sdk.XunitException($"Sign-in as {username} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
