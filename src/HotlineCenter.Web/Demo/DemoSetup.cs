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
}

public static class DemoSetup
{
    public static WebApplicationBuilder AddHotlineDemo(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddScoped<DeskService>();
        return builder;
    }
}

/// <summary>Seeds the demo centre once: a second run finds it and keeps everything as it was.</summary>
public sealed class DemoSeeder(IGrainFactory grains, Microsoft.Extensions.Options.IOptions<DemoOptions> options, ILogger<DemoSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed)
        {
            return;
        }

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
        logger.LogInformation("Seeded demo centre {CentreId} with {CounselorCount} counsellors", DemoCentre.Id, DemoCentre.Counselors.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
