using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Common;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace HotlineCenter.Web.Accounts;

/// <summary>Outcome of a sign-in attempt; the reason is never shown in a way that tells user names apart.</summary>
public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>
/// Accounts over the grain-backed store: passwords hashed with ASP.NET Core's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2, salted, versioned), lockout counted by the account grain.
/// </summary>
public sealed class AccountService(IGrainFactory grains, HotlineCenter.Abstractions.Common.HotlineTime time, IConfiguration configuration, ILogger<AccountService> logger)
{
    /// <summary>The account's session version the principal was signed in under (a password reset raises it).</summary>
    public const string SessionClaim = "hotline:session";

    /// <summary>When the principal signed in (Unix seconds); kept across refreshes for the absolute lifetime.</summary>
    public const string SignedInClaim = "hotline:signed-in";

    public const string CounselorIdClaim = "hotline:counselor";
    public const string CentreIdClaim = "hotline:centre";

    private static readonly PasswordHasher<string> Hasher = new();

    public Task<UserAccountView> CreateAsync(string username, string displayName, IEnumerable<StaffRole> roles, string centreId, string? counselorId, string password)
    {
        if (password.Length < 10)
        {
            throw new HotlineRuleException("account.weak-password", "Passwords need at least 10 characters.");
        }

        return Account(username).CreateAsync(new NewUserAccount(displayName, [.. roles], centreId, counselorId, Hasher.HashPassword(username, password)));
    }

    /// <summary>A centre's accounts for the administrator (never password hashes).</summary>
    public async Task<IReadOnlyList<UserAccountView>> ListAsync(string centreId)
    {
        var names = await grains.GetGrain<IUserDirectoryGrain>(centreId).ListAsync();
        var accounts = await Task.WhenAll(names.Select(n => Account(n).GetAsync()));
        return [.. accounts.OfType<UserAccountView>()];
    }

    /// <summary>An administrator's change to an account; they cannot take away their own administration or disable themselves.</summary>
    public Task<UserAccountView> UpdateAsync(string username, AccountUpdate update, string byUsername)
    {
        if (username == byUsername && (update.Disabled || !update.Roles.Contains(StaffRole.Admin)))
        {
            throw new HotlineRuleException("account.self-lockout", "You cannot disable your own account or remove your own administrator role.");
        }

        logger.LogInformation("Account {Username} changed by {AdminUsername}", username, byUsername);
        return Account(username).UpdateAsync(update);
    }

    public async Task ResetPasswordAsync(string username, string password, string byUsername)
    {
        if (password.Length is < 10 or > 200)
        {
            throw new HotlineRuleException("account.weak-password", "Passwords need 10–200 characters.");
        }

        await Account(username).SetPasswordHashAsync(Hasher.HashPassword(username, password));
        await Account(username).UnlockAsync();

        // Whoever knew the old password is signed out everywhere: cookies and open consoles alike.
        await Account(username).RevokeSessionsAsync();
        logger.LogInformation("Password of account {Username} reset by {AdminUsername}", username, byUsername);
    }

    public Task<UserAccountView> UnlockAsync(string username) => Account(username).UnlockAsync();

    /// <summary>Whether the account's password is <paramref name="password"/>, without counting an attempt (for seeding only).</summary>
    public async Task<bool> HasPasswordAsync(string username, string password) =>
        await Account(username).GetSignInCheckAsync("seed") is { } check
        && Hasher.VerifyHashedPassword(username, check.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>Checks the password and returns the principal to sign in with on success.</summary>
    /// <param name="source">The client address: wrong passwords lock the account for that address only.</param>
    public async Task<(SignInOutcome Outcome, ClaimsPrincipal? Principal)> SignInAsync(string? username, string? password, string? source = null)
    {
        source ??= "unknown";
        var name = username?.Trim().ToLowerInvariant();
        if (!Keys.IsValidId(name) || string.IsNullOrEmpty(password) || password.Length > 200)
        {
            return (SignInOutcome.Failed, null);
        }

        var account = Account(name!);
        var check = await account.GetSignInCheckAsync(source);
        if (check is null || check.Account.Disabled)
        {
            // Same work as a real check, so timing does not reveal which user names exist.
            Hasher.VerifyHashedPassword(name!, DummyHash, password);
            return (SignInOutcome.Failed, null);
        }

        if (check.Account.LockedUntil is not null)
        {
            return (SignInOutcome.LockedOut, null);
        }

        var result = Hasher.VerifyHashedPassword(name!, check.PasswordHash, password);
        var after = await account.RecordSignInAsync(result != PasswordVerificationResult.Failed, source);
        if (result == PasswordVerificationResult.Failed)
        {
            logger.LogWarning("Failed sign-in for account {Username}", name);
            return (after.LockedUntil is not null ? SignInOutcome.LockedOut : SignInOutcome.Failed, null);
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await account.SetPasswordHashAsync(Hasher.HashPassword(name!, password));
        }

        logger.LogInformation("Account {Username} signed in", name);
        return (SignInOutcome.Succeeded, Principal(after, time.Now.ToUnixTimeSeconds()));
    }

    /// <summary>
    /// The signed-in principal as the account stands now: null when the account was disabled or removed,
    /// otherwise rebuilt so changed roles take effect without signing in again.
    /// </summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(ClaimsPrincipal principal)
    {
        var username = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!Keys.IsValidId(username) || await Account(username!).GetAsync() is not { Disabled: false } account)
        {
            return null;
        }

        // A password reset since this sign-in ends it; so does the absolute lifetime, however active the session was.
        var version = int.TryParse(principal.FindFirstValue(SessionClaim), out var v) ? v : 0;
        var signedIn = long.TryParse(principal.FindFirstValue(SignedInClaim), out var at) ? at : (long?)null;
        if (version != account.SessionVersion || (signedIn is { } since && time.Now.ToUnixTimeSeconds() - since > AbsoluteLifetime.TotalSeconds))
        {
            return null;
        }

        return Principal(account, signedIn ?? time.Now.ToUnixTimeSeconds());
    }

    /// <summary>How long a sign-in lasts at most (<c>Auth:AbsoluteLifetime</c>, default 12 h: a shift and its handover).</summary>
    public TimeSpan AbsoluteLifetime => configuration.GetValue("Auth:AbsoluteLifetime", TimeSpan.FromHours(12));

    /// <summary>True while the principal's account still exists, is enabled and has the same roles.</summary>
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        var fresh = await RefreshAsync(principal);
        return fresh is not null
            && fresh.FindAll(ClaimTypes.Role).Select(c => c.Value).Order().SequenceEqual(principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Order());
    }

    private static ClaimsPrincipal Principal(UserAccountView account, long signedInAt)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Username),
            new(ClaimTypes.Name, account.DisplayName),
            new(CentreIdClaim, account.CentreId),
            new(SessionClaim, account.SessionVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(SignedInClaim, signedInAt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        claims.AddRange(account.Roles.Select(r => new Claim(ClaimTypes.Role, r.ToString())));
        if (account.CounselorId is { } counselorId)
        {
            claims.Add(new Claim(CounselorIdClaim, counselorId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    private static readonly string DummyHash = Hasher.HashPassword("-", Guid.NewGuid().ToString());

    private IUserAccountGrain Account(string username) => grains.GetGrain<IUserAccountGrain>(username);
}
