using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Accounts;

/// <summary>What a member of staff may do (domain.md §2).</summary>
[GenerateSerializer]
public enum StaffRole
{
    Counselor = 0,
    Supervisor = 1,
    Admin = 2,
    Auditor = 3,
    /// <summary>Spans centres (a provincial centre): held beside Supervisor or Admin, it lifts the own-centre boundary. Granted only by someone who holds it.</summary>
    Provincial = 4,
}

/// <summary>A staff account to create; the password arrives already hashed by the web layer.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.new-user-account")]
public sealed record NewUserAccount(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] ImmutableArray<StaffRole> Roles,
    [property: Id(2)] string CentreId,
    [property: Id(3)] string? CounselorId,
    [property: Id(4)] string PasswordHash);

/// <summary>An account as the rest of the system sees it (never the hash).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.user-account-view")]
public sealed record UserAccountView(
    [property: Id(0)] string Username,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] ImmutableArray<StaffRole> Roles,
    [property: Id(3)] string CentreId,
    [property: Id(4)] string? CounselorId,
    [property: Id(5)] bool Disabled,
    [property: Id(6)] DateTimeOffset? LockedUntil,
    [property: Id(7)] int SessionVersion = 0);

/// <summary>What sign-in needs to check a password: the stored hash and whether the account may sign in.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.sign-in-check")]
public sealed record SignInCheck(
    [property: Id(0)] UserAccountView Account,
    [property: Id(1)] string PasswordHash);

/// <summary>A staff account, keyed by user name. The web layer hashes and verifies passwords.</summary>
[Alias("hotline.user-account")]
public interface IUserAccountGrain : IGrainWithStringKey
{
    /// <summary>Creates the account; a rule error if it exists already.</summary>
    [Alias("create")]
    Task<UserAccountView> CreateAsync(NewUserAccount account);

    /// <summary>The account, or null when there is none.</summary>
    [Alias("get"), ReadOnly]
    Task<UserAccountView?> GetAsync();

    /// <summary>
    /// The stored hash and state, or null when there is no such account; <see cref="UserAccountView.LockedUntil"/> is
    /// the lock of <paramref name="source"/> (the client address) only.
    /// </summary>
    [Alias("sign-in-check"), ReadOnly]
    Task<SignInCheck?> GetSignInCheckAsync(string source);

    /// <summary>
    /// Counts a failed attempt from <paramref name="source"/> (locking the account for that address only after too
    /// many, so strangers elsewhere cannot lock its owner out) or clears that address's count on success.
    /// </summary>
    [Alias("record-sign-in")]
    Task<UserAccountView> RecordSignInAsync(bool succeeded, string source);

    /// <summary>Replaces the password hash (e.g. after a rehash to a newer format).</summary>
    [Alias("set-password-hash")]
    Task SetPasswordHashAsync(string passwordHash);

    /// <summary>Ends every session of the account (a password reset): cookies and open consoles carrying an older version are signed out.</summary>
    [Alias("revoke-sessions")]
    Task<UserAccountView> RevokeSessionsAsync();

    /// <summary>An administrator changes the name, roles, counsellor link or disables the account.</summary>
    [Alias("update")]
    Task<UserAccountView> UpdateAsync(AccountUpdate update);

    /// <summary>Clears a lockout before it expires (the user called the administrator).</summary>
    [Alias("unlock")]
    Task<UserAccountView> UnlockAsync();
}

/// <summary>What an administrator may change on an account (the password is reset separately).</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.account-update")]
public sealed record AccountUpdate(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] ImmutableArray<StaffRole> Roles,
    [property: Id(2)] string? CounselorId,
    [property: Id(3)] bool Disabled);

/// <summary>
/// The user names of a centre's accounts (key: centre id), for the administrator's list. The one grain with key
/// <see cref="CounselorBindingsKey"/> (no centre id can take it) keeps which account each counsellor id is bound to.
/// </summary>
[Alias("hotline.user-directory")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Key of the directory that binds counsellor ids to accounts across all centres.</summary>
    public const string CounselorBindingsKey = "counselor-bindings:all";

    [Alias("add")]
    Task AddAsync(string username);

    [Alias("list"), ReadOnly]
    Task<ImmutableArray<string>> ListAsync();

    /// <summary>
    /// Binds <paramref name="counselorId"/> to the account (releasing any counsellor it was bound to; null releases
    /// only). A counsellor id already bound to another account is refused (<c>account.counselor-taken</c>).
    /// </summary>
    [Alias("bind-counselor")]
    Task BindCounselorAsync(string username, string? counselorId);
}
