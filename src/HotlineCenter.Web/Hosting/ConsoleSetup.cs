using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using HotlineCenter.Web.Components;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;

namespace HotlineCenter.Web.Hosting;

public static class ConsoleSetup
{
    /// <summary>UI cultures: Chinese by default, English on request.</summary>
    public static readonly string[] Cultures = ["zh-CN", "en"];

    public static WebApplicationBuilder AddHotlineConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        // Chinese text goes out as UTF-8 characters, not as &#x..; escapes three times the size.
        builder.Services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        builder.Services.AddMudServices();
        builder.Services.AddScoped<Consoles.DeskService>();
        builder.Services.AddScoped<Consoles.SupervisorService>();
        builder.Services.AddScoped<Consoles.ProvinceService>();
        builder.Services.AddScoped<Consoles.AdminService>();
        builder.Services.AddScoped<Consoles.CrisisService>();
        builder.Services.AddScoped<Consoles.BreakGlassService>();
        builder.Services.AddSingleton<Components.Shared.Clock>();
        builder.Services.AddScoped<Components.Shared.ConsoleActions>();
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return builder;
    }

    /// <summary>
    /// Behind the deployment's proxy the client's address and scheme arrive in X-Forwarded-For/-Proto; they are
    /// believed only from the proxies named in <c>ForwardedHeaders:KnownProxies</c> (addresses) or
    /// <c>ForwardedHeaders:KnownNetworks</c> (CIDR), so nobody else can pose as another address to the sign-in limit.
    /// </summary>
    public static WebApplicationBuilder AddHotlineForwardedHeaders(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetValue<string>("ForwardedHeaders:KnownProxies") ?? string.Empty;
        var networks = builder.Configuration.GetValue<string>("ForwardedHeaders:KnownNetworks") ?? string.Empty;
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in proxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                o.KnownProxies.Add(System.Net.IPAddress.TryParse(p, out var ip) ? ip
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
            }

            foreach (var n in networks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR network such as 172.18.0.0/16."));
            }
        });
        return builder;
    }

    public static WebApplication UseHotlinePipeline(this WebApplication app)
    {
        // Without a configured proxy nothing forwarded is believed (an unknown remote address would otherwise pass).
        var forwarded = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarded.KnownProxies.Count > 0 || forwarded.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseHotlineSecurity();

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", CreateScopeForErrors = true });

        // Browsers get a page in the console's style and language; APIs, webhooks and the hub keep problem details.
        app.UseWhen(c => IsForMachines(c.Request.Path), machines => machines.UseStatusCodePages());
        app.UseWhen(c => !IsForMachines(c.Request.Path), browsers => browsers.UseStatusCodePagesWithReExecute("/status/{0}"));

        // Routing after the status pages, so a re-executed request is routed again to the status page.
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();

        // After authentication: the API's limit is per signed-in user (the sign-in limit is per address).
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    private static bool IsForMachines(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/webhooks") || path.StartsWithSegments("/hubs")
        || path.StartsWithSegments("/health") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework");

    public static WebApplication MapHotlineConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary><c>/culture?name=en&amp;redirect=/</c> stores the UI language in a cookie.</summary>
    public static WebApplication MapCultureEndpoints(this WebApplication app)
    {
        app.MapGet("/culture", (string? name, string? redirect, HttpContext http) =>
        {
            if (name is null || !Cultures.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return Results.Problem(statusCode: 400, title: "Unsupported language", detail: $"name must be one of: {string.Join(", ", Cultures)}.");
            }

            // Only local paths: an open redirect would let a phishing link wear our domain.
            if (AuthSetup.IsMalformedRedirect(redirect))
            {
                return Results.Problem(statusCode: 400, title: "Bad redirect", detail: "redirect holds control characters or is over 2 KiB.");
            }

            var target = AuthSetup.SafeLocal(redirect);
            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(name))),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            return Results.LocalRedirect(target);
        });
        return app;
    }
}
