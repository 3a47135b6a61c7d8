using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Hosting;

namespace HotlineCenter.Web.Api;

/// <summary>
/// Endpoints the browser needs from the telephony provider: the softphone's access tokens (the desk's for the signed-in
/// counsellor, the wallboard's for the signed-in supervisor, where the provider rings in the browser) and recordings,
/// streamed through the app so that audio is never linked to directly.
/// </summary>
public static class TelephonyApi
{
    public static WebApplication MapTelephonyApi(this WebApplication app)
    {
        if (app.Services.GetService<ISoftphoneTokens>() is null)
        {
            return app;
        }

        app.MapPost("/api/softphone/token", (ClaimsPrincipal user, ISoftphoneTokens tokens, ILogger<ISoftphoneTokens> logger) =>
        {
            var counselorId = user.FindFirstValue(AccountService.CounselorIdClaim);
            if (counselorId is null)
            {
                return Results.Problem(statusCode: 403, title: "Not a counsellor", detail: "Only counsellors answer calls in the browser.");
            }

            logger.LogInformation("Softphone token issued to counsellor {CounselorId}", counselorId);
            return Results.Ok(new { token = tokens.Issue(counselorId), identity = counselorId, expiresInSeconds = (int)tokens.Lifetime.TotalSeconds });
        }).RequireAuthorization(p => p.RequireRole(nameof(StaffRole.Counselor))).DisableAntiforgery();

        // The wallboard's softphone: monitor, whisper, barge and take-over ring client:<supervisor staff id>.
        app.MapPost("/api/softphone/supervisor-token", (ClaimsPrincipal user, ISoftphoneTokens tokens, ILogger<ISoftphoneTokens> logger) =>
        {
            var supervisorId = user.StaffId();
            if (!Keys.IsValidId(supervisorId))
            {
                return Results.Problem(statusCode: 403, title: "No staff id", detail: "The sign-in carries no valid staff id to ring.");
            }

            if (!tokens.RingsSupervisorInBrowser(supervisorId))
            {
                return Results.Problem(statusCode: 409, title: "Rung on a phone", detail: "This supervisor is rung on their configured phone, not in the browser.");
            }

            logger.LogInformation("Softphone token issued to supervisor {SupervisorId}", supervisorId);
            return Results.Ok(new { token = tokens.Issue(supervisorId), identity = supervisorId, expiresInSeconds = (int)tokens.Lifetime.TotalSeconds });
        }).RequireAuthorization(AuthSetup.SupervisorPolicy).DisableAntiforgery();

        app.MapGet("/api/calls/{callId}/recordings/{recordingSid}", async (string callId, string recordingSid, ClaimsPrincipal user, IGrainFactory grains, IRecordingSource recordings, ILogger<IRecordingSource> logger, HttpContext http) =>
        {
            if (!Keys.IsValidCallId(callId) || !Keys.IsValidCallId(recordingSid))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "callId and recordingSid must be provider ids.");
            }

            var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
            if (call.Status != CallStatus.New && !user.MayActIn(call.CentreId))
            {
                logger.LogWarning("Recording {RecordingSid} of call {CallId} refused to {Username}: another centre's call", recordingSid, callId, user.FindFirstValue(ClaimTypes.NameIdentifier));
                return StaffAccess.OtherCentreProblem("call");
            }

            if (call.Recordings.IsDefaultOrEmpty || !call.Recordings.Any(r => r.RecordingSid == recordingSid && r.Status == "completed"))
            {
                return Results.Problem(statusCode: 404, title: "Unknown recording", detail: "This call has no completed recording with that id.");
            }

            // Every listen is a deliberate act and is logged with who and which call (never the content).
            logger.LogWarning("Recording {RecordingSid} of call {CallId} opened by {Username}", recordingSid, callId, user.FindFirstValue(ClaimTypes.NameIdentifier));
            try
            {
                var audio = await recordings.OpenAsync(recordingSid, http.RequestAborted);
                return Results.Stream(audio, "audio/mpeg", enableRangeProcessing: false);
            }
            catch (TelephonyRefusedException ex)
            {
                return Results.Problem(statusCode: ex.Status == 404 ? 404 : 502, title: "Recording unavailable", detail: $"The telephony provider answered HTTP {ex.Status} for this recording.");
            }
        }).RequireAuthorization(AuthSetup.SupervisionPolicy);
        return app;
    }
}
