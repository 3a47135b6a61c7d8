using HotlineCenter.Abstractions.Common;
using System.Collections.Immutable;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Rosters;
using HotlineCenter.Grains.Rosters;

namespace HotlineCenter.Grains.Tests.Rules;

public sealed class StaffingRulesTests
{
    private static readonly ShiftDefinition Day = new("day", "白班", new TimeOnly(8, 0), new TimeOnly(20, 0), [], ["c-a", "c-b", "c-c"], ["s-a"]);
    private static readonly ShiftDefinition Night = new("night", "夜班", new TimeOnly(20, 0), new TimeOnly(8, 0), [DayOfWeek.Friday], ["c-d"], []);

    /// <summary>China time (UTC+8) on Friday 2026-12-04 at the given hour.</summary>
    private static DateTimeOffset Friday(int hour, int minute = 0) => new(2026, 12, 4, hour, minute, 0, ChinaTime.Offset);

    [Fact]
    public void Night_shift_runs_past_midnight_and_belongs_to_the_day_it_starts()
    {
        Assert.Equal("day", StaffingRules.CurrentShift([Day, Night], Friday(19, 59))?.ShiftId);
        Assert.Equal("night", StaffingRules.CurrentShift([Day, Night], Friday(20))?.ShiftId);
        Assert.Equal("night", StaffingRules.CurrentShift([Day, Night], Friday(23).AddHours(5))?.ShiftId);
        Assert.Null(StaffingRules.CurrentShift([Day, Night], Friday(21).AddDays(-1)));
        Assert.Equal("day", StaffingRules.CurrentShift([Day, Night], Friday(8).ToUniversalTime())?.ShiftId);
    }

    [Fact]
    public void Warns_when_fewer_counselors_are_signed_in_than_rostered_and_when_no_supervisor_is_on_duty()
    {
        var roster = new RosterView("xa", [Day, Night], [], 1);
        var two = new[] { Counselor("c-a", PresenceState.Available), Counselor("c-b", PresenceState.OnCall), Counselor("c-c", PresenceState.Offline) };

        var status = StaffingRules.Evaluate(roster, two, Friday(10));
        var staffed = StaffingRules.Evaluate(roster with { OnDuty = [new DutyEntry("s-a", Friday(8))] }, [.. two[..2], Counselor("c-c", PresenceState.Break)], Friday(10));
        var gap = StaffingRules.Evaluate(roster with { OnDuty = [new DutyEntry("s-a", Friday(8))] }, two, Friday(21).AddDays(-1));

        Assert.Equal((3, 2), (status.Rostered, status.SignedIn));
        Assert.Equal([StaffingWarning.Understaffed, StaffingWarning.NoSupervisor], status.Warnings.AsEnumerable());
        Assert.Empty(staffed.Warnings);
        Assert.Equal([StaffingWarning.NoShift], gap.Warnings.AsEnumerable());
    }

    [Fact]
    public void Roster_problems_are_named()
    {
        var problems = StaffingRules.Problems([Day, Day with { Name = " ", Start = new TimeOnly(9, 0), End = new TimeOnly(9, 0), CounselorIds = ["C A", "c-b", "c-b"] }]);

        Assert.Empty(StaffingRules.Problems([Day, Night]));
        Assert.Contains("shift 'day': name must be 1–40 characters", problems);
        Assert.Contains("shift 'day': start and end must differ", problems);
        Assert.Contains("shift 'day': staff id 'C A' is invalid", problems);
        Assert.Contains("shift 'day': a counsellor is rostered twice", problems);
        Assert.Contains("shift ids must be unique", problems);
    }

    private static CounselorSnapshot Counselor(string id, PresenceState state) =>
        new(id, null, state, Friday(8), null, null, null, null, ImmutableArray<PresenceChange>.Empty);
}
