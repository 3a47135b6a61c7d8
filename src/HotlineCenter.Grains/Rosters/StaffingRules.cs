using System.Collections.Immutable;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Rosters;

namespace HotlineCenter.Grains.Rosters;

/// <summary>Roster validation and the staffing check, as plain code.</summary>
public static class StaffingRules
{
    /// <summary>The shift covering <paramref name="now"/> (China time); the first in roster order when shifts overlap.</summary>
    public static ShiftDefinition? CurrentShift(IEnumerable<ShiftDefinition> shifts, DateTimeOffset now)
    {
        var local = now.ToChina();
        var time = ChinaTime.TimeOfDay(now);
        var today = local.DayOfWeek;
        var yesterday = local.AddDays(-1).DayOfWeek;
        foreach (var s in shifts)
        {
            ImmutableArray<DayOfWeek>? days = s.Days.IsDefaultOrEmpty ? null : s.Days;
            if (s.End > s.Start)
            {
                if (time >= s.Start && time < s.End && (days is null || days.Value.Contains(today)))
                {
                    return s;
                }
            }
            else if ((time >= s.Start && (days is null || days.Value.Contains(today)))
                     || (time < s.End && (days is null || days.Value.Contains(yesterday))))
            {
                return s;
            }
        }

        return null;
    }

    public static StaffingStatus Evaluate(RosterView roster, IEnumerable<CounselorSnapshot> counselors, DateTimeOffset now)
    {
        var shift = CurrentShift(roster.Shifts, now);
        var signedIn = counselors.Count(c => c.State != PresenceState.Offline);
        var rostered = shift?.CounselorIds.Length ?? 0;
        var onDuty = roster.OnDuty.Select(d => d.SupervisorId).ToImmutableArray();
        var warnings = ImmutableArray.CreateBuilder<StaffingWarning>();
        if (shift is null && !roster.Shifts.IsDefaultOrEmpty)
        {
            warnings.Add(StaffingWarning.NoShift);
        }

        if (signedIn < rostered)
        {
            warnings.Add(StaffingWarning.Understaffed);
        }

        if (onDuty.IsEmpty)
        {
            warnings.Add(StaffingWarning.NoSupervisor);
        }

        return new StaffingStatus(shift, rostered, signedIn, onDuty, warnings.ToImmutable());
    }

    public static IReadOnlyList<string> Problems(ImmutableArray<ShiftDefinition> shifts)
    {
        var problems = new List<string>();
        if (shifts.IsDefault)
        {
            return ["shifts are required (an empty list clears the roster)"];
        }

        if (shifts.Length > 50)
        {
            problems.Add("a roster has at most 50 shifts");
        }

        foreach (var s in shifts)
        {
            var p = $"shift '{s.ShiftId}':";
            if (!Keys.IsValidId(s.ShiftId))
            {
                problems.Add($"{p} id is invalid (a-z, 0-9, '-', '_')");
            }

            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 40)
            {
                problems.Add($"{p} name must be 1–40 characters");
            }

            if (s.Start == s.End)
            {
                problems.Add($"{p} start and end must differ");
            }

            if (!s.Days.IsDefault && s.Days.Any(d => !Enum.IsDefined(d)))
            {
                problems.Add($"{p} days must be days of the week");
            }

            foreach (var id in (s.CounselorIds.IsDefault ? [] : s.CounselorIds).Concat(s.SupervisorIds.IsDefault ? [] : s.SupervisorIds))
            {
                if (!Keys.IsValidId(id))
                {
                    problems.Add($"{p} staff id '{id}' is invalid");
                }
            }

            if (!s.CounselorIds.IsDefault && s.CounselorIds.Distinct().Count() != s.CounselorIds.Length)
            {
                problems.Add($"{p} a counsellor is rostered twice");
            }
        }

        if (shifts.Select(s => s.ShiftId).Distinct().Count() != shifts.Length)
        {
            problems.Add("shift ids must be unique");
        }

        return problems;
    }
}
