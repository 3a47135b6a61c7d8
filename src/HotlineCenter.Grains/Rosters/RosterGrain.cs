using System.Collections.Immutable;
using HotlineCenter.Abstractions.Rosters;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Rosters;

[GenerateSerializer]
[Alias("hotline.roster-state")]
public sealed class RosterState
{
    [Id(0)] public List<ShiftDefinition> Shifts { get; set; } = [];
    [Id(1)] public List<DutyEntry> OnDuty { get; set; } = [];
    [Id(2)] public long Version { get; set; }
}

/// <summary>A centre's weekly roster and who is on duty now.</summary>
public sealed class RosterGrain(
    [PersistentState("roster", StorageNames.Hotline)] IPersistentState<RosterState> state,
    HotlineTime time,
    ILogger<RosterGrain> logger) : Grain, IRosterGrain
{
    private string CentreId => this.GetPrimaryKeyString();

    public async Task<RosterView> SetShiftsAsync(ImmutableArray<ShiftDefinition> shifts, string by)
    {
        var problems = StaffingRules.Problems(shifts);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("roster.invalid", string.Join("; ", problems));
        }

        state.State.Shifts = [.. shifts.Select(s => s with
        {
            Name = s.Name.Trim(),
            Days = s.Days.IsDefault ? [] : s.Days,
            CounselorIds = s.CounselorIds.IsDefault ? [] : s.CounselorIds,
            SupervisorIds = s.SupervisorIds.IsDefault ? [] : s.SupervisorIds,
        })];
        state.State.Version++;
        await state.WriteStateAsync();
        logger.LogInformation("Roster of centre {CentreId} set by {StaffId}: {Count} shifts", CentreId, by, shifts.Length);
        return View();
    }

    public async Task<RosterView> SetOnDutyAsync(string supervisorId, bool onDuty)
    {
        Keys.RequireId(supervisorId, "supervisor");
        var present = state.State.OnDuty.Any(d => d.SupervisorId == supervisorId);
        if (present == onDuty)
        {
            return View();
        }

        if (onDuty)
        {
            state.State.OnDuty.Add(new DutyEntry(supervisorId, time.Now));
        }
        else
        {
            state.State.OnDuty.RemoveAll(d => d.SupervisorId == supervisorId);
        }

        state.State.Version++;
        await state.WriteStateAsync();
        logger.LogInformation("Supervisor {SupervisorId} {Duty} at centre {CentreId}", supervisorId, onDuty ? "on duty" : "off duty", CentreId);
        return View();
    }

    public Task<RosterView> GetAsync() => Task.FromResult(View());

    private RosterView View() => new(CentreId, [.. state.State.Shifts], [.. state.State.OnDuty], state.State.Version);
}
