using System.Collections.Concurrent;
using System.Reflection;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Caseload;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HotlineCenter.Telephony.Tests;

/// <summary>
/// The Twilio port with its command queue and REST client against the contract-checking fake Twilio, and grains
/// played by <see cref="RecordingGrains"/>. The client's waits move a fake clock instead of sleeping.
/// </summary>
public sealed class TwilioPortRig : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "auth-token-that-must-never-be-logged";
    public const string Hotline = "+862912356";

    private readonly HttpClient _http = new();

    private TwilioPortRig(FakeTwilioApi api)
    {
        Api = api;
        Identity = new CallerIdentityProtector(Options.Create(TestKeys.Options()));
    }

    public FakeTwilioApi Api { get; }

    public RecordingGrains Grains { get; } = RecordingGrains.Create();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Every wait between tries, in order.</summary>
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public CallerIdentityProtector Identity { get; }

    public TwilioTelephonyPort Port { get; private set; } = default!;

    public TwilioCommandQueue Commands { get; private set; } = default!;

    public TwilioRestClient Rest { get; private set; } = default!;

    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Done)> _answered = [];

    /// <summary>The first request the fake answers successfully from now on that <paramref name="match"/> picks.</summary>
    public Task<RecordedRequest> AnsweredAsync(Func<RecordedRequest, bool> match)
    {
        var done = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_answered)
        {
            _answered.Add((match, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void OnAnswered(RecordedRequest request)
    {
        lock (_answered)
        {
            foreach (var waiter in _answered.Where(w => w.Match(request)).ToList())
            {
                _answered.Remove(waiter);
                waiter.Done.TrySetResult(request);
            }
        }
    }

    public static async Task<TwilioPortRig> StartAsync(Uri? apiBase = null, TwilioOptions? options = null)
    {
        var api = new FakeTwilioApi(AccountSid, AuthToken);
        await api.StartAsync();
        var rig = new TwilioPortRig(api);
        api.OnRequest = (request, _) => rig.OnAnswered(request);
        var baseUrl = apiBase ?? api.BaseUrl;
        var o = options ?? new TwilioOptions();
        (o.AccountSid, o.AuthToken, o.PhoneNumber, o.PublicBaseUrl, o.ApiBaseUrl) = (AccountSid, AuthToken, Hotline, "https://h.example", baseUrl.ToString());
        rig.Rest = new TwilioRestClient(rig._http, new TwilioCredentials(AccountSid, AuthToken, baseUrl), NullLogger<TwilioRestClient>.Instance, rig.Clock)
        {
            Jitter = () => 0.5,
            Wait = (delay, _) =>
            {
                rig.Waits.Enqueue(delay);
                rig.Clock.Advance(delay);
                return Task.CompletedTask;
            },
        };
        rig.Commands = new TwilioCommandQueue(rig.Rest, NullLogger<TwilioCommandQueue>.Instance);
        rig.Port = new TwilioTelephonyPort(rig.Commands, rig.Rest, (IGrainFactory)(object)rig.Grains, rig.Identity, Options.Create(o), NullLogger<TwilioTelephonyPort>.Instance);
        await rig.Commands.StartAsync(CancellationToken.None);
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await Commands.StopAsync(CancellationToken.None);
        _http.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>
/// Stands in for the grain factory and the grains the port reaches: counsellors (read for their device), calls (their
/// snapshot with centre and conference SID; told ring failures and conference SIDs), follow-ups and the centre's
/// alerts. Every call is recorded; anything else the port might call fails the test.
/// </summary>
public class RecordingGrains : DispatchProxy
{
    private RecordingGrains _root = default!;
    private string _key = string.Empty;
    private Type _grain = typeof(IGrainFactory);

    public ConcurrentQueue<(string Key, string Method, object?[] Args)> Calls { get; private set; } = new();

    /// <summary>Each call's conference SID as the call grain would know it.</summary>
    public ConcurrentDictionary<string, string?> ConferenceSids { get; private set; } = new();

    /// <summary>Counsellors rung on a phone (others on <c>client:</c>).</summary>
    public ConcurrentDictionary<string, string> Phones { get; private set; } = new();

    public string CentreId { get; set; } = "xa-12356";

    private ConcurrentDictionary<string, TaskCompletionSource<object?[]>> Signals { get; set; } = new();

    public static RecordingGrains Create()
    {
        var root = (RecordingGrains)(object)Create<IGrainFactory, RecordingGrains>();
        root._root = root;
        return root;
    }

    /// <summary>The arguments of the first call of <paramref name="method"/> (e.g. <c>ApplyAsync</c>, <c>RaiseAsync</c>), when it comes.</summary>
    public Task<object?[]> FirstAsync(string method) =>
        _root.Signals.GetOrAdd(method, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>The arguments of the first call of <paramref name="method"/> on the grain keyed <paramref name="key"/>.</summary>
    public Task<object?[]> FirstAsync(string method, string key) => FirstAsync($"{method}@{key}");

    public IEnumerable<object?[]> Of(string method) => _root.Calls.Where(c => c.Method == method).Select(c => c.Args);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var root = _root;
        var name = targetMethod!.Name;
        if (name == nameof(IGrainFactory.GetGrain) && targetMethod.IsGenericMethod && args is [string key, ..])
        {
            var type = targetMethod.GetGenericArguments()[0];
            var grain = (RecordingGrains)Create(type, typeof(RecordingGrains));
            (grain._root, grain._key, grain._grain) = (root, key, type);
            return grain;
        }

        root.Calls.Enqueue((_key, name, args ?? []));
        root.Signals.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(args ?? []);
        root.Signals.GetOrAdd($"{name}@{_key}", _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(args ?? []);
        return (_grain.Name, name) switch
        {
            (nameof(ICounselorGrain), nameof(ICounselorGrain.GetAsync)) => Task.FromResult(new CounselorSnapshot(_key,
                root.Phones.TryGetValue(_key, out var phone) ? new CounselorProfile(root.CentreId, _key, [], [], [], new AnswerDevice(DeviceKind.Phone, phone)) : null,
                PresenceState.Offered, DateTimeOffset.UnixEpoch, null, null, null, null, [])),
            (nameof(ICallGrain), nameof(ICallGrain.GetAsync)) => Task.FromResult(new CallSnapshot(_key, root.CentreId, CallStatus.Offered, null, null, false, 0, null,
                null, null, null, null, null, [], ConferenceSid: root.ConferenceSids.GetValueOrDefault(_key))),
            (nameof(ICallGrain), nameof(ICallGrain.ApplyAsync)) => Task.FromResult<CallSnapshot>(null!),
            (nameof(ICallGrain), nameof(ICallGrain.NoteConferenceAsync)) => Note(root, (string)args![0]!),
            (nameof(ICallGrain), nameof(ICallGrain.NoteCallbackPlacedAsync)) => Task.CompletedTask,
            (nameof(ICentreAlertsGrain), nameof(ICentreAlertsGrain.RaiseAsync)) => Task.CompletedTask,
            (nameof(IFollowUpGrain), nameof(IFollowUpGrain.ApplyDialOutcomeAsync)) => Task.FromResult<FollowUpDetail>(null!),
            (nameof(IFollowUpGrain), nameof(IFollowUpGrain.GetAsync)) => Task.FromResult(new FollowUpDetail(root.CentreId, null!, [], [])),
            _ => throw new NotSupportedException($"The port called {_grain.Name}.{name}"),
        };
    }

    private Task Note(RecordingGrains root, string sid)
    {
        root.ConferenceSids[_key] = sid;
        return Task.CompletedTask;
    }
}
