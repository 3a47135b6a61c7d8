namespace HotlineCenter.Grains.Accounts;

/// <summary>Locks an account after repeated wrong passwords, so a guessed password costs hours, not seconds.</summary>
public static class LockoutPolicy
{
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
