using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Web.Consoles;

/// <summary>A case on the crisis board with the names the board shows beside ids.</summary>
public sealed record CrisisBoard(ImmutableArray<CrisisCaseView> Open, ImmutableArray<CrisisCaseView> RecentlyClosed, LinkageDirectory Directory);

/// <summary>
/// The façade of the crisis board and the counsellor's case panel: cases of the signed-in staff member's own
/// centre only, their actions (approve, carry out, record what the outside service answered), closing, and the
/// centre's server-side alerts. Every refusal is the case grain's, worded on screen from its code.
/// </summary>
public sealed class CrisisService(IGrainFactory grains, ILogger<CrisisService> logger, HotlineCenter.Web.Audit.IAuditTrail audit)
{
    public async Task<CrisisBoard> GetBoardAsync(string centreId)
    {
        var index = await grains.GetGrain<ICrisisIndexGrain>(centreId).GetAsync();
        var open = await Task.WhenAll(index.Open.Select(e => Case(e.CaseId).GetAsync()));
        var closed = await Task.WhenAll(index.RecentlyClosed.Select(e => Case(e.CaseId).GetAsync()));
        var directory = await grains.GetGrain<ILinkageDirectoryGrain>(centreId).GetAsync();
        return new CrisisBoard(
            [.. open.Where(c => c.Status == CaseStatus.Open).OrderBy(c => c.OpenedAt)],
            [.. closed.Where(c => c.Status == CaseStatus.Closed).OrderByDescending(c => c.ClosedAt).Take(20)],
            directory);
    }

    /// <summary>A case of the supervisor's own centre; another centre's case is refused as unknown.</summary>
    public async Task<CrisisCaseView> GetCaseAsync(string centreId, string caseId)
    {
        var view = await Case(caseId).GetAsync();
        return view.Status != CaseStatus.None && view.CentreId == centreId
            ? view
            : throw new HotlineRuleException("crisis.unknown", "No such crisis case in your centre.");
    }

    /// <summary>The case of the counsellor's call, or null when the call has none (the grain refuses other counsellors).</summary>
    public async Task<CrisisCaseView?> GetCaseOfCallAsync(string counselorId, string callId)
    {
        var view = await Case(CrisisKeys.CaseId(callId)).GetForCounselorAsync(counselorId);
        return view.Status == CaseStatus.None ? null : view;
    }

    public Task<CrisisCaseView> ApproveAsync(string centreId, string caseId, string actionId, string supervisorId) =>
        ActAsync(centreId, caseId, c => c.ApproveActionAsync(actionId, supervisorId));

    public Task<CrisisCaseView> CarryOutAsync(string centreId, string caseId, string actionId, CarryOut how, string by) =>
        ActAsync(centreId, caseId, c => c.CarryOutAsync(actionId, how, by));

    public Task<CrisisCaseView> SendSheetAsync(string centreId, string caseId, string actionId, string? receiverId, string by) =>
        ActAsync(centreId, caseId, c => c.SendSheetAsync(actionId, receiverId, by));

    public Task<CrisisCaseView> AdvanceAsync(string centreId, string caseId, string actionId, ActionState to, string by, string? note) =>
        ActAsync(centreId, caseId, c => c.AdvanceActionAsync(actionId, to, by, note));

    public Task<CrisisCaseView> FailAsync(string centreId, string caseId, string actionId, string by, string reason) =>
        ActAsync(centreId, caseId, c => c.FailActionAsync(actionId, by, reason));

    public Task<CrisisCaseView> CancelAsync(string centreId, string caseId, string actionId, string by, string reason) =>
        ActAsync(centreId, caseId, c => c.CancelActionAsync(actionId, by, reason));

    public Task<CrisisCaseView> HospitalAnswerAsync(string centreId, string caseId, string actionId, bool accepted, string by, string? note) =>
        ActAsync(centreId, caseId, c => c.RecordHospitalAnswerAsync(actionId, accepted, by, note));

    public Task<CrisisCaseView> ProposeAsync(string centreId, string caseId, ActionKind kind, string by, string? note) =>
        ActAsync(centreId, caseId, c => c.ProposeActionAsync(kind, by, note));

    public Task<CrisisCaseView> CloseAsync(string centreId, string caseId, string by, string resolution, HelpReached reached, string? note) =>
        ActAsync(centreId, caseId, c => c.CloseAsync(by, resolution, reached, note));

    public Task<CentreAlert> AcknowledgeAlertAsync(string centreId, string alertId, string by) =>
        grains.GetGrain<ICentreAlertsGrain>(centreId).AcknowledgeAsync(alertId, by);

    public Task<LinkageDirectory> GetDirectoryAsync(string centreId) => grains.GetGrain<ILinkageDirectoryGrain>(centreId).GetAsync();

    public Task<LinkageDirectory> SetHospitalAvailabilityAsync(string centreId, string hospitalId, bool available) =>
        grains.GetGrain<ILinkageDirectoryGrain>(centreId).SetAvailabilityAsync(hospitalId, available);

    /// <summary>Runs an action on a case after checking it belongs to the staff member's centre.</summary>
    private async Task<CrisisCaseView> ActAsync(string centreId, string caseId, Func<ICrisisCaseGrain, Task<CrisisCaseView>> act, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        await GetCaseAsync(centreId, caseId);
        var view = await audit.TrackAsync(operation == nameof(CloseAsync) ? HotlineCenter.Abstractions.Audit.AuditKind.CaseChanged : HotlineCenter.Abstractions.Audit.AuditKind.ActionChanged, caseId, () => act(Case(caseId)), operation.Replace("Async", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
        logger.LogInformation("Crisis case {CaseId} changed from the console of centre {CentreId}", caseId, centreId);
        return view;
    }

    private ICrisisCaseGrain Case(string caseId) => grains.GetGrain<ICrisisCaseGrain>(caseId);
}
