using System.Reflection;
using HotlineCenter.Abstractions.Counselors;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Tests;

/// <summary>The desk's follow-up dial on Twilio: two legs into <c>followup-{id}</c>, the caller's number decrypted for the request only.</summary>
public sealed class FollowUpDialTests
{
    [Fact]
    public async Task Twilio_adds_the_counselors_device_then_the_callers_decrypted_number_to_the_follow_up_conference()
    {
        const string sid = "AC0123456789abcdef0123456789abcdef";
        const string token = "auth-token-that-must-never-be-logged";
        await using var api = new FakeTwilioApi(sid, token);
        await api.StartAsync();
        using var http = new HttpClient();
        var options = new TwilioOptions { AccountSid = sid, AuthToken = token, PhoneNumber = "+862912356", PublicBaseUrl = "https://h.example", ApiBaseUrl = api.BaseUrl.ToString() };
        var rest = new TwilioRestClient(http, new TwilioCredentials(sid, token, api.BaseUrl), NullLogger<TwilioRestClient>.Instance) { BaseBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero };
        var commands = new TwilioCommandQueue(NullLogger<TwilioCommandQueue>.Instance);
        var identity = new CallerIdentityProtector(Options.Create(TestKeys.Options()));
        var port = new TwilioTelephonyPort(commands, rest, CounselorDirectory.Create(), identity, Options.Create(options), NullLogger<TwilioTelephonyPort>.Instance);
        var seen = 0;
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.OnRequest = (_, _) =>
        {
            if (Interlocked.Increment(ref seen) == 2)
            {
                both.TrySetResult();
            }
        };
        await commands.StartAsync(CancellationToken.None);
        var caller = identity.Protect("+8613800138000");

        await port.DialFollowUpAsync("CA42", caller, "c-wang", default);
        await both.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await commands.StopAsync(CancellationToken.None);

        Assert.Equal(
            [("/Conferences/followup-CA42/Participants.json", "client:c-wang", "counselor-c-wang"), ("/Conferences/followup-CA42/Participants.json", "+8613800138000", "caller")],
            api.Requests.Select(r => (r.Path, r.Field("To"), r.Field("Label"))));
        Assert.All(api.Requests, r => Assert.Equal("+862912356", r.Field("From")));
        Assert.DoesNotContain("+8613800138000", caller.MaskedNumber + caller.CallerHash + caller.EncryptedNumber, StringComparison.Ordinal);
    }

    /// <summary>A grain factory that answers only the counsellor look-up (no profile: the browser softphone is rung).</summary>
    public class CounselorDirectory : DispatchProxy
    {
        public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, CounselorDirectory>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(ICounselorGrain)
                ? CounselorProxy.Create((string)args![0]!)
                : throw new NotSupportedException(targetMethod?.Name);
    }

    public class CounselorProxy : DispatchProxy
    {
        private string _id = string.Empty;

        public static ICounselorGrain Create(string id)
        {
            var proxy = DispatchProxy.Create<ICounselorGrain, CounselorProxy>();
            ((CounselorProxy)(object)proxy)._id = id;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(ICounselorGrain.GetAsync)
                ? Task.FromResult(new CounselorSnapshot(_id, null, PresenceState.Available, default, null, null, null, null, []))
                : throw new NotSupportedException(targetMethod?.Name);
    }
}
