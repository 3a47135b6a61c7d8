using System.Security.Cryptography;
using HotlineCenter.Telephony.Identity;
using Microsoft.AspNetCore.CookiePolicy;
using StackExchange.Redis;

namespace HotlineCenter.Web.Hosting;

/// <summary>
/// Transport and browser hardening (docs/security.md): Secure cookies outside Development, HSTS and the https
/// redirect in Production (the scheme comes from the configured proxy's X-Forwarded-Proto), security headers on
/// every response, and the start-up check that the caller hash key was not changed by accident.
/// </summary>
public static class SecuritySetup
{
    /// <summary>Where the request's CSP nonce is kept for <c>App.razor</c> (the import map is the page's one inline script).</summary>
    public const string NonceItem = "hotline.csp-nonce";

    /// <summary>
    /// <c>Security:InsecureHttpOnLoopback</c>: plain http with non-Secure cookies, for ops/run.sh's local demo on
    /// 127.0.0.1 and the test host only. Requests over http from any other address are refused with a 403.
    /// </summary>
    public const string InsecureLoopbackSetting = "Security:InsecureHttpOnLoopback";

    /// <summary>Cookies are Secure, and http is redirected to https, unless in Development or on loopback by that setting.</summary>
    public static bool RequiresHttps(IConfiguration configuration, IHostEnvironment environment) =>
        !environment.IsDevelopment() && !configuration.GetValue<bool>(InsecureLoopbackSetting);

    public static WebApplicationBuilder AddHotlineSecurity(this WebApplicationBuilder builder)
    {
        var https = RequiresHttps(builder.Configuration, builder.Environment);
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            // Every cookie (sign-in, antiforgery, language): Secure behind TLS, never readable by script where it matters, at least SameSite=Lax.
            o.Secure = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
            o.HttpOnly = HttpOnlyPolicy.Always;
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;

            // The deployment's own name decides; nothing is exempt (the default exempts localhost, which would hide it from tests).
            o.ExcludedHosts.Clear();
        });
        builder.Services.AddHttpsRedirection(o =>
        {
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
            o.HttpsPort = builder.Configuration.GetValue("Security:HttpsPort", 443);
        });
        builder.Services.AddHostedService<CallerHashKeyGuard>();
        return builder;
    }

    /// <summary>Right after the forwarded headers (so the scheme is the client's), before anything answers.</summary>
    public static WebApplication UseHotlineSecurity(this WebApplication app)
    {
        var policy = ContentSecurityPolicy(app.Configuration);
        app.Use((context, next) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;

            // Set as the response starts: an error page re-executed after the exception handler cleared the headers gets them too.
            context.Response.OnStarting(() => AddHeaders(context, policy.Replace("{nonce}", nonce, StringComparison.Ordinal)));
            return next(context);
        });

        if (RequiresHttps(app.Configuration, app.Environment))
        {
            // Probes inside the deployment's network stay plain http (the proxy never forwards them).
            app.UseWhen(c => !c.Request.Path.StartsWithSegments("/health"), secure =>
            {
                secure.UseHsts();
                secure.UseHttpsRedirection();
            });
        }
        else if (!app.Environment.IsDevelopment())
        {
            app.Use(async (context, next) =>
            {
                if (!context.Request.IsHttps && context.Connection.RemoteIpAddress is { } remote && !System.Net.IPAddress.IsLoopback(remote))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync($"Plain http is served to this machine only ({InsecureLoopbackSetting}); use the deployment's https address.");
                    return;
                }

                await next(context);
            });
        }

        app.UseCookiePolicy();
        return app;
    }

    private static Task AddHeaders(HttpContext context, string policy)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";

        // The desk's softphone needs the microphone; nothing needs the camera or the location.
        headers["Permissions-Policy"] = "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)";
        return Task.CompletedTask;
    }

    /// <summary>
    /// The page's policy: scripts and styles from this site only (styles inline too: MudBlazor sets style attributes),
    /// the one inline script (the import map) by nonce, the circuit's and hub's websockets to this site, the softphone's
    /// signalling to Twilio (<c>Security:SoftphoneConnectSources</c>), no framing, no plugins, forms to this site only.
    /// </summary>
    public static string ContentSecurityPolicy(IConfiguration configuration)
    {
        var twilio = configuration["Security:SoftphoneConnectSources"] ?? "https://*.twilio.com wss://*.twilio.com";
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            $"connect-src 'self' {twilio}",
            "media-src 'self' blob: mediastream:",
            "worker-src 'self' blob:",
            "frame-src 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'");
    }
}

/// <summary>
/// The caller hash key links repeat callers: a new one makes every caller a stranger (history, flags and safety plans
/// no longer found). Its fingerprint is stored per deployment on first start; a later start with another key refuses
/// to run unless <c>Hotline:AcceptNewCallerHashKey=true</c> says the change is deliberate (docs/security.md).
/// </summary>
public sealed class CallerHashKeyGuard(CallerIdentityProtector identity, IConfiguration configuration, ILogger<CallerHashKeyGuard> logger) : IHostedService
{
    public static string RedisKey(string serviceId) => $"hotline:{serviceId}:caller-hash-key-fingerprint";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serviceId = configuration["Orleans:ServiceId"] ?? "hotlinecenter";
        var options = ConfigurationOptions.Parse(configuration.GetConnectionString("Redis")!);
        options.AbortOnConnectFail = false;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        var key = RedisKey(serviceId);
        var fingerprint = identity.HashKeyFingerprint;
        if (await db.StringSetAsync(key, fingerprint, when: When.NotExists))
        {
            logger.LogInformation("Caller hash key fingerprint recorded for service {ServiceId}", serviceId);
            return;
        }

        var stored = (string?)await db.StringGetAsync(key);
        if (stored == fingerprint)
        {
            return;
        }

        if (!configuration.GetValue<bool>("Hotline:AcceptNewCallerHashKey"))
        {
            throw new InvalidOperationException(
                "Hotline:CallerHashKey differs from the key this deployment's callers were linked with: every caller would become a stranger "
                + "(no history, flags or safety plan). Restore the old key, or set Hotline:AcceptNewCallerHashKey=true to start over deliberately (docs/security.md).");
        }

        await db.StringSetAsync(key, fingerprint);
        logger.LogWarning("Caller hash key changed deliberately for service {ServiceId}: earlier callers are no longer linked", serviceId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
