using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Web.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>A DI scope standing in for a signed-in user's Blazor circuit: console services act for that user.</summary>
public static class CircuitScope
{
    public static IServiceScope As(IServiceProvider services, string staffId, StaffRole role, string centreId) =>
        As(services, staffId, centreId, role);

    /// <summary>The same for a user holding several roles (e.g. Supervisor with Provincial).</summary>
    public static IServiceScope As(IServiceProvider services, string staffId, string centreId, params StaffRole[] roles)
    {
        var scope = services.CreateScope();
        var signedIn = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        signedIn.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, staffId),
            .. roles.Select(r => new Claim(ClaimTypes.Role, r.ToString())),
            new Claim(AccountService.CentreIdClaim, centreId),
        ], "test")))));
        scope.ServiceProvider.GetRequiredService<HotlineCenter.Web.Audit.AuditOrigin>().Set("127.0.0.1");
        return scope;
    }
}
