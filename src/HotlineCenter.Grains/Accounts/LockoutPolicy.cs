namespace HotlineCenter.Grains.Accounts;

/// <summary>
/// Locks an account after repeated wrong passwords — for the address they came from only (the account+address
/// pair): a guessed password costs hours, not seconds, while strangers guessing from elsewhere cannot lock the
/// account's owner out of a whole shift. Addresses are also rate-limited before any password is checked.
/// </summary>
public static class LockoutPolicy
{
    /// <summary>How many addresses an account remembers failures for; the stalest are forgotten first.</summary>
    public const int MaxSources = 200;

    /// <summary>Failures older than this are forgotten (a lock lasts <see cref="LockoutDuration"/>).</summary>
    public static readonly TimeSpan FailureMemory = TimeSpan.FromHours(1);

    /// <summary>The key a client address is counted under ("unknown" when the host does not know it).</summary>
    public static string SourceKey(string? address) =>
        string.IsNullOrWhiteSpace(address) ? "unknown" : address.Trim().ToLowerInvariant() is { Length: <= 64 } a ? a : address.Trim()[..64];

    public const int MaxFailedAttempts = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static bool IsLocked(DateTimeOffset? lockedUntil, DateTimeOffset now) => lockedUntil is { } until && until > now;

    /// <summary>The failed count and lock after one more wrong password.</summary>
    public static (int FailedAttempts, DateTimeOffset? LockedUntil) AfterFailure(int failedAttempts, DateTimeOffset now)
    {
        var failed = failedAttempts + 1;
        return failed >= MaxFailedAttempts ? (0, now + LockoutDuration) : (failed, null);
    }
}
