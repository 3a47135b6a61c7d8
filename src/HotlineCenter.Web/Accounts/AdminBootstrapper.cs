using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Common;

namespace HotlineCenter.Web.Accounts;

/// <summary>
/// A fresh deployment has no accounts and so nobody who could create one: with
/// <c>Auth:BootstrapAdminPassword</c> set, the first start creates the <c>admin</c> account. An existing
/// account is never touched, so the setting can stay in place (rotate the password in the app).
/// </summary>
public sealed class AdminBootstrapper(IConfiguration configuration, IGrainFactory grains, AccountService accounts, ILogger<AdminBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var password = configuration["Auth:BootstrapAdminPassword"];
        if (string.IsNullOrEmpty(password))
        {
            return;
        }

        var centreId = configuration["Auth:BootstrapCentreId"];
        if (!Keys.IsValidId(centreId))
        {
            throw new InvalidOperationException("Auth:BootstrapCentreId must name the administrator's centre when Auth:BootstrapAdminPassword is set.");
        }

        if (await grains.GetGrain<IUserAccountGrain>("admin").GetAsync() is { } existing)
        {
            await grains.GetGrain<IUserDirectoryGrain>(existing.CentreId).AddAsync("admin");
            return;
        }

        // The first administrator of a deployment creates its centres: it spans centres (the provincial role).
        await accounts.CreateAsync("admin", "系统管理员", [StaffRole.Admin, StaffRole.Provincial], centreId!, null, password);
        logger.LogWarning("Created the bootstrap administrator account 'admin' for centre {CentreId}", centreId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
