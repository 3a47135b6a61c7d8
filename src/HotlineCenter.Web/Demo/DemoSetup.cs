using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Centres;

namespace HotlineCenter.Web.Demo;

/// <summary>Section <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    /// <summary>Seed the demo centre on start when it does not exist yet (never overwrites).</summary>
    public bool Seed { get; set; }

    /// <summary>Show the simulated-call controls and the demo API (never in a real deployment).</summary>
    public bool Enabled { get; set; }

    /// <summary>The centre the first page shows.</summary>
    public string CentreId { get; set; } = DemoCentre.Id;

    /// <summary>Password of every seeded demo account (printed by ops/run.sh; never for real accounts).</summary>
    public string Password { get; set; } = PublishedPassword;

    /// <summary>
    /// Outside Development, simulated calls and demo accounts run only when this says so: a real centre must never
    /// take a simulated call for a real one or keep accounts whose password a README published.
    /// </summary>
    public bool NotForRealCallers { get; set; }

    /// <summary>
    /// Which centre answers a simulated call to which number (the number called, as Twilio's <c>To</c>): the demo
    /// province's number reaches the provincial centre, which routes the call by the caller's region.
    /// </summary>
    public Dictionary<string, string> CentreByNumber { get; set; } = new() { [DemoProvince.Number] = DemoProvince.Id };

    /// <summary>The password the README shows; refused outside Development.</summary>
    public const string PublishedPassword = "hotline-12356";
}

public static class DemoSetup
{
    public static WebApplicationBuilder AddHotlineDemo(this WebApplicationBuilder builder)
    {
        var demo = builder.Configuration.GetSection("Demo").Get<DemoOptions>() ?? new DemoOptions();
        if (!builder.Environment.IsDevelopment() && (demo.Enabled || demo.Seed))
        {
            if (!demo.NotForRealCallers)
            {
                throw new InvalidOperationException(
                    "Demo:Enabled or Demo:Seed is on outside Development: simulated calls and demo accounts would run beside real callers. "
                    + "Turn them off, or set Demo:NotForRealCallers=true on a demo or training machine only.");
            }

            if (demo.Seed && demo.Password == DemoOptions.PublishedPassword)
            {
                throw new InvalidOperationException("Demo:Seed outside Development needs Demo:Password set to a password of its own, not the published demo password.");
            }
        }

        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
        builder.Services.AddHostedService<DemoSeeder>();

        // Simulated calls exist only in a demo: nothing in a real deployment can place one.
        if (builder.Configuration.GetValue<bool>("Demo:Enabled"))
        {
            builder.Services.AddSingleton<DemoCalls>();
        }
        return builder;
    }
}

/// <summary>Seeds the demo centre once: a second run finds it and keeps everything as it was.</summary>
public sealed class DemoSeeder(
    IGrainFactory grains,
    HotlineCenter.Web.Accounts.AccountService accounts,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed)
        {
            return;
        }

        await SeedAccountsAsync();
        await SeedLinkageAsync();
        await SeedProvinceAsync();
        var centre = grains.GetGrain<ICentreGrain>(DemoCentre.Id);
        if (await centre.GetConfigAsync() is not null)
        {
            logger.LogInformation("Demo centre {CentreId} already exists; keeping its data", DemoCentre.Id);
            return;
        }

        await centre.ConfigureAsync(DemoCentre.Config);
        foreach (var (id, profile) in DemoCentre.Counselors)
        {
            await grains.GetGrain<Abstractions.Counselors.ICounselorGrain>(id).SetProfileAsync(profile);
            await centre.AddCounselorAsync(id);
        }

        await centre.AddSupervisorAsync(DemoCentre.Supervisor);
        await grains.GetGrain<HotlineCenter.Abstractions.Rosters.IRosterGrain>(DemoCentre.Id).SetShiftsAsync(DemoCentre.Roster, "demo-seed");
        logger.LogInformation("Seeded demo centre {CentreId} with {CounselorCount} counsellors", DemoCentre.Id, DemoCentre.Counselors.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The province around the demo centre: Baoji and the provincial centre, their counsellors and supervisors, and a
    /// provincial supervisor (roles Supervisor + Provincial) who sees the province board. Each only when it does not exist.
    /// </summary>
    private async Task SeedProvinceAsync()
    {
        foreach (var (config, counselors, supervisor, roles) in new[]
        {
            (DemoProvince.Baoji, DemoProvince.BaojiCounselors, DemoProvince.BaojiSupervisor, new[] { StaffRole.Supervisor }),
            (DemoProvince.Provincial, DemoProvince.ProvincialCounselors, DemoProvince.ProvincialSupervisor, new[] { StaffRole.Supervisor, StaffRole.Provincial }),
        })
        {
            var centre = grains.GetGrain<ICentreGrain>(config.CentreId);
            var accountsToSeed = counselors.Select(c => (c.Id, c.Profile.DisplayName, Roles: new[] { StaffRole.Counselor }, CounselorId: (string?)c.Id))
                .Append((supervisor.SupervisorId, supervisor.DisplayName, roles, null));
            foreach (var (username, name, accountRoles, counselorId) in accountsToSeed)
            {
                if (await grains.GetGrain<IUserAccountGrain>(username).GetAsync() is null)
                {
                    await accounts.CreateAsync(username, name, accountRoles, config.CentreId, counselorId, options.Value.Password);
                }
            }

            if (await centre.GetConfigAsync() is not null)
            {
                continue;
            }

            await centre.ConfigureAsync(config);
            foreach (var (id, profile) in counselors)
            {
                await grains.GetGrain<Abstractions.Counselors.ICounselorGrain>(id).SetProfileAsync(profile);
                await centre.AddCounselorAsync(id);
            }

            await centre.AddSupervisorAsync(supervisor);
            logger.LogInformation("Seeded demo centre {CentreId} with {CounselorCount} counsellors", config.CentreId, counselors.Length);
        }
    }

    /// <summary>The demo centre's crisis directory, when it has none yet (also for a centre seeded before it existed).</summary>
    private async Task SeedLinkageAsync()
    {
        var directory = grains.GetGrain<HotlineCenter.Abstractions.Crises.ILinkageDirectoryGrain>(DemoCentre.Id);
        var current = await directory.GetAsync();
        if (current.Hospitals.IsDefaultOrEmpty && current.Receivers.IsDefaultOrEmpty)
        {
            await directory.SetAsync(DemoCentre.Linkage);
        }
    }

    /// <summary>Demo accounts for every role; existing accounts are left as they are.</summary>
    private async Task SeedAccountsAsync()
    {
        var staff = DemoCentre.Counselors
            .Select(c => (c.Id, c.Profile.DisplayName, Roles: new[] { StaffRole.Counselor }, CounselorId: (string?)c.Id))
            .Append((DemoCentre.Supervisor.SupervisorId, DemoCentre.Supervisor.DisplayName, [StaffRole.Supervisor], null))
            // The demo's administrator is the province's: it creates and configures centres (a centre's own admin sees only its centre).
            .Append(("admin", "系统管理员", [StaffRole.Admin, StaffRole.Provincial], null))
            .Append(("auditor", "审计员", [StaffRole.Auditor], null));
        foreach (var (username, name, roles, counselorId) in staff)
        {
            if (await grains.GetGrain<IUserAccountGrain>(username).GetAsync() is null)
            {
                await accounts.CreateAsync(username, name, roles, DemoCentre.Id, counselorId, options.Value.Password);
            }
            else
            {
                // Accounts seeded before the directory existed are listed for the administrator too.
                await grains.GetGrain<IUserDirectoryGrain>(DemoCentre.Id).AddAsync(username);

                // Seeded before demo passwords were per machine: the published one gives way to this machine's.
                if (options.Value.Password != DemoOptions.PublishedPassword && await accounts.HasPasswordAsync(username, DemoOptions.PublishedPassword))
                {
                    await accounts.ResetPasswordAsync(username, options.Value.Password, "demo-seed");
                }
            }
        }
    }
}
