using HotlineCenter.Abstractions.Centres;

namespace HotlineCenter.Grains.Centres;

[GenerateSerializer]
[Alias("hotline.centre-state")]
public sealed class CentreState
{
    [Id(0)] public CentreConfig? Config { get; set; }
    [Id(1)] public List<string> Roster { get; set; } = [];
    [Id(2)] public List<SupervisorEntry> Supervisors { get; set; } = [];
}

[GenerateSerializer]
[Alias("hotline.centre-directory-state")]
public sealed class CentreDirectoryState
{
    [Id(0)] public List<string> CentreIds { get; set; } = [];
}
