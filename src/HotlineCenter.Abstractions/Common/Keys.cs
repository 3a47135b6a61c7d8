namespace HotlineCenter.Abstractions.Common;

/// <summary>Builds and checks the string keys grains are addressed by.</summary>
public static class Keys
{
    private const int MaxIdLength = 64;

    /// <summary>The caller key of calls without a usable number (withheld, not E.164): they share no history.</summary>
    public const string AnonymousCaller = "anonymous";

    /// <summary>
    /// True when a call's caller hash may address a caller profile: a valid id that is not <see cref="AnonymousCaller"/>.
    /// Every withheld caller shares that key, so it must never reach a caller grain (one caller's safety plan would show for the next).
    /// </summary>
    public static bool IsCallerProfileKey(string? callerHash) => IsValidId(callerHash) && callerHash != AnonymousCaller;

    /// <summary>Key of a queue grain: <c>centre/queue</c>.</summary>
    public static string Queue(string centreId, string queueId)
    {
        RequireId(centreId, "centre");
        RequireId(queueId, "queue");
        return $"{centreId}/{queueId}";
    }

    /// <summary>Splits a queue key into its centre and queue ids.</summary>
    public static (string CentreId, string QueueId) ParseQueue(string queueKey)
    {
        var slash = queueKey.IndexOf('/');
        if (slash <= 0 || slash == queueKey.Length - 1 || queueKey.IndexOf('/', slash + 1) >= 0)
        {
            throw new HotlineRuleException("key.invalid-queue", $"'{queueKey}' is not a queue key of the form centre/queue.");
        }

        return (queueKey[..slash], queueKey[(slash + 1)..]);
    }

    /// <summary>True when the id is 1–64 characters of lower-case ASCII letters, digits, '-' or '_'.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= MaxIdLength
        && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    /// <summary>True for a provider call id: 1–64 ASCII letters, digits, '-' or '_' (a Twilio CallSid is CA + 32 hex).</summary>
    public static bool IsValidCallId(string? id) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= MaxIdLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static void RequireCallId(string? id)
    {
        if (!IsValidCallId(id))
        {
            throw new HotlineRuleException("key.invalid-call-id", $"'{id}' is not a valid call id: use 1–{MaxIdLength} letters, digits, '-' or '_'.");
        }
    }

    public static void RequireId(string? id, string what)
    {
        if (!IsValidId(id))
        {
            throw new HotlineRuleException(
                "key.invalid-id",
                $"The {what} id '{id}' is invalid: use 1–{MaxIdLength} characters a-z, 0-9, '-' or '_'.");
        }
    }
}
