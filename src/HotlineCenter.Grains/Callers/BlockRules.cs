using HotlineCenter.Abstractions.Callers;

namespace HotlineCenter.Grains.Callers;

/// <summary>What a block may be, and whether one is in force: plain rules, tested as a table.</summary>
public static class BlockRules
{
    public const int MaxDays = 90;
    public const int ReasonMaxLength = 500;

    /// <summary>The refusal code for a block request, or null when it may be set.</summary>
    public static string? Problem(string? reason, int days, bool withheldNumber) => (reason, days, withheldNumber) switch
    {
        (_, _, true) => "block.withheld",
        ({ } r, _, _) when string.IsNullOrWhiteSpace(r) => "block.reason-required",
        (null, _, _) => "block.reason-required",
        ({ Length: > ReasonMaxLength }, _, _) => "block.reason-too-long",
        (_, < 1 or > MaxDays, _) => "block.days-out-of-range",
        _ => null,
    };

    public static bool InForce(CallerBlock? block, DateTimeOffset now) => block is not null && now < block.Until;

    /// <summary>A blocked caller is kept out only of non-danger choices: "I am in danger" always gets through.</summary>
    public static bool KeepsOut(CallerBlock? block, bool choseDanger, DateTimeOffset now) => !choseDanger && InForce(block, now);
}
