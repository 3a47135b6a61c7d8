using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace HotlineCenter.Web.Hosting;

public sealed record LoginForm(string? Username, string? Password, string? ReturnUrl);

public static class AuthSetup
{
    /// <summary>Supervisors and administrators: the live centre view and the demo controls.</summary>
    public const string SupervisorPolicy = "supervisor";

    /// <summary>Call content — listening in, recordings, adding parties: supervisors only, never the administrator (the IT role).</summary>
    public const string SupervisionPolicy = "supervision";

    /// <summary>The rate limit on sign-in attempts per client address (<c>Auth:SignInAttemptsPerMinute</c>, default 20).</summary>
    public const string SignInLimit = "sign-in";

    /// <summary>
    /// Cookie sign-in with an idle timeout (<c>Auth:IdleTimeout</c>, default 30 min, sliding), roles from the
    /// account grain, and data-protection keys in Redis so that any node accepts any node's cookie.
    /// </summary>
    public static WebApplicationBuilder AddHotlineAuth(this WebApplicationBuilder builder)
    {
        var idle = builder.Configuration.GetValue("Auth:IdleTimeout", TimeSpan.FromMinutes(30));
        if (idle < TimeSpan.FromMinutes(1) || idle > TimeSpan.FromHours(12))
        {
            throw new InvalidOperationException("Auth:IdleTimeout must be between 00:01:00 and 12:00:00.");
        }

        builder.AddHotlineDataProtection();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "hotline.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = SecuritySetup.RequiresHttps(builder.Configuration, builder.Environment) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = idle;
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/denied";

                // APIs answer 401/403; only page requests are redirected to the sign-in page.
                o.Events.OnRedirectToLogin = c => Deny(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Deny(c, StatusCodes.Status403Forbidden);

                // A disabled account or changed roles take effect within a minute, not at the next sign-in.
                o.Events.OnValidatePrincipal = RevalidateCookieAsync;
            });
        // Sign-in attempts per client address: password guessing is slowed to a crawl before any account locks,
        // so an attacker cannot cheaply lock a whole shift out by guessing at their names.
        var perMinute = builder.Configuration.GetValue("Auth:SignInAttemptsPerMinute", 20);
        if (perMinute is < 1 or > 10_000)
        {
            throw new InvalidOperationException("Auth:SignInAttemptsPerMinute must be between 1 and 10000.");
        }

        // The API (/api, every endpoint under it): per signed-in user, or per address before sign-in (Auth:ApiRequestsPerMinute, default 600).
        var apiPerMinute = builder.Configuration.GetValue("Auth:ApiRequestsPerMinute", 600);
        if (apiPerMinute is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException("Auth:ApiRequestsPerMinute must be between 1 and 1000000.");
        }

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = System.Threading.RateLimiting.PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/api")
                    ? System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                        http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.StaffId() : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                        _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = apiPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter(string.Empty));
            o.AddPolicy(SignInLimit, http => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
                {
                    await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "rate-limited", detail: "Too many API requests; wait a minute.").ExecuteAsync(context.HttpContext);
                    return;
                }

                await context.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address; wait a minute.", token);
            };
        });
        builder.Services.AddScoped<ConsoleActivity>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAccountStateProvider>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SupervisorPolicy, p => p.RequireRole(nameof(StaffRole.Supervisor), nameof(StaffRole.Admin)))
            .AddPolicy(SupervisionPolicy, p => p.RequireRole(nameof(StaffRole.Supervisor)));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ReasonedForbidHandler>();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddHostedService<AdminBootstrapper>();
        return builder;
    }

    private const string CheckedAtKey = ".hotline.checked";

    private static async Task RevalidateCookieAsync(CookieValidatePrincipalContext c)
    {
        var now = c.HttpContext.RequestServices.GetRequiredService<HotlineCenter.Abstractions.Common.HotlineTime>().Now.ToUnixTimeSeconds();
        if (c.Principal is null
            || (c.Properties.Items.TryGetValue(CheckedAtKey, out var last) && long.TryParse(last, out var at) && now - at < 60 && !HasLegacyRoles(c.Principal)))
        {
            return;
        }

        var fresh = await c.HttpContext.RequestServices.GetRequiredService<AccountService>().RefreshAsync(c.Principal);
        if (fresh is null)
        {
            c.RejectPrincipal();
            await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        c.ReplacePrincipal(fresh);
        c.Properties.Items[CheckedAtKey] = now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        c.ShouldRenew = true;
    }

    /// <summary>
    /// A cookie issued before a role was renamed (<c>Counsellor</c> became <c>Counselor</c>) names a role that no
    /// longer exists: it is rebuilt from the account at once, so nobody is locked out of their desk by the rename.
    /// </summary>
    private static bool HasLegacyRoles(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.FindAll(System.Security.Claims.ClaimTypes.Role).Any(r => !Enum.GetNames<StaffRole>().Contains(r.Value, StringComparer.Ordinal));

    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost("/account/login", async ([FromForm] LoginForm form, AccountService accounts, HttpContext http) =>
        {
            if (IsMalformedRedirect(form.ReturnUrl))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "returnUrl holds control characters or is over 2 KiB.");
            }

            var (outcome, principal) = await accounts.SignInAsync(form.Username, form.Password, http.Connection.RemoteIpAddress?.ToString());
            var back = SafeLocal(form.ReturnUrl);
            if (outcome != SignInOutcome.Succeeded)
            {
                var error = outcome == SignInOutcome.LockedOut ? "locked" : "failed";
                return Results.LocalRedirect($"/login?error={error}&returnUrl={Uri.EscapeDataString(back)}");
            }

            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal!);

            // Each role starts where its work is: counsellors at their desk, supervisors on the live view.
            if (back == "/" && !principal!.IsInRole(nameof(StaffRole.Supervisor)) && !principal.IsInRole(nameof(StaffRole.Admin)) && principal.IsInRole(nameof(StaffRole.Counselor)))
            {
                back = "/desk";
            }

            return Results.LocalRedirect(back);
        }).RequireRateLimiting(SignInLimit);
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).RequireAuthorization();
        return app;
    }

    /// <summary>Only same-site paths: an open redirect after sign-in would hand a phishing page our trust (off-site becomes "/").</summary>
    public static string SafeLocal(string? url) => IsLocalPath(url) ? url! : "/";

    /// <summary>A redirect no browser could follow (a "/%01" decodes to a control character): refused with a 400, not sent.</summary>
    public static bool IsMalformedRedirect(string? url) => url is { } u && (u.Length > 2048 || u.Any(char.IsControl));

    /// <summary>
    /// A path on this site that a redirect may carry: starts with one '/', no scheme-relative "//" or "/\",
    /// no control characters (a "/%01" decodes to one and would make the redirect itself fail), at most 2 KiB.
    /// </summary>
    public static bool IsLocalPath(string? url) =>
        url is { Length: > 0 and <= 2048 } u && u[0] == '/'
        && !u.StartsWith("//", StringComparison.Ordinal) && !u.StartsWith("/\\", StringComparison.Ordinal)
        && !u.Any(char.IsControl);

    /// <summary>An API refused for the caller's role says which roles it needs (403 problem details), instead of a bare 403.</summary>
    private sealed class ReasonedForbidHandler : Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler
    {
        private readonly Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, Microsoft.AspNetCore.Authorization.AuthorizationPolicy policy, Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
        {
            if (authorizeResult.Forbidden && context.Request.Path.StartsWithSegments("/api") && !context.Response.HasStarted)
            {
                var roles = authorizeResult.AuthorizationFailure?.FailedRequirements
                    .OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                    .SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "role.not-allowed",
                    detail: roles.Count > 0 ? $"This needs the role {string.Join(" or ", roles)}." : "Your role may not do this.").ExecuteAsync(context);
                return;
            }

            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    private static Task Deny(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs") || context.Request.Path.StartsWithSegments("/_blazor"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
