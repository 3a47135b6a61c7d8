using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Grains.Accounts;

[GenerateSerializer]
[Alias("hotline.user-directory-state")]
public sealed class UserDirectoryState
{
    [Id(0)] public List<string> Usernames { get; set; } = [];
    /// <summary>Counsellor id → the one account it is bound to (only in the <see cref="IUserDirectoryGrain.CounselorBindingsKey"/> grain).</summary>
    [Id(1)] public Dictionary<string, string> CounselorAccounts { get; set; } = [];
}

/// <summary>A centre's account names; the accounts themselves live in their own grains.</summary>
public sealed class UserDirectoryGrain(
    [PersistentState("user-directory", StorageNames.Hotline)] IPersistentState<UserDirectoryState> state) : Grain, IUserDirectoryGrain
{
    public async Task AddAsync(string username)
    {
        Keys.RequireId(username, "user name");
        if (!state.State.Usernames.Contains(username))
        {
            state.State.Usernames.Add(username);
            state.State.Usernames.Sort(StringComparer.Ordinal);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> ListAsync() => Task.FromResult(state.State.Usernames.ToImmutableArray());

    public async Task BindCounselorAsync(string username, string? counselorId)
    {
        Keys.RequireId(username, "user name");
        var bindings = state.State.CounselorAccounts;
        if (counselorId is not null && bindings.TryGetValue(counselorId, out var holder) && holder != username)
        {
            throw new HotlineRuleException("account.counselor-taken", $"Counsellor id '{counselorId}' is bound to another account already; one counsellor, one account.");
        }

        var released = bindings.Where(b => b.Value == username && b.Key != counselorId).Select(b => b.Key).ToList();
        released.ForEach(k => bindings.Remove(k));
        var added = counselorId is not null && bindings.TryAdd(counselorId, username);
        if (released.Count > 0 || added)
        {
            await state.WriteStateAsync();
        }
    }
}
