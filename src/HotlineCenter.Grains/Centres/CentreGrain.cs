using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Centres;

/// <summary>A centre's configuration and roster. It awaits its queues and counsellors; they never await it.</summary>
public sealed class CentreGrain(
    [PersistentState("centre", StorageNames.Hotline)] IPersistentState<CentreState> state,
    ILogger<CentreGrain> logger) : Grain, ICentreGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task ConfigureAsync(CentreConfig config)
    {
        Keys.RequireId(Id, "centre");
        var errors = CentreConfigValidator.Validate(config, Id);
        if (errors.Count > 0)
        {
            throw new HotlineRuleException("centre.invalid-config", string.Join("; ", errors));
        }

        // Queues first: if one rejects its part, the centre keeps its previous, consistent configuration.
        foreach (var queue in config.Queues)
        {
            await GrainFactory.GetGrain<IQueueGrain>(Keys.Queue(Id, queue.QueueId)).ConfigureAsync(queue with { HighRiskCallsPerShift = config.HighRiskCallsPerShift, BackupNumber = config.BackupNumber });
        }

        state.State.Config = config;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICentreDirectoryGrain>("all").AddAsync(Id);
        logger.LogInformation("Centre {CentreId} configured with {QueueCount} queues", Id, config.Queues.Length);
    }

    public Task<CentreConfig?> GetConfigAsync() => Task.FromResult(state.State.Config);

    public async Task AddCounselorAsync(string counselorId)
    {
        Keys.RequireId(counselorId, "counsellor");
        if (!state.State.Roster.Contains(counselorId))
        {
            state.State.Roster.Add(counselorId);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> GetRosterAsync() => Task.FromResult(state.State.Roster.ToImmutableArray());

    public async Task AddSupervisorAsync(SupervisorEntry supervisor)
    {
        Keys.RequireId(supervisor.SupervisorId, "supervisor");
        if (string.IsNullOrWhiteSpace(supervisor.DisplayName) || supervisor.DisplayName.Length > 100)
        {
            throw new HotlineRuleException("centre.invalid-supervisor", "Supervisor display name must be 1–100 characters.");
        }

        state.State.Supervisors.RemoveAll(s => s.SupervisorId == supervisor.SupervisorId);
        state.State.Supervisors.Add(supervisor);
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<SupervisorEntry>> GetSupervisorsAsync() => Task.FromResult(state.State.Supervisors.ToImmutableArray());

    public async Task WakeAsync()
    {
        if (state.State.Config is not { } config)
        {
            return;
        }

        await Task.WhenAll(config.Queues.Select(q => GrainFactory.GetGrain<IQueueGrain>(Keys.Queue(Id, q.QueueId)).WakeAsync()));
        await Task.WhenAll(state.State.Roster.Select(c => GrainFactory.GetGrain<ICounselorGrain>(c).WakeAsync()));
        logger.LogInformation("Centre {CentreId} woke {QueueCount} queues and {CounselorCount} counsellors", Id, config.Queues.Length, state.State.Roster.Count);
    }
}

/// <summary>Which centres exist, so a starting silo can wake them.</summary>
public sealed class CentreDirectoryGrain(
    [PersistentState("centre-directory", StorageNames.Hotline)] IPersistentState<CentreDirectoryState> state) : Grain, ICentreDirectoryGrain
{
    public async Task AddAsync(string centreId)
    {
        Keys.RequireId(centreId, "centre");
        if (!state.State.CentreIds.Contains(centreId))
        {
            state.State.CentreIds.Add(centreId);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> ListAsync() => Task.FromResult(state.State.CentreIds.ToImmutableArray());
}
