using System.Collections.Concurrent;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace HotlineCenter.Grains.Tests.Fixtures;

/// <summary>
/// One in-process Orleans cluster for the grain tests. The domain clock is a <see cref="FakeTimeProvider"/>
/// the tests move by hand; Orleans keeps its own real clock. Grain ticks run every 10 ms of real time and
/// compare deadlines against the fake clock, so a test decides exactly when a ring or wrap-up expires.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero));
    internal static readonly RecordingTelephony Telephony = new();
    internal static readonly RecordingLinkage Linkage = new();
    internal static readonly RecordingRecordings RecordingStore = new();

    /// <summary>
    /// A barrier for callers whose key starts with <see cref="HeldCallerPrefix"/>: their grain's menu read waits on it,
    /// as a caller grain swamped by one number dialling again and again would. Released by the test that holds it.
    /// </summary>
    internal static readonly TaskCompletionSource HeldCallers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal const string HeldCallerPrefix = "held-";

    public TestCluster Cluster { get; } = new TestClusterBuilder(1)
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public FakeTimeProvider Time => Clock;

    public RecordingTelephony Port => Telephony;

    public RecordingLinkage Sheets => Linkage;

    /// <summary>The provider's recordings as the retention purge sees them (what it deleted, which it cannot).</summary>
    public RecordingRecordings Recordings => RecordingStore;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(StorageNames.Hotline);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.AddIncomingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.Name == nameof(HotlineCenter.Abstractions.Callers.ICallerGrain.GetMenuFactsAsync)
                    && context.TargetId.Key.ToString()!.StartsWith(HeldCallerPrefix, StringComparison.Ordinal))
                {
                    await HeldCallers.Task;
                }

                await context.Invoke();
            });
            siloBuilder.ConfigureServices(services =>
            {
                services.AddSingleton(new HotlineTime(Clock));
                services.AddSingleton<ITelephonyPort>(Telephony);
                services.AddSingleton<HotlineCenter.Abstractions.Crises.ILinkageSender>(Linkage);
                services.AddSingleton<ICallerNumberVault>(new RotatedVault());
                services.AddSingleton<IRecordingSource>(RecordingStore);
                services.AddHotlineGrains();
                services.Configure<RoutingOptions>(o =>
                {
                    o.TickInterval = TimeSpan.FromMilliseconds(10);
                    o.FeedInterval = TimeSpan.FromMilliseconds(20);
                    o.ReconcileInterval = TimeSpan.FromSeconds(5);
                });
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>Records what the grains asked of the telephony provider.</summary>
public sealed class RecordingTelephony : ITelephonyPort
{
    public ConcurrentQueue<(string Action, string CallId, string? CounselorId)> Requests { get; } = new();

    public string Name => "test";

    public Task RingCounselorAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) => Add("ring", callId, counselorId);

    public Task StopRingingAsync(string callId, string counselorId, CancellationToken cancellationToken) => Add("stop-ringing", callId, counselorId);

    public Task ConnectCounselorAsync(string callId, string counselorId, CancellationToken cancellationToken) => Add("connect", callId, counselorId);

    public Task HangUpAsync(string callId, CancellationToken cancellationToken) => Add("hang-up", callId, null);

    public Task AskSatisfactionAsync(string callId, CancellationToken cancellationToken) => Add("survey", callId, null);

    /// <summary>Calls whose transfer the provider refuses (a test of "refused → keeps waiting").</summary>
    public ConcurrentDictionary<string, bool> RefuseTransfers { get; } = new();

    /// <summary>Transfers asked of the provider (call id, number).</summary>
    public ConcurrentQueue<(string CallId, string Number)> Transfers { get; } = new();

    public Task TransferToNumberAsync(string callId, string number, CancellationToken cancellationToken)
    {
        if (RefuseTransfers.ContainsKey(callId))
        {
            throw new TelephonyRefusedException("test", "13224", 400);
        }

        Transfers.Enqueue((callId, number));
        return Add("transfer", callId, null);
    }

    public Task SuperviseAsync(string callId, SupervisionRequest request, CancellationToken cancellationToken)
    {
        if (request.Action == SupervisionAction.AddParty)
        {
            AddedParties.Enqueue((callId, request.PartyNumber));
        }

        return Add("supervise", callId, request.SupervisorId);
    }

    public Task CallBackCallerAsync(string callId, HotlineCenter.Abstractions.Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken) =>
        Add("call-back", callId, counselorId);

    /// <summary>Follow-up dials: the follow-up id, the caller reference handed to the port, the counsellor.</summary>
    public ConcurrentQueue<(string FollowUpId, HotlineCenter.Abstractions.Calls.CallerRef Caller, string CounselorId)> FollowUpDials { get; } = new();

    public Task DialFollowUpAsync(string followUpId, int dial, HotlineCenter.Abstractions.Calls.CallerRef caller, string counselorId, CancellationToken cancellationToken)
    {
        FollowUpDials.Enqueue((followUpId, caller, counselorId));
        return Add("follow-up", followUpId, counselorId);
    }

    /// <summary>On-call notifications by centre: the number and the spoken message.</summary>
    public ConcurrentQueue<(string CentreId, string To, string Message)> OnCall { get; } = new();

    /// <summary>Parties conferenced in (call id, number).</summary>
    public ConcurrentQueue<(string CallId, string? Number)> AddedParties { get; } = new();

    public Task NotifyOnCallAsync(string centreId, string toNumber, string message, CancellationToken cancellationToken)
    {
        OnCall.Enqueue((centreId, toNumber, message));
        return Task.CompletedTask;
    }

    public IReadOnlyList<(string Action, string? CounselorId)> For(string callId) =>
        Requests.Where(r => r.CallId == callId).Select(r => (r.Action, r.CounselorId)).ToList();

    /// <summary>
    /// Requests to lose, as a node crash loses the commands it had queued: (action, call id) pairs, each dropped once and
    /// recorded as <c>{action}-lost</c> instead of <c>{action}</c>.
    /// </summary>
    public ConcurrentDictionary<(string Action, string CallId), bool> LoseNext { get; } = new();

    public Task RingCounselorAgainAsync(string callId, string counselorId, TimeSpan ringTimeout, CancellationToken cancellationToken) => Add("ring-again", callId, counselorId);

    private Task Add(string action, string callId, string? counselorId)
    {
        if (LoseNext.TryRemove((action, callId), out _))
        {
            action += "-lost";
        }

        Requests.Enqueue((action, callId, counselorId));
        return Task.CompletedTask;
    }
}

/// <summary>Keeps the sheets the grains queued; a test reports their outcome as the real sender would.</summary>
public sealed class RecordingLinkage : HotlineCenter.Abstractions.Crises.ILinkageSender
{
    public ConcurrentQueue<HotlineCenter.Abstractions.Crises.LinkageDispatch> Sent { get; } = new();

    public ValueTask EnqueueAsync(HotlineCenter.Abstractions.Crises.LinkageDispatch dispatch, CancellationToken cancellationToken)
    {
        Sent.Enqueue(dispatch);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<HotlineCenter.Abstractions.Crises.LinkageDispatch> For(string caseId) => [.. Sent.Where(d => d.CaseId == caseId)];
}

/// <summary>
/// A vault after a rotation from <c>k1</c> to <c>k2</c>: a <c>k1:</c> ciphertext is re-sealed as <c>k2:</c> with the same
/// payload; anything else (the tests' <c>enc-…</c> numbers) is left alone. Real encryption is tested in Telephony.Tests.
/// </summary>
public sealed class RotatedVault : ICallerNumberVault
{
    public string CurrentKeyId => "k2";

    public bool NeedsReseal(string? encryptedNumber) => encryptedNumber?.StartsWith("k1:", StringComparison.Ordinal) == true;

    public HotlineCenter.Abstractions.Calls.CallerRef Reseal(HotlineCenter.Abstractions.Calls.CallerRef caller) =>
        NeedsReseal(caller.EncryptedNumber) ? caller with { EncryptedNumber = "k2:" + caller.EncryptedNumber![3..] } : caller;

    public string? Reveal(string? encryptedNumber) => encryptedNumber;
}

/// <summary>The provider's recordings: records each deletion; a recording id in <see cref="Refuse"/> is refused with Twilio's 20003.</summary>
public sealed class RecordingRecordings : IRecordingSource
{
    public ConcurrentQueue<string> Deleted { get; } = new();

    public ConcurrentDictionary<string, bool> Refuse { get; } = new();

    public Task<Stream> OpenAsync(string recordingId, CancellationToken cancellationToken) => Task.FromResult<Stream>(new MemoryStream([1, 2, 3]));

    public Task DeleteAsync(string recordingId, CancellationToken cancellationToken)
    {
        if (Refuse.ContainsKey(recordingId))
        {
            throw new TelephonyRefusedException("test", "20003", 401);
        }

        Deleted.Enqueue(recordingId);
        return Task.CompletedTask;
    }
}
