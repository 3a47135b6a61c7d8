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

/// <summary>A centre's crises, follow-ups and handover notes. Closed items are kept a while for the handover, then dropped here (records keep them).</summary>
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

    private CaseloadState S => state.State;

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
        Keys.RequireCallId(followUp.CallId);
        Keys.RequireId(followUp.CounselorId, "counsellor");
        var existing = S.FollowUps.FindIndex(f => f.CallId == followUp.CallId);
        if (existing >= 0)
        {
            var current = S.FollowUps[existing];
            if (current.Status != FollowUpStatus.Open || current.DueAt <= followUp.DueAt)
            {
                return View();
            }

            S.FollowUps[existing] = current with { DueAt = followUp.DueAt, Risk = followUp.Risk };
        }
        else
        {
            S.FollowUps.Add(followUp with { Status = FollowUpStatus.Open, FailedAttempts = 0, LastAttemptAt = null, ClosedAt = null });
        }

        return await SaveAsync();
    }

    public async Task<CaseloadView> RecordFollowUpAttemptAsync(string callId, string by, bool reached)
    {
        var index = S.FollowUps.FindIndex(f => f.CallId == callId && f.Status != FollowUpStatus.Done);
        if (index < 0)
        {
            throw new HotlineRuleException("follow-up.not-open", "No open follow-up for that call.");
        }

        var item = S.FollowUps[index];
        var now = time.Now;
        if (reached)
        {
            item = item with { Status = FollowUpStatus.Done, LastAttemptAt = now, ClosedAt = now };
        }
        else
        {
            var failed = item.FailedAttempts + 1;
            item = item with
            {
                FailedAttempts = failed,
                LastAttemptAt = now,
                Status = failed >= FollowUpRules.AttemptsBeforeEscalation ? FollowUpStatus.Escalated : item.Status,
            };
        }

        S.FollowUps[index] = item;
        logger.LogInformation("Follow-up of call {CallId} attempted by {StaffId}: {Status}", callId, by, item.Status);
        return await SaveAsync();
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
            [.. S.FollowUps.Where(f => f.Status != FollowUpStatus.Done).OrderBy(f => f.DueAt)],
            [.. S.Notes.Where(n => n.At >= now - NotesKept).OrderByDescending(n => n.At)],
            [.. S.Crises.Where(c => c.ClosedAt is not null).OrderByDescending(c => c.ClosedAt)]);
    }
}
