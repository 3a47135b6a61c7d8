using System.Collections.Immutable;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Web.Demo;

/// <summary>The demo centre ops/run.sh seeds: a 12356 centre with three queues, eight counsellors and a supervisor.</summary>
public static class DemoCentre
{
    public const string Id = "xa-12356";

    public static CentreConfig Config { get; } = new()
    {
        CentreId = Id,
        DisplayName = "西安市12356心理援助热线",
        Queues =
        [
            new QueueConfig
            {
                QueueId = "general", DisplayName = "综合咨询", AgingPointsPerSecond = 0.2,
                RingTimeoutSeconds = 20, WrapUpSeconds = 180, OverflowAfterSeconds = 60, CrisisOverflowAfterSeconds = 30,
                OverflowTargetQueueKey = $"{Id}/backup",
            },
            new QueueConfig
            {
                QueueId = "youth", DisplayName = "青少年", RequiredSkill = "youth", MinSkillLevel = 3, WidenedMinSkillLevel = 1,
                SkillWideningAfterSeconds = 30, RingTimeoutSeconds = 20, WrapUpSeconds = 180, OverflowAfterSeconds = 90,
                CrisisOverflowAfterSeconds = 30, OverflowTargetQueueKey = $"{Id}/general",
            },
            new QueueConfig
            {
                QueueId = "backup", DisplayName = "备用坐席", AgingPointsPerSecond = 0.5, RingTimeoutSeconds = 20,
                WrapUpSeconds = 180, OverflowAfterSeconds = 120, CrisisOverflowAfterSeconds = 60,
            },
        ],
        IvrOptions =
        [
            new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
            new IvrOption("2", "心理咨询与情绪疏导", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: null, Language: null),
            new IvrOption("3", "青少年及家长", "youth", IsCrisis: false, BasePriority: 20, RequiredSkill: null, Language: null),
            new IvrOption("4", "家庭与婚恋", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: "family", Language: null),
        ],
        DefaultQueueId = "general",
        DefaultPriority = 10,
        Province = "陕西省",
        City = "西安市",
        MaxMenuAttempts = 2,
        Directory =
        [
            new DirectoryEntry("police", "110 公安", DirectoryKind.Police, "110"),
            new DirectoryEntry("ambulance", "120 急救", DirectoryKind.Ambulance, "120"),
            new DirectoryEntry("xa-mhc", "西安市精神卫生中心（绿色通道）", DirectoryKind.Hospital, "+862985000000"),
            new DirectoryEntry("duty-supervisor", "值班督导 周主任", DirectoryKind.Supervisor, "client:s-zhou"),
        ],
    };

    public static ImmutableArray<(string Id, CounselorProfile Profile)> Counselors { get; } =
    [
        Counselor("c-wang", "王雪", ["general", "youth", "backup"], ("general", 5), ("youth", 4)),
        Counselor("c-li", "李明", ["general", "backup"], ("general", 4), ("family", 3)),
        Counselor("c-zhang", "张婷", ["general", "youth"], ("general", 3), ("youth", 5)),
        Counselor("c-liu", "刘洋", ["general"], ("general", 3)),
        Counselor("c-chen", "陈静", ["general", "youth"], ("general", 4), ("youth", 2)),
        Counselor("c-yang", "杨帆", ["general", "backup"], ("general", 2), ("family", 4)),
        Counselor("c-zhao", "赵敏", ["youth", "general"], ("youth", 3), ("general", 3)),
        Counselor("c-huang", "黄磊", ["general", "backup"], ("general", 5), ("family", 2)),
    ];

    public static SupervisorEntry Supervisor { get; } = new("s-zhou", "周主任");

    /// <summary>Three shifts a day, every day; the late shift ends at midnight.</summary>
    public static ImmutableArray<HotlineCenter.Abstractions.Rosters.ShiftDefinition> Roster { get; } =
    [
        new("early", "早班", new TimeOnly(8, 0), new TimeOnly(16, 0), [], ["c-wang", "c-li", "c-zhang", "c-liu"], ["s-zhou"]),
        new("late", "中班", new TimeOnly(16, 0), new TimeOnly(0, 0), [], ["c-chen", "c-yang", "c-zhao"], ["s-zhou"]),
        new("night", "夜班", new TimeOnly(0, 0), new TimeOnly(8, 0), [], ["c-huang", "c-li"], ["s-zhou"]),
    ];

    private static (string, CounselorProfile) Counselor(string id, string name, string[] queues, params (string Skill, int Level)[] skills) =>
        (id, new CounselorProfile(Id, name, [.. skills.Select(s => new SkillLevel(s.Skill, s.Level))], ["cmn"], [.. queues]));

    /// <summary>The crisis directory of the demo centre: 120 and 110 dispatch, two green-channel hospitals (one for youth).</summary>
    public static HotlineCenter.Abstractions.Crises.LinkageDirectory Linkage { get; } = new(
        [
            new("xa-mhc", "西安市精神卫生中心", "西安", [HotlineCenter.Abstractions.Crises.Population.Adult, HotlineCenter.Abstractions.Crises.Population.Elderly], "+862985000000", null, null, Available: true),
            new("xa-youth", "西安市儿童医院心理科（青少年绿色通道）", "西安", [HotlineCenter.Abstractions.Crises.Population.Youth], "+862987000000", null, null, Available: true),
        ],
        [
            new("xa-120", HotlineCenter.Abstractions.Crises.ActionKind.Ambulance120, "西安市120急救指挥中心", "120", null, null),
            new("xa-110", HotlineCenter.Abstractions.Crises.ActionKind.Police110, "西安市公安局110指挥中心", "110", null, null),
        ],
        "+862912356");
}
