using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Grains.Tests.Fixtures;

namespace HotlineCenter.Grains.Tests.Grains;

/// <summary>Wrong passwords lock the account for the address they came from only: strangers cannot lock a counsellor out of their shift.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountLockoutTests(ClusterFixture fixture)
{
    private const string Attacker = "203.0.113.7";
    private const string Desk = "10.12.0.25";

    private async Task<IUserAccountGrain> AccountAsync()
    {
        var account = fixture.Grains.GetGrain<IUserAccountGrain>("lock-" + Guid.NewGuid().ToString("N")[..12]);
        await account.CreateAsync(new NewUserAccount("测试", [StaffRole.Supervisor], "xa-test", null, "hash"));
        return account;
    }

    [Fact]
    public async Task Five_failures_lock_the_account_for_that_address_only_and_the_owner_still_signs_in_from_theirs()
    {
        var account = await AccountAsync();
        for (var i = 0; i < 5; i++)
        {
            await account.RecordSignInAsync(false, Attacker);
        }

        var attacker = (await account.GetSignInCheckAsync(Attacker))!.Account;
        var desk = (await account.GetSignInCheckAsync(Desk))!.Account;
        await account.RecordSignInAsync(true, Desk);
        var stillLocked = (await account.GetSignInCheckAsync(Attacker))!.Account;
        var adminView = (await account.GetAsync())!;

        Assert.NotNull(attacker.LockedUntil);
        Assert.Null(desk.LockedUntil);
        Assert.NotNull(stillLocked.LockedUntil);
        Assert.NotNull(adminView.LockedUntil);
    }

    [Fact]
    public async Task Failures_from_many_addresses_never_lock_an_address_that_did_not_fail_and_unlock_clears_every_address()
    {
        var account = await AccountAsync();
        for (var a = 0; a < 20; a++)
        {
            for (var i = 0; i < 5; i++)
            {
                await account.RecordSignInAsync(false, $"198.51.100.{a}");
            }
        }

        var desk = (await account.GetSignInCheckAsync(Desk))!.Account;
        await account.UnlockAsync();
        var afterUnlock = (await account.GetSignInCheckAsync("198.51.100.3"))!.Account;

        Assert.Null(desk.LockedUntil);
        Assert.Null(afterUnlock.LockedUntil);
    }
}
