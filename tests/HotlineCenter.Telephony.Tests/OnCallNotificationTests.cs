using HotlineCenter.Abstractions.Common;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Telephony.Simulated;
using Microsoft.Extensions.Logging.Abstractions;

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
        await using var rig = await TwilioPortRig.StartAsync();
        var placed = rig.AnsweredAsync(r => r.OperationId == "CreateCall");

        await rig.Port.NotifyOnCallAsync("xa-12356", "+8613900000000", Message, default);
        var request = await placed;

        Assert.Equal(("POST", "/Calls.json", "+8613900000000", "+862912356"), (request.Method, request.Path, request.Field("To"), request.Field("From")));
        Assert.Contains("<Say language=\"zh-CN\" loop=\"3\">" + Message + "</Say>", request.Field("Twiml"), StringComparison.Ordinal);
        Assert.Single(rig.Api.Requests);
    }

    [Fact]
    public async Task An_on_call_notification_twilio_refused_raises_a_critical_alert_in_the_centre()
    {
        await using var rig = await TwilioPortRig.StartAsync();
        rig.Api.FailNext(1, 400, 21211);

        await rig.Port.NotifyOnCallAsync("xa-12356", "+8613900000000", Message, default);
        var alert = (HotlineCenter.Abstractions.Alerts.AlertRaise)(await rig.Grains.FirstAsync("RaiseAsync"))[0]!;

        Assert.Equal((HotlineCenter.Abstractions.Alerts.AlertKind.TelephonyFailed, true, null), (alert.Kind, alert.Critical, alert.CallId));
    }
}
