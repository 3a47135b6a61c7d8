using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using HotlineCenter.Web.Components;
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
        builder.Services.AddScoped<Consoles.AdminService>();
        builder.Services.AddScoped<Consoles.CrisisService>();
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

    public static WebApplication UseHotlinePipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", CreateScopeForErrors = true });

        // Browsers get a page in the console's style and language; APIs, webhooks and the hub keep problem details.
        app.UseWhen(c => IsForMachines(c.Request.Path), machines => machines.UseStatusCodePages());
        app.UseWhen(c => !IsForMachines(c.Request.Path), browsers => browsers.UseStatusCodePagesWithReExecute("/status/{0}"));

        // Routing after the status pages, so a re-executed request is routed again to the status page.
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();
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
