using System.Collections.Immutable;
using HotlineCenter.Abstractions.Accounts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Crises;

namespace HotlineCenter.Grains.Calls;

/// <summary>
/// Break-glass decisions (docs/security.md): who may see a caller's full number, for what, and for how long.
/// A grant needs the Supervisor role, or Provincial not held beside Admin (Admin, Auditor and Counselor never
/// grant it); the call's own centre unless the requester spans centres; a reason of 10–500 characters; and a
/// purpose of the call: its crisis case or one of the case's actions, or, only for a call without a case, its
/// follow-up. A call with neither cannot be unmasked: there is nothing the number would serve.
/// </summary>
public static class UnmaskRules
{
    public const int ReasonMin = 10;
    public const int ReasonMax = 500;

    public const string RoleRefused = "unmask.role";
    public const string OtherCentre = "unmask.other-centre";
    public const string ReasonRefused = "unmask.reason";
    public const string PurposeRefused = "unmask.purpose";
    public const string NoNumber = "unmask.no-number";
    public const string Expired = "unmask.expired";
    public const string UnknownGrant = "unmask.unknown-grant";
    public const string UnknownCall = "unmask.unknown-call";

    public static bool MayUnmask(IEnumerable<StaffRole> roles)
    {
        var held = roles.ToHashSet();
        return held.Contains(StaffRole.Supervisor) || (held.Contains(StaffRole.Provincial) && !held.Contains(StaffRole.Admin));
    }

    public static bool MayActIn(string? staffCentreId, IEnumerable<StaffRole> roles, string? callCentreId) =>
        !string.IsNullOrEmpty(callCentreId) && (staffCentreId == callCentreId || roles.Contains(StaffRole.Provincial));

    public static bool IsReason(string? reason) => reason?.Trim() is { Length: >= ReasonMin and <= ReasonMax };

    /// <summary>What a grant on this call may name: the case and its actions; the follow-up only when there is no case.</summary>
    public static ImmutableArray<UnmaskPurpose> PurposesOf(CrisisCaseView? crisisCase, FollowUpDetail? followUp)
    {
        if (crisisCase is { Status: not CaseStatus.None } c)
        {
            return [new UnmaskPurpose(UnmaskPurposeKind.CrisisCase, c.CaseId, c.CaseId),
                .. (c.Actions.IsDefault ? [] : c.Actions).Select(a => new UnmaskPurpose(UnmaskPurposeKind.CrisisAction, a.ActionId, a.Kind.ToString()))];
        }

        return followUp is { Item: { } item } ? [new UnmaskPurpose(UnmaskPurposeKind.FollowUp, item.CallId, item.CallId)] : [];
    }

    /// <summary>The first refusal code for a request, in the order role, centre, reason, purpose, number; null when it may be granted.</summary>
    public static string? Refusal(UnmaskRequest request, string? callCentreId, IReadOnlyCollection<UnmaskPurpose> purposes, bool hasNumber)
    {
        var roles = request.Roles.IsDefault ? [] : request.Roles;
        if (!MayUnmask(roles))
        {
            return RoleRefused;
        }

        if (!MayActIn(request.StaffCentreId, roles, callCentreId))
        {
            return OtherCentre;
        }

        if (!IsReason(request.Reason))
        {
            return ReasonRefused;
        }

        if (!purposes.Any(p => p.Kind == request.PurposeKind && p.Id == request.PurposeId))
        {
            return PurposeRefused;
        }

        return hasNumber ? null : NoNumber;
    }

    /// <summary>How long a grant lasts in the centre.</summary>
    public static TimeSpan Lifetime(Abstractions.Centres.CentreConfig? config) =>
        TimeSpan.FromMinutes(config?.EffectiveUnmaskGrantMinutes ?? Abstractions.Centres.CentreConfig.DefaultUnmaskGrantMinutes);

    /// <summary>A grant lets its own staff member see the number until (not at) its expiry.</summary>
    public static bool IsValid(UnmaskGrant grant, string staffId, DateTimeOffset now) => grant.StaffId == staffId && now < grant.ExpiresAt;

    public static string Describe(string code) => code switch
    {
        RoleRefused => "Only a supervisor (or a provincial supervisor) may see a caller's full number.",
        OtherCentre => "This call belongs to another centre; staff unmask numbers only within their own centre.",
        ReasonRefused => $"Give the reason for seeing the full number ({ReasonMin}–{ReasonMax} characters).",
        PurposeRefused => "Name the crisis case or action (or, without a case, the follow-up) of this call the number serves.",
        NoNumber => "This call has no number that can be shown (withheld, or no longer kept).",
        Expired => "The permission to see this number has expired; ask again with a reason.",
        UnknownGrant => "No such permission for you on this call.",
        _ => "No such call.",
    };
}
