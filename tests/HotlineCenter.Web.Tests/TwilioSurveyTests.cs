using System.Net;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.TwilioSimulator;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Tests.Fixtures;
using static HotlineCenter.Web.Tests.Fixtures.TwilioHost;

namespace HotlineCenter.Web.Tests;

/// <summary>The satisfaction survey over Twilio's webhooks: the caller is redirected out of the conference to a one-key Gather, and the key is stored with the call.</summary>
public sealed class TwilioSurveyTests : IAsyncLifetime
{
    private TwilioHost _t = default!;

    public async Task InitializeAsync()
    {
        _t = await StartAsync();
        var centre = _t.Grains.GetGrain<ICentreGrain>(DemoCentre.Id);
        await centre.ConfigureAsync((await centre.GetConfigAsync())! with { SatisfactionSurvey = true });
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Ending_from_the_console_asks_the_caller_who_presses_a_wrong_key_then_rates_four()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-wang", "+8613900139000");

        await _t.Grains.GetGrain<ICallGrain>(sid).EndByCounselorAsync("c-wang");
        var redirect = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path == $"/Calls/{sid}.json")), r => r is not null, "the caller redirected to the survey");
        var fields = _t.Driver.CallFields(sid, "+8613900139000", Hotline, "in-progress");
        var question = await _t.Driver.PostAsync(redirect!.Field("Url")!, fields);
        var wrongKey = await _t.Driver.PressAsync(question, sid, "+8613900139000", Hotline, "9");
        var rated = await _t.Driver.PressAsync(wrongKey, sid, "+8613900139000", Hotline, "4");
        var replayed = await _t.Driver.PressAsync(wrongKey, sid, "+8613900139000", Hotline, "4");

        Assert.Equal($"{PublicBase}/webhooks/twilio/voice/survey?call={sid}", redirect.Field("Url"));
        Assert.Null(redirect.Field("Status"));
        Assert.Equal(HttpStatusCode.OK, question.Status);
        var gather = question.Twiml.Root!.Element("Gather")!;
        Assert.Equal("1", (string?)gather.Attribute("numDigits"));
        Assert.Contains("请您为本次服务打分", gather.Element("Say")!.Value);
        Assert.Contains("attempt=2", (string?)wrongKey.Twiml.Root!.Element("Gather")!.Attribute("action"));
        Assert.Equal(["Say", "Hangup"], rated.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("感谢您的评价，再见。", rated.Twiml.Root!.Element("Say")!.Value);
        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        var call = await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync();
        Assert.Equal((CallStatus.Ended, 4), (call.Status, call.SatisfactionRating));
    }

    [Fact]
    public async Task A_caller_who_never_presses_hears_goodbye_after_the_second_ask_and_no_rating_is_kept()
    {
        var (sid, _) = await _t.ConnectedCallAsync("c-li", "+8613900139001");
        await _t.Grains.GetGrain<ICallGrain>(sid).EndByCounselorAsync("c-li");
        var redirect = await Eventually.MatchesAsync(
            () => Task.FromResult(_t.Api.Requests.FirstOrDefault(r => r.Path == $"/Calls/{sid}.json")), r => r is not null, "the caller redirected to the survey");

        var question = await _t.Driver.PostAsync(redirect!.Field("Url")!, _t.Driver.CallFields(sid, "+8613900139001", Hotline, "in-progress"));
        var again = await _t.Driver.PressAsync(question, sid, "+8613900139001", Hotline, "");
        var goodbye = await _t.Driver.PressAsync(again, sid, "+8613900139001", Hotline, "");

        Assert.NotNull(again.Twiml.Root!.Element("Gather"));
        Assert.Equal(["Say", "Hangup"], goodbye.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Null((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).SatisfactionRating);
    }

    [Fact]
    public async Task An_unsigned_survey_answer_is_refused_and_an_answer_for_a_call_never_asked_stores_nothing()
    {
        var sid = TwilioDriver.NewCallSid();
        await _t.CallInAsync(sid, "+8613900139002", "2");
        var fields = _t.Driver.CallFields(sid, "+8613900139002", Hotline, "in-progress");
        fields["Digits"] = "5";

        var unsigned = await _t.Driver.PostAsync($"/webhooks/twilio/voice/survey/answer?call={sid}&attempt=1", fields, sign: false);
        var notAsked = await _t.Driver.PostAsync($"/webhooks/twilio/voice/survey/answer?call={sid}&attempt=1", fields);

        Assert.Equal(HttpStatusCode.BadRequest, unsigned.Status);
        Assert.Equal(HttpStatusCode.OK, notAsked.Status);
        Assert.Equal(["Say", "Hangup"], notAsked.Twiml.Root!.Elements().Select(e => e.Name.LocalName));
        Assert.Null((await _t.Grains.GetGrain<ICallGrain>(sid).GetAsync()).SatisfactionRating);
    }
}
