using HotlineCenter.Grains.Rosters;
using HotlineCenter.Web.Demo;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>
/// Who the demo roster has on shift at a moment. A test whose outcome depends on the owner being on shift (a follow-up's
/// due alert goes to the supervisor instead when the owner is off) takes its counsellor from here, so it means the same
/// at 03:00 as at 17:00 Beijing time.
/// </summary>
internal static class DemoShift
{
    public static string CounselorOnShift(DateTimeOffset now) =>
        StaffingRules.CurrentShift(DemoCentre.Roster, now)?.CounselorIds.FirstOrDefault()
        ?? throw new InvalidOperationException($"The demo roster has nobody on shift at {now:O}.");
}
