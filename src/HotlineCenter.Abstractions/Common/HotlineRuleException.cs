namespace HotlineCenter.Abstractions.Common;

/// <summary>
/// A request that breaks a domain rule (illegal transition, unknown id, absurd configuration).
/// Grains throw it before changing any state, so the caller gets a clear reason and nothing stored moves.
/// </summary>
[GenerateSerializer]
[Alias("hotline.rule-exception")]
public sealed class HotlineRuleException : Exception
{
    public HotlineRuleException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>A stable machine-readable code such as <c>presence.illegal-transition</c>.</summary>
    [Id(0)]
    public string Code { get; }
}
