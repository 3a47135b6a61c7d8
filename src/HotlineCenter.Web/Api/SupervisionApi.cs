using System.Security.Claims;
using System.Text.RegularExpressions;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Hosting;

namespace HotlineCenter.Web.Api;

public sealed record SuperviseRequest(string? Action, string? PartyNumber);

/// <summary>
/// Supervisor actions on a live call: monitor, whisper, barge, hold / unhold, add a party, hang up. Supervisors only
/// (not administrators), and only on calls of their own centre (403 <c>centre.not-yours</c> otherwise).
/// </summary>
public static partial class SupervisionApi
{
    public static WebApplication MapSupervisionApi(this WebApplication app)
    {
        app.MapPost("/api/calls/{callId}/supervise", async (string callId, SuperviseRequest body, ClaimsPrincipal user, IGrainFactory grains, ITelephonyPort telephony, CancellationToken ct) =>
        {
            if (!Keys.IsValidCallId(callId))
            {
                return Bad("callId is invalid.");
            }

            if (!Enum.TryParse<SupervisionAction>(body.Action?.Replace("-", string.Empty), ignoreCase: true, out var action) || int.TryParse(body.Action, out _)
                || action is SupervisionAction.Mute or SupervisionAction.Unmute)
            {
                return Bad("action must be one of monitor, whisper, barge, hold, unhold, add-party, hang-up.");
            }

            if (action == SupervisionAction.AddParty && (body.PartyNumber is null || !E164().IsMatch(body.PartyNumber)))
            {
                return Bad("partyNumber must be an E.164 number such as +8629110 for add-party.");
            }

            var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
            if (call.Status == CallStatus.New)
            {
                return Results.Problem(statusCode: 404, title: "Unknown call", detail: "There is no call with that id.");
            }

            if (!user.MayActIn(call.CentreId))
            {
                return StaffAccess.OtherCentreProblem("call");
            }

            if (call.Status != CallStatus.Connected)
            {
                return Results.Problem(statusCode: 409, title: "call.not-connected", detail: $"Call is {call.Status}; supervision needs a connected call.");
            }

            var supervisorId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
            try
            {
                await telephony.SuperviseAsync(callId, new SupervisionRequest(action, supervisorId, call.CounselorLegId, body.PartyNumber), ct);
            }
            catch (TelephonyRefusedException ex)
            {
                // The provider's message can quote the number dialled; its code is enough to look the reason up.
                return Results.Problem(statusCode: ex.IsConflict ? 409 : 502, title: "Telephony provider refused", detail: $"{ex.Provider} error {ex.ProviderCode ?? "(none)"}, HTTP {ex.Status}.");
            }

            return Results.NoContent();
        }).RequireAuthorization(AuthSetup.SupervisionPolicy).DisableAntiforgery();
        return app;
    }

    private static IResult Bad(string reason) => Results.Problem(statusCode: 400, title: "Bad request", detail: reason);

    [GeneratedRegex(@"^\+[1-9][0-9]{2,14}$")]
    private static partial Regex E164();
}
