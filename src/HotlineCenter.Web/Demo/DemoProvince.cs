using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Web.Demo;

/// <summary>
/// The demo's province (issue 13): the Xi'an centre (<see cref="DemoCentre"/>), a second city centre (宝鸡) and the
/// provincial centre whose number (<see cref="Number"/>) takes calls for the whole province, routes them to the caller's
/// city, takes what the cities overflow and transfers what it cannot answer to the backup line.
/// </summary>
public static class DemoProvince
{
    public const string Id = "sx-12356";
    public const string BaojiId = "baoji-12356";

    /// <summary>The province's number: a call to it is routed by the caller's region.</summary>
    public const string Number = "+862912356000";

    /// <summary>The backup line a provincial call goes to when nobody in the province can take it.</summary>
    public const string BackupNumber = "+862912356999";

    public static SupervisorEntry ProvincialSupervisor { get; } = new("s-tang", "唐主任（省级）");

    public static SupervisorEntry BaojiSupervisor { get; } = new("s-he", "何主任");

    public static CentreConfig Provincial { get; } = Centre(Id, "陕西省12356心理援助热线（省级）", city: null) with
    {
        IsProvincial = true,
        ReportsForCentres = [DemoCentre.Id, BaojiId],
        BackupNumber = BackupNumber,
    };

    /// <summary>Baoji: open 06:00–24:00 (18 h) every day; its callers go to the province at night.</summary>
    public static CentreConfig Baoji { get; } = Centre(BaojiId, "宝鸡市12356心理援助热线", "宝鸡市") with
    {
        OpeningHours = [.. Enum.GetValues<DayOfWeek>().Select(d => new OpeningHours(d, new TimeOnly(6, 0), new TimeOnly(0, 0)))],
    };

    public static ImmutableArray<(string Id, CounselorProfile Profile)> ProvincialCounselors { get; } =
    [
        Counselor(Id, "c-gao", "高远"),
        Counselor(Id, "c-lin", "林菲"),
    ];

    public static ImmutableArray<(string Id, CounselorProfile Profile)> BaojiCounselors { get; } =
    [
        Counselor(BaojiId, "c-baoji-sun", "孙悦"),
        Counselor(BaojiId, "c-baoji-ma", "马骏"),
    ];

    private static CentreConfig Centre(string id, string name, string? city) => new()
    {
        CentreId = id,
        DisplayName = name,
        Queues =
        [
            new QueueConfig
            {
                QueueId = "general", DisplayName = "综合咨询", AgingPointsPerSecond = 0.2, RingTimeoutSeconds = 20, WrapUpSeconds = 180,
                OverflowAfterSeconds = city is null ? 180 : 90, CrisisOverflowAfterSeconds = city is null ? 60 : 30,
                // A city's calls nobody takes go to the province; the province's go to the backup number.
                OverflowTargetQueueKey = city is null ? null : $"{Id}/general",
            },
        ],
        IvrOptions =
        [
            new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
            new IvrOption("2", "心理咨询与情绪疏导", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: null, Language: null),
        ],
        DefaultQueueId = "general",
        Province = "陕西省",
        City = city,
        Prompts = new CentrePrompts { Menu = "如果您现在有危险，请按1。心理咨询与情绪疏导，请按2。" },
        Directory =
        [
            new DirectoryEntry("police", "110 公安", DirectoryKind.Police, "110"),
            new DirectoryEntry("ambulance", "120 急救", DirectoryKind.Ambulance, "120"),
        ],
    };

    private static (string, CounselorProfile) Counselor(string centreId, string id, string name) =>
        (id, new CounselorProfile(centreId, name, [new SkillLevel("general", 4)], ["cmn"], ["general"]));
}
