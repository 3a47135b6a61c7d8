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
public sealed class AccountService(IGrainFactory grains, ILogger<AccountService> logger)
{
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

    /// <summary>Checks the password and returns the principal to sign in with on success.</summary>
    public async Task<(SignInOutcome Outcome, ClaimsPrincipal? Principal)> SignInAsync(string? username, string? password)
    {
        var name = username?.Trim().ToLowerInvariant();
        if (!Keys.IsValidId(name) || string.IsNullOrEmpty(password) || password.Length > 200)
        {
            return (SignInOutcome.Failed, null);
        }

        var account = Account(name!);
        var check = await account.GetSignInCheckAsync();
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
        var after = await account.RecordSignInAsync(result != PasswordVerificationResult.Failed);
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
        return (SignInOutcome.Succeeded, Principal(after));
    }

    private static ClaimsPrincipal Principal(UserAccountView account)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Username),
            new(ClaimTypes.Name, account.DisplayName),
            new(CentreIdClaim, account.CentreId),
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
