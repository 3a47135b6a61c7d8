using HotlineCenter.Abstractions.Caseload;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Caseload;

[GenerateSerializer]
[Alias("hotline.caseload-state")]
public sealed class CaseloadState
{
    [Id(0)] public List<CrisisItem> Crises { get; set; } = [];
    [Id(1)] public List<FollowUpItem> FollowUps { get; set; } = [];
    [Id(2)] public List<HandoverNote> Notes { get; set; } = [];
}

/// <summary>
/// A centre's crises, follow-up index and handover notes. Closed items are kept a while for the handover, then dropped here
/// (records keep them). Each follow-up is owned by its <see cref="FollowUpGrain"/>, which this grain awaits; it reports
/// back one-way (<see cref="FollowUpChangedAsync"/>), so the await edge only ever runs caseload → follow-up.
/// </summary>
public sealed class CaseloadGrain(
    [PersistentState("caseload", StorageNames.Hotline)] IPersistentState<CaseloadState> state,
    HotlineTime time,
    ILogger<CaseloadGrain> logger) : Grain, ICaseloadGrain
{
    public const int MaxNoteLength = 2000;
    private const int MaxResolutionLength = 1000;
    private static readonly TimeSpan ClosedKept = TimeSpan.FromDays(2);
    private static readonly TimeSpan NotesKept = TimeSpan.FromDays(3);

    private string CentreId => this.GetPrimaryKeyString();

    /// <summary>Follow-ups indexed before they had their own grain get one (and its reminder) the first time the caseload wakes.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var adopted = false;
        foreach (var legacy in S.FollowUps.Where(f => f.Version == 0 && f.IsOpen).ToList())
        {
            try
            {
                adopted |= Index((await GrainFactory.GetGrain<IFollowUpGrain>(legacy.CallId).ScheduleAsync(new FollowUpSchedule(CentreId, legacy, Caller: null))).Item);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Retried at the next activation; the list still shows the item meanwhile.
                logger.LogError(ex, "Follow-up of call {CallId} at centre {CentreId} could not be handed to its grain", legacy.CallId, CentreId);
            }
        }

        if (adopted)
        {
            await state.WriteStateAsync();
        }
    }

    private CaseloadState S => state.State;

    public async Task ForgetCallAsync(string callId)
    {
        if (S.Crises.RemoveAll(c => c.CallId == callId) + S.FollowUps.RemoveAll(f => f.CallId == callId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<CaseloadView> OpenCrisisAsync(CrisisItem crisis)
    {
        Keys.RequireCallId(crisis.CallId);
        Keys.RequireId(crisis.CounselorId, "counsellor");
        var open = S.Crises.FindIndex(c => c.CallId == crisis.CallId && c.ClosedAt is null);
        if (open >= 0)
        {
            var existing = S.Crises[open];
            if (crisis.Risk <= existing.Risk)
            {
                return View();
            }

            S.Crises[open] = existing with { Risk = crisis.Risk };
        }
        else
        {
            S.Crises.Add(crisis with { OpenedAt = time.Now, ClosedAt = null, ClosedBy = null, Resolution = null });
            logger.LogWarning("Crisis case opened on call {CallId} at centre {CentreId} ({Source})", crisis.CallId, CentreId, crisis.Source);
        }

        return await SaveAsync();
    }

    public async Task<CaseloadView> CloseCrisisAsync(string callId, string by, string resolution)
    {
        if (string.IsNullOrWhiteSpace(resolution) || resolution.Length > MaxResolutionLength)
        {
            throw new HotlineRuleException("crisis.invalid-resolution", $"Closing a crisis case needs a resolution of 1–{MaxResolutionLength} characters.");
        }

        var open = S.Crises.FindIndex(c => c.CallId == callId && c.ClosedAt is null);
        if (open < 0)
        {
            throw new HotlineRuleException("crisis.not-open", "No open crisis case for that call.");
        }

        S.Crises[open] = S.Crises[open] with { ClosedAt = time.Now, ClosedBy = by, Resolution = resolution.Trim() };
        logger.LogInformation("Crisis case on call {CallId} closed by {StaffId}", callId, by);
        return await SaveAsync();
    }

    public async Task<CaseloadView> ScheduleFollowUpAsync(FollowUpItem followUp)
    {
        // Kept for callers without a caller reference: such a follow-up is held and alerted, but cannot be dialled.
        await PlanFollowUpAsync(new FollowUpSchedule(CentreId, followUp, Caller: null));
        return View();
    }

    public async Task<FollowUpItem> PlanFollowUpAsync(FollowUpSchedule schedule)
    {
        Keys.RequireCallId(schedule.Item.CallId);
        Keys.RequireId(schedule.Item.CounselorId, "counsellor");
        if (schedule.CentreId != CentreId)
        {
            throw new HotlineRuleException("follow-up.wrong-centre", "A follow-up is indexed by its own centre.");
        }

        var detail = await GrainFactory.GetGrain<IFollowUpGrain>(schedule.Item.CallId).ScheduleAsync(schedule);
        if (Index(detail.Item))
        {
            await SaveAsync();
        }

        return detail.Item;
    }

    public async Task FollowUpChangedAsync(FollowUpItem item)
    {
        if (Keys.IsValidCallId(item.CallId) && Index(item))
        {
            await SaveAsync();
        }
    }

    public async Task<CaseloadView> RecordFollowUpAttemptAsync(string callId, string by, bool reached)
    {
        var index = S.FollowUps.FindIndex(f => f.CallId == callId && f.IsOpen);
        if (index < 0)
        {
            throw new HotlineRuleException("follow-up.not-open", "No open follow-up for that call.");
        }

        var grain = GrainFactory.GetGrain<IFollowUpGrain>(callId);
        if (S.FollowUps[index].Version == 0)
        {
            // Scheduled before follow-ups had their own grain: hand it over first (idempotent).
            await grain.ScheduleAsync(new FollowUpSchedule(CentreId, S.FollowUps[index], Caller: null));
        }

        var detail = await grain.RecordOutcomeAsync(by, reached ? FollowUpOutcome.Reached : FollowUpOutcome.NotReached, note: null);
        Index(detail.Item);
        return await SaveAsync();
    }

    public Task<FollowUpBoard> GetFollowUpBoardAsync() => Task.FromResult(FollowUpRules.Board(CentreId, S.FollowUps, time.Now));

    public Task<FollowUpBoard> GetCounselorFollowUpsAsync(string counselorId) =>
        Task.FromResult(FollowUpRules.Board(CentreId, S.FollowUps.Where(f => f.CounselorId == counselorId), time.Now));

    /// <summary>Keeps the newest copy of a follow-up; false when the index already had it.</summary>
    private bool Index(FollowUpItem item)
    {
        var existing = S.FollowUps.FindIndex(f => f.CallId == item.CallId);
        if (existing < 0)
        {
            S.FollowUps.Add(item);
            return true;
        }

        if (S.FollowUps[existing].Version >= item.Version)
        {
            return false;
        }

        S.FollowUps[existing] = item;
        return true;
    }

    public async Task<CaseloadView> AddHandoverNoteAsync(string author, string text)
    {
        Keys.RequireId(author, "author");
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxNoteLength)
        {
            throw new HotlineRuleException("handover.invalid-note", $"A handover note is 1–{MaxNoteLength} characters.");
        }

        S.Notes.Add(new HandoverNote(Guid.NewGuid().ToString("n"), author, time.Now, text.Trim()));
        return await SaveAsync();
    }

    public Task<CaseloadView> GetAsync() => Task.FromResult(View());

    private async Task<CaseloadView> SaveAsync()
    {
        var now = time.Now;
        S.Crises.RemoveAll(c => c.ClosedAt is { } closed && closed < now - ClosedKept);
        S.FollowUps.RemoveAll(f => f.ClosedAt is { } closed && closed < now - ClosedKept);
        S.Notes.RemoveAll(n => n.At < now - NotesKept);
        await state.WriteStateAsync();
        return View();
    }

    private CaseloadView View()
    {
        var now = time.Now;
        return new CaseloadView(
            CentreId,
            [.. S.Crises.Where(c => c.ClosedAt is null).OrderBy(c => c.OpenedAt)],
            [.. S.FollowUps.Where(f => f.IsOpen).OrderBy(f => f.DueAt)],
            [.. S.Notes.Where(n => n.At >= now - NotesKept).OrderByDescending(n => n.At)],
            [.. S.Crises.Where(c => c.ClosedAt is not null).OrderByDescending(c => c.ClosedAt)]);
    }
}
