using HotlineCenter.Abstractions.Common;
using Microsoft.Extensions.Localization;

namespace HotlineCenter.Web.Resources;

/// <summary>
/// Grains refuse with a stable code and an English reason for API callers; screens word the codes staff meet
/// in their language (<c>Rule_&lt;code&gt;</c> in the resources) and fall back to the reason for the rest.
/// </summary>
public static class RuleText
{
    public static string Rule(this IStringLocalizer<UiText> localizer, HotlineRuleException ex)
    {
        var text = localizer[$"Rule_{ex.Code}"];
        return text.ResourceNotFound ? ex.Message : text.Value;
    }
}
