using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Counselors;
using System.Security.Claims;
using HotlineCenter.Web.Accounts;
using HotlineCenter.Web.Consoles;
using HotlineCenter.Web.Demo;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Web.Api;

/// <param name="To">The number called (as Twilio's <c>To</c>), instead of <paramref name="CentreId"/>: the province's number routes by the caller's region.</param>
public sealed record PlaceCallRequest(string? CentreId, string? Digits, string? From = null, string? To = null);

public sealed record PresenceRequest(string? State);

public sealed record CallRequest(string? CallId);

/// <summary>
/// The demo API behind the simulated provider (enabled by <c>Demo:Enabled</c>): place calls and act as a
/// counsellor without a phone. Sign-in and roles arrive with the consoles; until then this API is for
/// local demo and tests only and is not mapped in a real deployment.
/// </summary>
public static class DemoApi
{
    public static WebApplication MapDemoApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            return app;
        }

        // JSON API for scripts and tests: cookie-authenticated supervisors; SameSite=Strict cookies stand in for antiforgery.
        var api = app.MapGroup("/api").DisableAntiforgery().RequireAuthorization(Hosting.AuthSetup.SupervisorPolicy);

        api.MapPost("/demo/calls", async (PlaceCallRequest body, DemoCalls calls, IOptions<DemoOptions> demo, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            if (body.To is { } to && !demo.Value.CentreByNumber.ContainsKey(to))
            {
                return Results.Problem(statusCode: 404, title: "Unknown number", detail: "No centre answers that number.");
            }

            var centreId = body.To is { } called ? demo.Value.CentreByNumber[called] : body.CentreId ?? demo.Value.CentreId;
            var digits = body.Digits ?? string.Empty;
            if (!Keys.IsValidId(centreId))
            {
                return Bad("centreId is invalid.");
            }

            // An unknown centre stays a 404 (the grain says so); a known one must be the user's own.
            if (!user.MayActIn(centreId) && await grains.GetGrain<ICentreGrain>(centreId).GetConfigAsync() is not null)
            {
                return StaffAccess.OtherCentreProblem("centre");
            }

            if (digits.Length > 4 || !digits.All(char.IsAsciiDigit))
            {
                return Bad("digits must be 0–4 keypad digits.");
            }

            if (body.From is { } from && !(from.StartsWith('+') && from.Length is >= 8 and <= 16 && from[1..].All(char.IsAsciiDigit)))
            {
                return Bad("from must be an E.164 number such as +8613800000000 (a repeat caller in the demo).");
            }

            var callId = await calls.PlaceAsync(centreId, digits, body.From);
            return Results.Created($"/api/calls/{callId}", new { callId });
        });

        api.MapPost("/demo/calls/{callId}/hangup", async (string callId, DemoCalls calls, IGrainFactory grains, ClaimsPrincipal user) =>
        {
            if (!Keys.IsValidCallId(callId))
            {
                return Bad("callId is invalid.");
            }

            // A call nobody placed is not created by hanging it up.
            var call = await grains.GetGrain<ICallGrain>(callId).GetAsync();
            return call.Status == CallStatus.New ? Results.Problem(statusCode: 404, title: "Unknown call")
                : !user.MayActIn(call.CentreId) ? StaffAccess.OtherCentreProblem("call")
                : Results.Ok(await calls.CallerHangsUpAsync(callId));
        });

        api.MapGet("/calls/{callId}", async (string callId, DeskService desk, ClaimsPrincipal user) =>
        {
            if (!Keys.IsValidCallId(callId))
            {
                return Bad("callId is invalid.");
            }

            var call = await desk.GetCallAsync(callId);
            return call.Status == CallStatus.New ? Results.Problem(statusCode: 404, title: "Unknown call")
                : !user.MayActIn(call.CentreId) ? StaffAccess.OtherCentreProblem("call")
                : Results.Ok(call);
        });

        api.MapGet("/centres/{centreId}/live", async (string centreId, IGrainFactory grains, ClaimsPrincipal user) =>
            !Keys.IsValidId(centreId) ? Bad("centreId is invalid.")
            : !user.MayActIn(centreId) ? StaffAccess.OtherCentreProblem("centre")
            : Results.Ok(await grains.GetGrain<ICentreFeedGrain>(centreId).GetAsync()));

        // Acting for a counsellor: only one of the user's own centre.
        var counselors = api.MapGroup("/counselors/{counselorId}").AddEndpointFilter(async (context, next) =>
        {
            var counselorId = context.HttpContext.Request.RouteValues["counselorId"] as string;
            if (Keys.IsValidId(counselorId)
                && await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ICounselorGrain>(counselorId!).GetAsync() is { Profile: { } profile }
                && !context.HttpContext.User.MayActIn(profile.CentreId))
            {
                return StaffAccess.OtherCentreProblem("counsellor");
            }

            return await next(context);
        });
        counselors.MapPost("/presence", async (string counselorId, PresenceRequest body, DeskService desk) =>
        {
            if (!Keys.IsValidId(counselorId))
            {
                return Bad("counselorId is invalid.");
            }

            if (!Enum.TryParse<PresenceState>(body.State, ignoreCase: true, out var state) || !Enum.IsDefined(state) || int.TryParse(body.State, out _))
            {
                return Bad("state must be one of Offline, Available, Break, Training, Supervision.");
            }

            return Results.Ok(await desk.SetPresenceAsync(counselorId, state));
        });
        counselors.MapPost("/accept", (string counselorId, CallRequest body, DeskService desk) =>
            WithCall(counselorId, body, callId => desk.AcceptAsync(counselorId, callId)));
        counselors.MapPost("/decline", (string counselorId, CallRequest body, DeskService desk) =>
            WithCall(counselorId, body, callId => desk.DeclineAsync(counselorId, callId)));
        counselors.MapPost("/end", (string counselorId, CallRequest body, DeskService desk) =>
            WithCall(counselorId, body, callId => desk.EndCallAsync(counselorId, callId)));
        counselors.MapPost("/wrap-up/complete", async (string counselorId, DeskService desk) =>
            Keys.IsValidId(counselorId) ? Results.Ok(await desk.CompleteWrapUpAsync(counselorId)) : Bad("counselorId is invalid."));
        return app;
    }

    private static async Task<IResult> WithCall<T>(string counselorId, CallRequest body, Func<string, Task<T>> action)
    {
        if (!Keys.IsValidId(counselorId))
        {
            return Bad("counselorId is invalid.");
        }

        if (!Keys.IsValidCallId(body.CallId))
        {
            return Bad("callId is required: 1–64 letters, digits, '-' or '_'.");
        }

        return Results.Ok(await action(body.CallId!));
    }

    private static IResult Bad(string reason) => Results.Problem(statusCode: 400, title: "Bad request", detail: reason);
}
