using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace HotlineCenter.Web.Accounts;

/// <summary>
/// A console stays open for a whole shift; every minute its circuit checks that the account is still enabled
/// with the same roles and session (password reset, absolute lifetime), and that the person at it was not idle
/// past <c>Auth:IdleTimeout</c> (<see cref="ConsoleActivity"/>); otherwise the screen is signed out and sent to sign-in.
/// </summary>
public sealed class RevalidatingAccountStateProvider(ILoggerFactory loggerFactory, AccountService accounts, ConsoleActivity activity)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true || (!activity.IsIdle && await accounts.IsStillValidAsync(authenticationState.User));

    /// <summary>The check the circuit runs every minute, callable at once (tests).</summary>
    public Task<bool> StillValidAsync(AuthenticationState state) => ValidateAuthenticationStateAsync(state, CancellationToken.None);
}
