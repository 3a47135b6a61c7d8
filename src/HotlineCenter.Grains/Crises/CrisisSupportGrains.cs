using System.Collections.Immutable;
using HotlineCenter.Abstractions.Crises;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Crises;

[GenerateSerializer]
[Alias("hotline.escalation-rule-set-state")]
public sealed class EscalationRuleSetState
{
    /// <summary>Published versions, oldest first; empty means the default (version 1) is in force.</summary>
    [Id(0)] public List<EscalationRuleSet> Versions { get; set; } = [];
}

/// <summary>
/// A centre's escalation rules. Its own grain rather than part of <c>CentreGrain</c>: the centre's configuration is
/// read on every arriving call, and the rule history (kept forever, since every case names the version it used)
/// would ride along on each read; it also awaits nobody, so cases can read it from any turn.
/// </summary>
public sealed class EscalationRuleSetGrain(
    [PersistentState("escalation-rules", StorageNames.Hotline)] IPersistentState<EscalationRuleSetState> state,
    HotlineTime time,
    ILogger<EscalationRuleSetGrain> logger) : Grain, IEscalationRuleSetGrain
{
    public Task<EscalationRuleSet> GetCurrentAsync() => Task.FromResult(state.State.Versions.LastOrDefault() ?? EscalationRules.Default);

    public Task<EscalationRuleSet?> GetVersionAsync(int version) =>
        Task.FromResult(All().FirstOrDefault(v => v.Version == version));

    public Task<ImmutableArray<EscalationRuleSet>> GetHistoryAsync() => Task.FromResult(All().ToImmutableArray());

    public async Task<EscalationRuleSet> PublishAsync(ImmutableArray<EscalationRule> rules, string by)
    {
        Keys.RequireId(by, "staff");
        var problems = EscalationRules.Problems(rules);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("crisis.invalid-rule-set", "The rule set was not stored: " + string.Join("; ", problems));
        }

        var current = await GetCurrentAsync();
        var next = new EscalationRuleSet(current.Version + 1, rules, by, time.Now);
        if (state.State.Versions.Count == 0)
        {
            // Keep the default as version 1 in the history, so cases opened under it can still be explained.
            state.State.Versions.Add(EscalationRules.Default);
        }

        state.State.Versions.Add(next);
        await state.WriteStateAsync();
        logger.LogInformation("Escalation rules of centre {CentreId}: version {Version} published by {StaffId}", this.GetPrimaryKeyString(), next.Version, by);
        return next;
    }

    private IEnumerable<EscalationRuleSet> All() => state.State.Versions.Count == 0 ? [EscalationRules.Default] : state.State.Versions;
}

[GenerateSerializer]
[Alias("hotline.linkage-directory-state")]
public sealed class LinkageDirectoryState
{
    [Id(0)] public LinkageDirectory Directory { get; set; } = new([], [], null);
}

/// <summary>A centre's green-channel hospitals and 110/120 linkage points. Awaits nobody.</summary>
public sealed class LinkageDirectoryGrain(
    [PersistentState("linkage-directory", StorageNames.Hotline)] IPersistentState<LinkageDirectoryState> state,
    ILogger<LinkageDirectoryGrain> logger) : Grain, ILinkageDirectoryGrain
{
    public async Task<LinkageDirectory> SetAsync(LinkageDirectory directory)
    {
        var problems = LinkageDirectoryValidator.Problems(directory);
        if (problems.Count > 0)
        {
            throw new HotlineRuleException("crisis.invalid-directory", "The directory was not stored: " + string.Join("; ", problems));
        }

        state.State.Directory = directory with
        {
            Hospitals = directory.Hospitals.IsDefault ? [] : directory.Hospitals,
            Receivers = directory.Receivers.IsDefault ? [] : directory.Receivers,
        };
        await state.WriteStateAsync();
        logger.LogInformation("Linkage directory of centre {CentreId}: {Hospitals} hospitals, {Receivers} receivers", this.GetPrimaryKeyString(), directory.Hospitals.Length, directory.Receivers.Length);
        return state.State.Directory;
    }

    public async Task<LinkageDirectory> SetAvailabilityAsync(string hospitalId, bool available)
    {
        var d = state.State.Directory;
        var index = d.Hospitals.ToList().FindIndex(h => h.HospitalId == hospitalId);
        if (index < 0)
        {
            throw new HotlineRuleException("crisis.unknown-hospital", $"Hospital '{hospitalId}' is not in this centre's directory.");
        }

        state.State.Directory = d with { Hospitals = d.Hospitals.SetItem(index, d.Hospitals[index] with { Available = available }) };
        await state.WriteStateAsync();
        return state.State.Directory;
    }

    public Task<LinkageDirectory> GetAsync() => Task.FromResult(state.State.Directory);
}

[GenerateSerializer]
[Alias("hotline.crisis-index-state")]
public sealed class CrisisIndexState
{
    [Id(0)] public List<CrisisIndexEntry> Entries { get; set; } = [];
}

/// <summary>
/// Which cases a centre's crisis board lists. Closed entries leave the index after a while; the cases themselves
/// stay in their own grains until the retention purge. Awaits nobody.
/// </summary>
public sealed class CrisisIndexGrain(
    [PersistentState("crisis-index", StorageNames.Hotline)] IPersistentState<CrisisIndexState> state,
    HotlineTime time) : Grain, ICrisisIndexGrain
{
    private static readonly TimeSpan ClosedListed = TimeSpan.FromDays(7);

    public async Task OpenedAsync(CrisisIndexEntry entry)
    {
        if (state.State.Entries.Any(e => e.CaseId == entry.CaseId))
        {
            return;
        }

        state.State.Entries.Add(entry with { ClosedAt = null });
        await SaveAsync();
    }

    public async Task ClosedAsync(string caseId, DateTimeOffset closedAt)
    {
        var index = state.State.Entries.FindIndex(e => e.CaseId == caseId);
        if (index < 0 || state.State.Entries[index].ClosedAt is not null)
        {
            return;
        }

        state.State.Entries[index] = state.State.Entries[index] with { ClosedAt = closedAt };
        await SaveAsync();
    }

    public async Task ForgetAsync(string caseId)
    {
        if (state.State.Entries.RemoveAll(e => e.CaseId == caseId) > 0)
        {
            await SaveAsync();
        }
    }

    public Task<CrisisIndexView> GetAsync()
    {
        var since = time.Now - ClosedListed;
        return Task.FromResult(new CrisisIndexView(
            this.GetPrimaryKeyString(),
            [.. state.State.Entries.Where(e => e.ClosedAt is null).OrderBy(e => e.OpenedAt)],
            [.. state.State.Entries.Where(e => e.ClosedAt >= since).OrderByDescending(e => e.ClosedAt)]));
    }

    private async Task SaveAsync()
    {
        var since = time.Now - ClosedListed;
        state.State.Entries.RemoveAll(e => e.ClosedAt < since);
        await state.WriteStateAsync();
    }
}
