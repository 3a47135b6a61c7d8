using System.Collections.Concurrent;
using System.Reflection;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;

namespace HotlineCenter.Telephony.Tests;

/// <summary>A ring Twilio refuses or cannot take is reported as the provider's failure, not as the counsellor's miss.</summary>
public sealed class TwilioRingFailureTests
{
    private const string Sid = "AC0123456789abcdef0123456789abcdef";
    private const string Token = "auth-token-that-must-never-be-logged";

    [Theory]
    [InlineData(400, 21211)]
    [InlineData(503, null)]
    public async Task Refused_ring_is_reported_to_the_call_as_ring_failed(int status, int? code)
    {
        await using var api = new FakeTwilioApi(Sid, Token);
        await api.StartAsync();
        api.FailNext(10, status, code);
        var grains = GrainsProxy.Create();
        var (port, commands) = Port(api, grains);
        await commands.StartAsync(CancellationToken.None);

        await port.RingCounselorAsync("CA1", "wang", TimeSpan.FromSeconds(20), default);
        var reported = await grains.Applied.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await commands.StopAsync(CancellationToken.None);

        Assert.Equal(("CA1", ProviderEventKind.CounselorRingFailed, "wang"), (reported.CallId, reported.Event.Kind, reported.Event.CounselorId));
        Assert.StartsWith("CA1:wang:ring-failed:", reported.Event.EventKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_provider_is_reported_to_the_call_as_ring_failed()
    {
        var grains = GrainsProxy.Create();
        await using var api = new FakeTwilioApi(Sid, Token);
        await api.StartAsync();
        var (port, commands) = Port(api, grains, apiBase: new Uri("http://127.0.0.1:9/"));
        await commands.StartAsync(CancellationToken.None);

        await port.RingCounselorAsync("CA2", "li", TimeSpan.FromSeconds(20), default);
        var reported = await grains.Applied.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await commands.StopAsync(CancellationToken.None);

        Assert.Equal(("CA2", ProviderEventKind.CounselorRingFailed, "li"), (reported.CallId, reported.Event.Kind, reported.Event.CounselorId));
    }

    private static (TwilioTelephonyPort Port, TwilioCommandQueue Commands) Port(FakeTwilioApi api, GrainsProxy grains, Uri? apiBase = null)
    {
        var http = new HttpClient();
        var baseUrl = apiBase ?? api.BaseUrl;
        var options = new TwilioOptions { AccountSid = Sid, AuthToken = Token, PhoneNumber = "+862912356", PublicBaseUrl = "https://h.example", ApiBaseUrl = baseUrl.ToString() };
        var rest = new TwilioRestClient(http, new TwilioCredentials(Sid, Token, baseUrl), NullLogger<TwilioRestClient>.Instance) { BaseBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero };
        var commands = new TwilioCommandQueue(NullLogger<TwilioCommandQueue>.Instance);
        var identity = new CallerIdentityProtector(Options.Create(TestKeys.Options()));
        return (new TwilioTelephonyPort(commands, rest, (IGrainFactory)(object)grains, identity, Options.Create(options), NullLogger<TwilioTelephonyPort>.Instance), commands);
    }

    /// <summary>
    /// Stands in for the grain factory and the two grains the port reaches: the counsellor (read for their device)
    /// and the call (told the outcome). Anything else the port might call fails the test.
    /// </summary>
    public class GrainsProxy : DispatchProxy
    {
        public TaskCompletionSource<(string CallId, ProviderEvent Event)> Applied { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private string _key = string.Empty;

        private GrainsProxy? _root;

        public static GrainsProxy Create() => (GrainsProxy)(object)Create<IGrainFactory, GrainsProxy>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case nameof(IGrainFactory.GetGrain) when targetMethod.IsGenericMethod && args is [string key, ..]:
                    var grain = (GrainsProxy)Create(targetMethod.GetGenericArguments()[0], typeof(GrainsProxy));
                    (grain._key, grain._root) = (key, _root ?? this);
                    return grain;
                case nameof(ICounselorGrain.GetAsync) when targetMethod.DeclaringType == typeof(ICounselorGrain):
                    return Task.FromResult(new CounselorSnapshot(_key, null, PresenceState.Offered, DateTimeOffset.UnixEpoch, null, null, null, null, []));
                case nameof(ICallGrain.ApplyAsync) when args is [ProviderEvent e]:
                    (_root ?? this).Applied.TrySetResult((_key, e));
                    return Task.FromResult<CallSnapshot>(null!);
                default:
                    throw new NotSupportedException($"The port called {targetMethod?.DeclaringType?.Name}.{targetMethod?.Name}");
            }
        }
    }
}
