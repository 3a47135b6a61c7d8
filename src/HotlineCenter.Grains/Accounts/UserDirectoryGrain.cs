using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Grains.Accounts;

[GenerateSerializer]
[Alias("hotline.user-directory-state")]
public sealed class UserDirectoryState
{
    [Id(0)] public List<string> Usernames { get; set; } = [];
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
}
