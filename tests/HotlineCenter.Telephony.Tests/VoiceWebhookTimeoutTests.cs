using System.Diagnostics;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Telephony.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace HotlineCenter.Telephony.Tests;

/// <summary>
/// A voice webhook whose grain call hangs (Redis restarting, a silo not yet declared dead) answers the backup line within
/// the bound, well under Twilio's 15 s, instead of leaving the caller in silence.
/// </summary>
public sealed class VoiceWebhookTimeoutTests
{
    [Fact]
    public async Task A_voice_webhook_whose_grains_hang_answers_the_fallback_twiml_within_two_seconds()
    {
        var options = new TwilioOptions { FallbackNumber = "+862988888888", VoiceWebhookTimeout = TimeSpan.FromSeconds(1.5) };
        await using var rig = await TwilioPortRig.StartAsync(options: options);
        var voice = new TwilioVoice((IGrainFactory)(object)rig.Grains, rig.Identity, rig.Commands, rig.Rest, Options.Create(options), HotlineTime.System, NullLogger<TwilioVoice>.Instance);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Form = new FormCollection(new Dictionary<string, StringValues> { ["CallSid"] = "CA" + new string('c', 32) });
        var never = new TaskCompletionSource<TwimlResponse>();

        var watch = Stopwatch.StartNew();
        var result = await voice.VoiceAsync(context.Request, (_, _) => never.Task);
        watch.Stop();

        var text = Assert.IsType<ContentHttpResult>(result);
        Assert.Equal(voice.FallbackTwiml(), text.ResponseContent);
        Assert.Contains("+862988888888", text.ResponseContent);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_voice_webhook_that_answers_in_time_is_not_cut_short()
    {
        var options = new TwilioOptions { FallbackNumber = "+862988888888" };
        await using var rig = await TwilioPortRig.StartAsync(options: options);
        var voice = new TwilioVoice((IGrainFactory)(object)rig.Grains, rig.Identity, rig.Commands, rig.Rest, Options.Create(options), HotlineTime.System, NullLogger<TwilioVoice>.Instance);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Form = new FormCollection(new Dictionary<string, StringValues> { ["CallSid"] = "CA" + new string('c', 32) });

        var result = await voice.VoiceAsync(context.Request, (_, _) => Task.FromResult(new TwimlResponse().Hangup()));

        Assert.Equal(new TwimlResponse().Hangup().ToXml(), Assert.IsType<ContentHttpResult>(result).ResponseContent);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(11)]
    public void A_voice_webhook_timeout_outside_its_range_is_a_configuration_problem(double seconds)
    {
        var options = new TwilioOptions { VoiceWebhookTimeout = TimeSpan.FromSeconds(seconds) };

        Assert.Contains(options.Problems(), p => p.StartsWith("Twilio:VoiceWebhookTimeout", StringComparison.Ordinal));
    }
}
