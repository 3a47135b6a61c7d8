using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Web.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace HotlineCenter.Web.Components.Shared;

/// <summary>
/// Runs a console action and tells the staff member how it went, the same way on every screen: a rule the
/// grains refused is worded from the <c>Rule_&lt;code&gt;</c> resources, a provider refusal by its code, and
/// anything else is logged and shown as a generic failure (never an exception text).
/// </summary>
public sealed class ConsoleActions(ISnackbar snackbar, IStringLocalizer<UiText> text, ILogger<ConsoleActions> logger)
{
    /// <summary>Runs <paramref name="action"/>; true when it succeeded. <paramref name="done"/> is shown on success.</summary>
    public async Task<bool> RunAsync(Func<Task> action, string? done = null)
    {
        try
        {
            await action();
            if (done is not null)
            {
                snackbar.Add(done, Severity.Success);
            }

            return true;
        }
        catch (Exception ex) when (Word(ex) is { } reason)
        {
            snackbar.Add(text["ActionFailed", reason], Severity.Warning);
            return false;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Console action failed");
            snackbar.Add(text["ActionFailed", text["ErrorBody"]], Severity.Error);
            return false;
        }
    }

    /// <summary>The staff-facing reason for a refusal; null for an unexpected failure.</summary>
    public string? Word(Exception ex) => ex switch
    {
        HotlineRuleException rule => text.Rule(rule),
        TelephonyRefusedException refused => text["TelephonyRefused", refused.ProviderCode ?? "-", refused.Status],
        _ => null,
    };
}
