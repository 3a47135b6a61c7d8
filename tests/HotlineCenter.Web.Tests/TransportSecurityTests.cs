using System.Diagnostics;
using System.Net;
using HotlineCenter.Web.Hosting;
using HotlineCenter.Web.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

namespace HotlineCenter.Web.Tests;

/// <summary>Headers, cookies and https as a production host behind its TLS proxy serves them.</summary>
public sealed class TransportSecurityTests
{
    private static HotlineHost ProductionHost(string? serviceId = null, Dictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>(more ?? []) { [SecuritySetup.InsecureLoopbackSetting] = "false" };
        return new HotlineHost(serviceId ?? HotlineHost.NewServiceId(), settings: settings);
    }

    private static HttpClient Client(HotlineHost host, string scheme) =>
        host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri($"{scheme}://hotline.example") });

    [Theory]
    [InlineData("/login")]
    [InlineData("/status/404")]
    [InlineData("/api/centres/xa-12356/live")]
    [InlineData("/no-such-page")]
    [InlineData("/health/live")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        await using var host = ProductionHost();
        using var client = Client(host, "https");

        var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_import_map_is_admitted_by_the_nonce_of_its_own_response_only()
    {
        await using var host = ProductionHost();
        using var client = Client(host, "https");

        var first = await client.GetAsync("/login");
        var second = await client.GetAsync("/login");
        var nonce = System.Text.RegularExpressions.Regex.Match(Assert.Single(first.Headers.GetValues("Content-Security-Policy")), "'nonce-([^']+)'").Groups[1].Value;
        var html = await first.Content.ReadAsStringAsync();

        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
        Assert.DoesNotContain(nonce, Assert.Single(second.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Production_redirects_plain_http_to_https_sends_hsts_and_marks_every_cookie_secure_while_probes_stay_plain()
    {
        await using var host = ProductionHost();
        using var plain = Client(host, "http");
        using var tls = Client(host, "https");

        var redirected = await plain.GetAsync("/login?returnUrl=%2Fdesk");
        var probe = await plain.GetAsync("/health/live");
        var login = await tls.GetAsync("/login");
        var cookie = await SignIn.CookieHeaderAsync(tls, "s-zhou");
        var signIn = await SignInResponseAsync(tls);

        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal("https://hotline.example/login?returnUrl=%2Fdesk", redirected.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Contains("max-age=31536000", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains("hotline.auth=", cookie);
        var setCookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(setCookies, c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
        Assert.All(setCookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(setCookies, c => Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(setCookies, c => c.StartsWith("hotline.auth=", StringComparison.Ordinal) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.All(login.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<HttpResponseMessage> SignInResponseAsync(HttpClient cookieless)
    {
        var page = await cookieless.GetAsync("/login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["Username"] = "s-zhou", ["Password"] = SignIn.DemoPassword, ["ReturnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        return await cookieless.SendAsync(post);
    }

    [Fact]
    public async Task Data_protection_keys_are_encrypted_at_rest_and_production_refuses_to_start_without_the_key_encryption_key()
    {
        var serviceId = HotlineHost.NewServiceId();
        await using (var host = new HotlineHost(serviceId))
        {
            using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            await SignIn.AsAsync(client, "s-zhou");
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(HotlineHost.Redis);
        var stored = (await redis.GetDatabase().ListRangeAsync(DataProtectionKeys.RedisKey(serviceId))).Select(v => v.ToString()).ToList();
        await using var without = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { [DataProtectionKeys.Setting] = string.Empty });
        await using var malformed = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { [DataProtectionKeys.Setting] = "too-short" });

        Assert.NotEmpty(stored);
        Assert.All(stored, key =>
        {
            Assert.Contains("<hotlineEncryptedKey", key);
            Assert.DoesNotContain("<masterKey", key);
        });
        Assert.Contains("DataProtection:KeyEncryptionKey is required outside Development", Assert.ThrowsAny<Exception>(() => without.Server).ToString());
        Assert.Contains("must be 32 bytes in base64", Assert.ThrowsAny<Exception>(() => malformed.Server).ToString());
    }

    [Fact]
    public async Task A_changed_caller_hash_key_refuses_to_start_unless_the_change_is_acknowledged()
    {
        var serviceId = HotlineHost.NewServiceId();
        await using (var first = new HotlineHost(serviceId, seedDemo: false))
        {
            _ = first.Server;
        }

        var other = new Dictionary<string, string> { ["Hotline:CallerHashKey"] = "another-hash-key-0123456789-0123456789" };
        await using var changed = new HotlineHost(serviceId, seedDemo: false, settings: other);
        var refused = Assert.ThrowsAny<Exception>(() => changed.Server).ToString();
        await using var acknowledged = new HotlineHost(serviceId, seedDemo: false, settings: new Dictionary<string, string>(other) { ["Hotline:AcceptNewCallerHashKey"] = "true" });
        _ = acknowledged.Server;
        await using var sameAgain = new HotlineHost(serviceId, seedDemo: false, settings: other);

        Assert.Contains("Hotline:CallerHashKey differs from the key this deployment's callers were linked with", refused);
        _ = sameAgain.Server;
    }

    [Fact]
    public async Task Number_keys_missing_refuse_to_start_naming_the_setting()
    {
        await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["Hotline:CurrentNumberKeyId"] = "k7" });

        var ex = Assert.ThrowsAny<Exception>(() => host.Server).ToString();

        Assert.Contains("Hotline:CurrentNumberKeyId must name one of Hotline:NumberKeys", ex);
    }

    /// <summary>The app against a Redis that admits only its ACL user with a password, as docker-compose.yml and ops/run.sh run it.</summary>
    [Fact]
    public async Task Host_runs_on_a_password_protected_redis_as_its_acl_user_and_is_not_ready_without_the_password()
    {
        var port = FreePort();
        const string password = "redis-test-password-0123456789-0123456789";
        var dir = Directory.CreateTempSubdirectory("hotline-redis-acl").FullName;
        using var redis = Process.Start(new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", port.ToString(), "--dir", dir, "--save", "", "--appendonly", "no",
                "--user", "default", "off",
                "--user", "hotline", "on", ">" + password, "~*", "&*", "+@all", "-@dangerous", "+info", "+client|setname", "+client|id",
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            var withPassword = $"127.0.0.1:{port},user=hotline,password={password}";
            await Eventually.MatchesAsync(async () =>
            {
                try
                {
                    await using var probe = await ConnectionMultiplexer.ConnectAsync(withPassword);
                    return probe.IsConnected;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            }, ok => ok, "the password-protected redis up");

            await using var host = new HotlineHost(HotlineHost.NewServiceId(), settings: new Dictionary<string, string> { ["ConnectionStrings:Redis"] = withPassword });
            using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            await Eventually.MatchesAsync(async () => (await client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "ready on the protected redis");
            await SignIn.AsAsync(client, "s-zhou");

            // Nobody without the password gets an answer, let alone the data-protection keys.
            await using var anonymous = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=false,connectTimeout=2000");
            await Assert.ThrowsAnyAsync<Exception>(() => anonymous.GetDatabase().StringGetAsync("anything"));
        }
        finally
        {
            redis.Kill();
            await redis.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
