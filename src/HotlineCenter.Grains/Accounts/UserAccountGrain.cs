using HotlineCenter.Abstractions.Accounts;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Accounts;

[GenerateSerializer]
[Alias("hotline.user-account-state")]
public sealed class UserAccountState
{
    [Id(0)] public string? DisplayName { get; set; }
    [Id(1)] public List<StaffRole> Roles { get; set; } = [];
    [Id(2)] public string CentreId { get; set; } = string.Empty;
    [Id(3)] public string? CounselorId { get; set; }
    [Id(4)] public string PasswordHash { get; set; } = string.Empty;
    [Id(5)] public int FailedAttempts { get; set; }
    [Id(6)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(7)] public bool Disabled { get; set; }
    /// <summary>Raised by a password reset: sessions signed in under an older version end.</summary>
    [Id(8)] public int SessionVersion { get; set; }
    /// <summary>Failed attempts and locks per client address (the account+address pair); the old account-wide ones above are no longer set.</summary>
    [Id(9)] public Dictionary<string, SourceFailures> Sources { get; set; } = [];
}

[GenerateSerializer]
[Alias("hotline.sign-in-source-failures")]
public sealed class SourceFailures
{
    [Id(0)] public int Failed { get; set; }
    [Id(1)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(2)] public DateTimeOffset LastAt { get; set; }
}

/// <summary>A staff account: roles, the password hash, and the lockout counter.</summary>
public sealed class UserAccountGrain(
    [PersistentState("account", StorageNames.Hotline)] IPersistentState<UserAccountState> state,
    HotlineTime time,
    ILogger<UserAccountGrain> logger) : Grain, IUserAccountGrain
{
    private string Username => this.GetPrimaryKeyString();

    private bool Exists => state.State.DisplayName is not null;

    public async Task<UserAccountView> CreateAsync(NewUserAccount account)
    {
        Keys.RequireId(Username, "user name");
        Keys.RequireId(account.CentreId, "centre");
        if (Exists)
        {
            throw new HotlineRuleException("account.exists", $"Account '{Username}' exists already.");
        }

        if (string.IsNullOrWhiteSpace(account.DisplayName) || account.DisplayName.Length > 100
            || account.Roles.IsDefaultOrEmpty || string.IsNullOrEmpty(account.PasswordHash))
        {
            throw new HotlineRuleException("account.invalid", "An account needs a display name (1–100 characters), at least one role and a password.");
        }

        if (account.Roles.Contains(StaffRole.Counselor) && !Keys.IsValidId(account.CounselorId))
        {
            throw new HotlineRuleException("account.invalid", "A counsellor account must name its counsellor id.");
        }

        await BindCounselorAsync(account.CentreId, account.CounselorId);
        state.State = new UserAccountState
        {
            DisplayName = account.DisplayName,
            Roles = [.. account.Roles.Distinct()],
            CentreId = account.CentreId,
            CounselorId = account.CounselorId,
            PasswordHash = account.PasswordHash,
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserDirectoryGrain>(account.CentreId).AddAsync(Username);
        logger.LogInformation("Account {Username} created with roles {Roles}", Username, string.Join(",", state.State.Roles));
        return View();
    }

    public async Task<UserAccountView> UpdateAsync(AccountUpdate update)
    {
        if (!Exists)
        {
            throw new HotlineRuleException("account.unknown", $"No account '{Username}'.");
        }

        var problems = AccountRules.UpdateProblems(update);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("account.invalid", string.Join("; ", problems));
        }

        var counselorId = update.Roles.Contains(StaffRole.Counselor) ? update.CounselorId : null;
        if (counselorId != state.State.CounselorId)
        {
            await BindCounselorAsync(state.State.CentreId, counselorId);
        }

        state.State.DisplayName = update.DisplayName.Trim();
        state.State.Roles = [.. update.Roles.Distinct()];
        state.State.CounselorId = update.Roles.Contains(StaffRole.Counselor) ? update.CounselorId : null;
        state.State.Disabled = update.Disabled;
        await state.WriteStateAsync();
        logger.LogInformation("Account {Username} updated: roles {Roles}, disabled {Disabled}", Username, string.Join(",", state.State.Roles), update.Disabled);
        return View();
    }

    public async Task<UserAccountView> UnlockAsync()
    {
        if (!Exists)
        {
            throw new HotlineRuleException("account.unknown", $"No account '{Username}'.");
        }

        state.State.FailedAttempts = 0;
        state.State.LockedUntil = null;
        state.State.Sources.Clear();
        await state.WriteStateAsync();
        logger.LogInformation("Account {Username} unlocked", Username);
        return View();
    }

    public Task<UserAccountView?> GetAsync() => Task.FromResult(Exists ? View() : null);

    public Task<SignInCheck?> GetSignInCheckAsync(string source) =>
        Task.FromResult(Exists ? new SignInCheck(View(LockoutPolicy.SourceKey(source)), state.State.PasswordHash) : null);

    public async Task<UserAccountView> RecordSignInAsync(bool succeeded, string source)
    {
        if (!Exists)
        {
            throw new HotlineRuleException("account.unknown", $"No account '{Username}'.");
        }

        var now = time.Now;
        var key = LockoutPolicy.SourceKey(source);
        var sources = state.State.Sources;
        foreach (var stale in sources.Where(s => !LockoutPolicy.IsLocked(s.Value.LockedUntil, now) && now - s.Value.LastAt > LockoutPolicy.FailureMemory).Select(s => s.Key).ToList())
        {
            sources.Remove(stale);
        }

        if (succeeded)
        {
            sources.Remove(key);
            state.State.FailedAttempts = 0;
            state.State.LockedUntil = null;
        }
        else
        {
            var entry = sources.TryGetValue(key, out var found) ? found : sources[key] = new SourceFailures();
            if (!LockoutPolicy.IsLocked(entry.LockedUntil, now))
            {
                (entry.Failed, entry.LockedUntil) = LockoutPolicy.AfterFailure(entry.Failed, now);
                if (entry.LockedUntil is not null)
                {
                    logger.LogWarning("Account {Username} locked for one client address after repeated failed sign-ins", Username);
                }
            }

            entry.LastAt = now;
            if (sources.Count > LockoutPolicy.MaxSources)
            {
                sources.Remove(sources.Where(s => !LockoutPolicy.IsLocked(s.Value.LockedUntil, now)).OrderBy(s => s.Value.LastAt).Select(s => s.Key).FirstOrDefault() ?? key);
            }
        }

        await state.WriteStateAsync();
        return View(key);
    }

    public async Task SetPasswordHashAsync(string passwordHash)
    {
        if (!Exists || string.IsNullOrEmpty(passwordHash))
        {
            throw new HotlineRuleException("account.unknown", $"No account '{Username}'.");
        }

        state.State.PasswordHash = passwordHash;
        await state.WriteStateAsync();
    }

    public async Task<UserAccountView> RevokeSessionsAsync()
    {
        if (!Exists)
        {
            throw new HotlineRuleException("account.unknown", $"No account '{Username}'.");
        }

        state.State.SessionVersion++;
        await state.WriteStateAsync();
        logger.LogInformation("Sessions of account {Username} revoked (version {Version})", Username, state.State.SessionVersion);
        return View();
    }

    /// <summary>
    /// A counsellor id belongs to one account, of the counsellor's own centre: otherwise two people would answer as one
    /// counsellor, or another centre's administrator could take over a counsellor's desk. Account → counsellor and
    /// account → directory are one-way awaits (neither awaits an account).
    /// </summary>
    private async Task BindCounselorAsync(string centreId, string? counselorId)
    {
        if (counselorId is not null
            && await GrainFactory.GetGrain<Abstractions.Counselors.ICounselorGrain>(counselorId).GetAsync() is { Profile: { } profile }
            && profile.CentreId != centreId)
        {
            throw new HotlineRuleException("account.counselor-other-centre", $"Counsellor '{counselorId}' belongs to another centre.");
        }

        await GrainFactory.GetGrain<IUserDirectoryGrain>(IUserDirectoryGrain.CounselorBindingsKey).BindCounselorAsync(Username, counselorId);
    }

    /// <summary>The account; its lock is that of <paramref name="source"/>, or without one the latest of any address (for the administrator).</summary>
    private UserAccountView View(string? source = null)
    {
        var now = time.Now;
        var locks = state.State.Sources.Where(s => source is null || s.Key == source).Select(s => s.Value.LockedUntil)
            .Append(state.State.LockedUntil)
            .Where(l => LockoutPolicy.IsLocked(l, now))
            .Max();
        return new(
            Username,
            state.State.DisplayName!,
            [.. state.State.Roles],
            state.State.CentreId,
            state.State.CounselorId,
            state.State.Disabled,
            locks,
            state.State.SessionVersion);
    }
}
