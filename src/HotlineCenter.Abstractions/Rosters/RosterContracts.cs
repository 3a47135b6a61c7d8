using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Rosters;

/// <summary>
/// One shift of a centre's weekly roster (排班), in China Standard Time. A shift whose end is not after its
/// start runs past midnight and belongs to the day it starts. No days means every day.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.shift")]
public sealed record ShiftDefinition(
    [property: Id(0)] string ShiftId,
    [property: Id(1)] string Name,
    [property: Id(2)] TimeOnly Start,
    [property: Id(3)] TimeOnly End,
    [property: Id(4)] ImmutableArray<DayOfWeek> Days,
    [property: Id(5)] ImmutableArray<string> CounselorIds,
    [property: Id(6)] ImmutableArray<string> SupervisorIds);

/// <summary>A supervisor who signed on for duty (值班) at the wallboard.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.duty")]
public sealed record DutyEntry([property: Id(0)] string SupervisorId, [property: Id(1)] DateTimeOffset Since);

[GenerateSerializer, Immutable]
[Alias("hotline.roster-view")]
public sealed record RosterView(
    [property: Id(0)] string CentreId,
    [property: Id(1)] ImmutableArray<ShiftDefinition> Shifts,
    [property: Id(2)] ImmutableArray<DutyEntry> OnDuty,
    [property: Id(3)] long Version);

[GenerateSerializer]
public enum StaffingWarning
{
    /// <summary>Fewer counsellors are signed in than the current shift rosters.</summary>
    Understaffed = 0,
    /// <summary>No supervisor has signed on for duty.</summary>
    NoSupervisor = 1,
    /// <summary>No shift of the roster covers now.</summary>
    NoShift = 2,
}

/// <summary>The wallboard's staffing picture: who should be here now and who is.</summary>
public sealed record StaffingStatus(
    ShiftDefinition? CurrentShift,
    int Rostered,
    int SignedIn,
    ImmutableArray<string> SupervisorsOnDuty,
    ImmutableArray<StaffingWarning> Warnings);

/// <summary>A centre's roster and the supervisors on duty (key: centre id).</summary>
[Alias("hotline.roster")]
public interface IRosterGrain : IGrainWithStringKey
{
    /// <summary>Replaces the roster; a rule error lists every problem and nothing is stored then.</summary>
    [Alias("set-shifts")]
    Task<RosterView> SetShiftsAsync(ImmutableArray<ShiftDefinition> shifts, string by);

    [Alias("set-on-duty")]
    Task<RosterView> SetOnDutyAsync(string supervisorId, bool onDuty);

    [Alias("get"), ReadOnly]
    Task<RosterView> GetAsync();
}
