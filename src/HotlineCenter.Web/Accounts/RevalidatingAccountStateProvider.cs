using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace HotlineCenter.Web.Accounts;

/// <summary>
/// A console stays open for a whole shift; every minute its circuit checks that the account is still enabled
/// with the same roles, and signs the screen out otherwise.
/// </summary>
public sealed class RevalidatingAccountStateProvider(ILoggerFactory loggerFactory, AccountService accounts)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true || await accounts.IsStillValidAsync(authenticationState.User);
}
