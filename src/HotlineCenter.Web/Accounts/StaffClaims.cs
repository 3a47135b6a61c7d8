using System.Security.Claims;
using HotlineCenter.Abstractions.Common;

namespace HotlineCenter.Web.Accounts;

/// <summary>What a console needs to know of the signed-in staff member, read from their sign-in claims.</summary>
public static class StaffClaims
{
    /// <summary>The account's user name (the id staff actions are recorded under).</summary>
    public static string StaffId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;

    /// <summary>The account's own centre; null when the claim is missing or not a valid id.</summary>
    public static string? CentreId(this ClaimsPrincipal user) =>
        user.FindFirstValue(AccountService.CentreIdClaim) is { } id && Keys.IsValidId(id) ? id : null;

    /// <summary>The counsellor the account answers calls as; null for staff who are not counsellors.</summary>
    public static string? CounselorId(this ClaimsPrincipal user) =>
        user.FindFirstValue(AccountService.CounselorIdClaim) is { } id && Keys.IsValidId(id) ? id : null;
}
