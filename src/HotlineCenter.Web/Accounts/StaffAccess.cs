using System.Security.Claims;
using HotlineCenter.Abstractions.Accounts;

namespace HotlineCenter.Web.Accounts;

/// <summary>
/// Least privilege and centre boundaries (docs/security.md): a supervisor or administrator acts only within the centre
/// of their sign-in claim; only the <see cref="StaffRole.Provincial"/> role spans centres, and it is granted only by
/// someone who holds it. Listening in, recordings and adding parties are the supervisor's, never the administrator's
/// (the IT role configures; it does not hear callers).
/// </summary>
public static class StaffAccess
{
    /// <summary>Code and reason of a refusal across a centre boundary (403).</summary>
    public const string OtherCentre = "centre.not-yours";

    /// <summary>Code of a refusal of call content to anyone but a supervisor (403).</summary>
    public const string NotASupervisor = "supervision.supervisors-only";

    public static bool SpansCentres(this ClaimsPrincipal user) => user.IsInRole(nameof(StaffRole.Provincial));

    /// <summary>True when the user may act on <paramref name="centreId"/>: their own centre, or any with the provincial role.</summary>
    public static bool MayActIn(this ClaimsPrincipal user, string? centreId) =>
        !string.IsNullOrEmpty(centreId) && (user.CentreId() == centreId || user.SpansCentres());

    /// <summary>Listen in, whisper, barge, take over, add a party, stream a recording: supervisors only.</summary>
    public static bool MaySupervise(this ClaimsPrincipal user) => user.IsInRole(nameof(StaffRole.Supervisor));

    public static IResult OtherCentreProblem(string what) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: OtherCentre, detail: $"This {what} belongs to another centre; staff act only within their own centre.");

    public static HotlineCenter.Abstractions.Common.HotlineRuleException OtherCentreRefusal(string what) =>
        new(OtherCentre, $"This {what} belongs to another centre; staff act only within their own centre.");

    public static HotlineCenter.Abstractions.Common.HotlineRuleException NotASupervisorRefusal() =>
        new(NotASupervisor, "Listening in, recordings and adding parties are for supervisors only.");
}
