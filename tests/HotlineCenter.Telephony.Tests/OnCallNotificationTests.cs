using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Simulated;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Tests;

/// <summary>The on-call notification of an unacknowledged crisis alert, on both providers.</summary>
public sealed class OnCallNotificationTests
{
    private const string Message = "测试中心有危机来电正在等待处理，请立即登录系统查看。";

    [Fact]
    public async Task Simulated_provider_records_the_notification()
    {
        var network = new SimulatedTelephony(HotlineTime.System, NullLogger<SimulatedTelephony>.Instance);

        await ((ITelephonyPort)network).NotifyOnCallAsync("xa-12356", "+8613900000000", Message, default);

        var placed = Assert.Single(network.OnCallNotifications);
        Assert.Equal(("xa-12356", "+8613900000000", Message), (placed.CentreId, placed.ToNumber, placed.Message));
    }

    [Fact]
    public async Task Twilio_creates_a_call_that_speaks_the_message_in_chinese()
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
        var port = new TwilioTelephonyPort(commands, rest, null!, identity, Options.Create(options), NullLogger<TwilioTelephonyPort>.Instance);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        api.OnRequest = (_, _) => done.TrySetResult();
        await commands.StartAsync(CancellationToken.None);

        await port.NotifyOnCallAsync("xa-12356", "+8613900000000", Message, default);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await commands.StopAsync(CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal(("POST", "/Calls.json", "+8613900000000", "+862912356"), (request.Method, request.Path, request.Field("To"), request.Field("From")));
        Assert.Contains("<Say language=\"zh-CN\" loop=\"3\">" + Message + "</Say>", request.Field("Twiml"), StringComparison.Ordinal);
    }
}
