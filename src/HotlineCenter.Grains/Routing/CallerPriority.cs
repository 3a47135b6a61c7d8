using HotlineCenter.Abstractions.Callers;

namespace HotlineCenter.Grains.Routing;

/// <summary>A call's base priority from the menu option and what the centre knows of the caller.</summary>
public static class CallerPriority
{
    /// <summary>The highest base priority a queue accepts.</summary>
    public const int Max = 1000;

    /// <summary>True when the caller carries a high-risk flag (derived from a recent high/imminent contact, or set by staff).</summary>
    public static bool IsHighRisk(CallerContext context) => context.ActiveFlags.Any(f => f.Kind == CallerFlagKind.HighRisk);

    /// <summary>The menu option's priority, raised by the centre's boost for a high-risk caller (capped at <see cref="Max"/>).</summary>
    public static int BasePriority(int menuPriority, bool highRiskCaller, int boost) =>
        highRiskCaller ? Math.Min(Max, menuPriority + Math.Max(0, boost)) : menuPriority;
}
