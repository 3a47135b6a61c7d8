using HotlineCenter.Abstractions.Centres;

namespace HotlineCenter.Grains.Calls;

/// <summary>What the menu input means for a call: re-prompt, or the queue and terms it waits under.</summary>
public sealed record IvrDecision(bool Reprompt, string QueueId, bool IsCrisis, int BasePriority, string? RequiredSkill, string? Language, string Detail);

/// <summary>
/// Resolves the caller's menu input against the centre's IVR options (domain.md §3): a known option routes
/// by it; an unknown one re-prompts until the attempts run out; no input or the last failed attempt goes to
/// the default queue, so every caller reaches a queue.
/// </summary>
public static class IvrRules
{
    /// <param name="attemptsSoFar">Invalid inputs already re-prompted on this call.</param>
    public static IvrDecision Resolve(CentreConfig config, string digits, int attemptsSoFar)
    {
        var option = config.IvrOptions.FirstOrDefault(o => o.Digits == digits);
        if (option is not null)
        {
            return new(false, option.QueueId, option.IsCrisis, option.BasePriority, option.RequiredSkill, option.Language, $"option {option.Digits}");
        }

        if (digits.Length > 0 && attemptsSoFar + 1 < config.MaxMenuAttempts)
        {
            return new(true, config.DefaultQueueId, false, config.DefaultPriority, null, null, "invalid");
        }

        return new(false, config.DefaultQueueId, false, config.DefaultPriority, null, null, digits.Length == 0 ? "no-input" : "invalid-default");
    }
}
