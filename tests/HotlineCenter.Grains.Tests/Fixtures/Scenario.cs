using System.Collections.Immutable;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Abstractions.Queues;

namespace HotlineCenter.Grains.Tests.Fixtures;

/// <summary>A freshly configured centre with unique ids, so tests sharing a cluster never see each other.</summary>
public sealed class Scenario(ClusterFixture fixture, string centreId)
{
    private int _events;

    public string CentreId { get; } = centreId;

    public string General => $"{CentreId}/general";

    public string Backup => $"{CentreId}/backup";

    public static async Task<Scenario> CreateAsync(ClusterFixture fixture, Func<QueueConfig, QueueConfig>? general = null)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..10];
        var scenario = new Scenario(fixture, id);
        var generalQueue = new QueueConfig { QueueId = "general", DisplayName = "综合", RingTimeoutSeconds = 20, WrapUpSeconds = 60, OverflowAfterSeconds = 60, CrisisOverflowAfterSeconds = 30 };
        var config = new CentreConfig
        {
            CentreId = id,
            DisplayName = "测试中心",
            Queues =
            [
                general is null ? generalQueue : general(generalQueue),
                new QueueConfig { QueueId = "backup", DisplayName = "备份" },
            ],
            IvrOptions =
            [
                new IvrOption("1", "我现在有危险", "general", IsCrisis: true, BasePriority: 100, RequiredSkill: null, Language: null),
                new IvrOption("2", "一般咨询", "general", IsCrisis: false, BasePriority: 10, RequiredSkill: null, Language: null),
                new IvrOption("3", "青少年", "general", IsCrisis: false, BasePriority: 20, RequiredSkill: "youth", Language: null),
            ],
            DefaultQueueId = "general",
        };
        await fixture.Grains.GetGrain<ICentreGrain>(id).ConfigureAsync(config);
        return scenario;
    }

    public ICounselorGrain Counselor(string name) => fixture.Grains.GetGrain<ICounselorGrain>($"{CentreId}-{name}");

    public ICallGrain Call(string name) => fixture.Grains.GetGrain<ICallGrain>($"CA{CentreId}{name}");

    public IQueueGrain Queue(string key) => fixture.Grains.GetGrain<IQueueGrain>(key);

    public async Task<ICounselorGrain> AvailableCounselorAsync(string name, params SkillLevel[] skills)
    {
        var counselor = Counselor(name);
        await counselor.SetProfileAsync(new CounselorProfile(CentreId, name, [.. skills], ["cmn"], ["general"]));
        await fixture.Grains.GetGrain<ICentreGrain>(CentreId).AddCounselorAsync(counselor.GetPrimaryKeyString());
        await counselor.ChangePresenceAsync(PresenceState.Available, "test");
        return counselor;
    }

    /// <summary>Call arrives and presses <paramref name="digits"/>.</summary>
    public async Task<ICallGrain> PlaceCallAsync(string name, string digits, string? callerHash = null)
    {
        var call = Call(name);
        await call.ArriveAsync(new CallArrival(CentreId, "test", new CallerRef(callerHash ?? "hash-" + name, "138****0000", "enc-" + name), NextKey()));
        await call.ChooseAsync(new IvrChoice(digits, NextKey()));
        return call;
    }

    /// <summary>A call placed and accepted by the (only available) counsellor <paramref name="counselorName"/>.</summary>
    public async Task<(ICallGrain Call, ICounselorGrain Counselor)> ConnectedCallAsync(string name, string counselorName, string? callerHash = null)
    {
        var counselor = await AvailableCounselorAsync(counselorName);
        var call = await PlaceCallAsync(name, "2", callerHash);
        await WaitForStateAsync(counselor, PresenceState.Offered);
        await counselor.AcceptOfferAsync(call.GetPrimaryKeyString());
        await WaitForCallAsync(call, c => c.Status == CallStatus.Connected, "call connected");
        return (call, counselor);
    }

    public string NextKey() => $"evt-{Interlocked.Increment(ref _events)}";

    public Task<CounselorSnapshot> WaitForStateAsync(ICounselorGrain counselor, PresenceState state) =>
        Eventually.MatchesAsync(counselor.GetAsync, s => s.State == state, $"counsellor {counselor.GetPrimaryKeyString()} to be {state}");

    public Task<CallSnapshot> WaitForCallAsync(ICallGrain call, Func<CallSnapshot, bool> condition, string what) =>
        Eventually.MatchesAsync(call.GetAsync, condition, what);
}
