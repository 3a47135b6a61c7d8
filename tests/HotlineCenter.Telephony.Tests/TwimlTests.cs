using System.Xml.Linq;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Telephony.Tests;

/// <summary>TwiML is checked by parsing it back: structure and values, never string layout.</summary>
public sealed class TwimlTests
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    private static XElement Root(TwimlResponse twiml)
    {
        var xml = twiml.ToXml();
        Assert.StartsWith(Declaration, xml, StringComparison.Ordinal);
        var doc = XDocument.Parse(xml);
        Assert.Equal("Response", doc.Root!.Name.LocalName);
        Assert.Equal(XNamespace.None, doc.Root.Name.Namespace);
        return doc.Root;
    }

    private static string? A(XElement element, string name) => (string?)element.Attribute(name);

    [Fact]
    public void Document_starts_exactly_with_the_declaration_and_has_a_response_root()
    {
        var xml = new TwimlResponse().Say("您好").Hangup().ToXml();

        Assert.Equal('<', xml[0]);
        Assert.StartsWith(Declaration, xml, StringComparison.Ordinal);
        var doc = XDocument.Parse(xml);
        Assert.Equal("1.0", doc.Declaration!.Version);
        Assert.Equal("UTF-8", doc.Declaration.Encoding);
        Assert.Equal("Response", doc.Root!.Name.LocalName);
        Assert.Equal(["Say", "Hangup"], doc.Root.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("您好", doc.Root.Element("Say")!.Value);
    }

    [Fact]
    public void Empty_response_is_still_a_document()
    {
        var root = Root(new TwimlResponse());

        Assert.Empty(root.Elements());
    }

    [Fact]
    public void Content_type_is_xml_in_utf8() =>
        Assert.Equal("text/xml; charset=utf-8", TwimlResponse.ContentType);

    [Theory]
    [InlineData("<script>&\"'")]
    [InlineData("</Say><Dial>110</Dial> & \"quotes\" 'apos' <script>alert(1)</script>")]
    [InlineData("]]><!-- -->&amp;&#x41;")]
    [InlineData("第一行\r\n第二行\t😀")]
    public void Caller_influenced_text_round_trips_escaped(string hostile)
    {
        var root = Root(new TwimlResponse()
            .Say(hostile, voice: "Polly.Zhiyu", language: "cmn-CN")
            .Dial(d => d.Conference(hostile, participantLabel: hostile))
            .Redirect("https://h.example/next?name=" + hostile));

        Assert.Equal(["Say", "Dial", "Redirect"], root.Elements().Select(e => e.Name.LocalName));
        var say = root.Element("Say")!;
        Assert.Equal(hostile, say.Value);
        Assert.Empty(say.Elements());
        var conference = Assert.Single(root.Element("Dial")!.Elements());
        Assert.Equal(hostile, conference.Value);
        Assert.Equal(hostile, A(conference, "participantLabel"));
        Assert.Equal("https://h.example/next?name=" + hostile, root.Element("Redirect")!.Value);
    }

    [Fact]
    public void Characters_xml_forbids_are_dropped_rather_than_breaking_the_document()
    {
        var root = Root(new TwimlResponse().Say("a\u0001b\u0000c\uFFFEd\uD800e"));

        Assert.Equal("abcde", root.Element("Say")!.Value);
    }

    [Fact]
    public void Say_play_and_pause_spell_their_attributes_as_twilio_does()
    {
        var root = Root(new TwimlResponse()
            .Say("请稍候", voice: "Polly.Zhiyu", language: "cmn-CN", loop: 2)
            .Play("https://h.example/music.mp3", loop: 0)
            .Pause(3)
            .Say("plain"));

        var says = root.Elements("Say").ToList();
        Assert.Equal("Polly.Zhiyu", A(says[0], "voice"));
        Assert.Equal("cmn-CN", A(says[0], "language"));
        Assert.Equal("2", A(says[0], "loop"));
        Assert.Empty(says[1].Attributes());
        var play = root.Element("Play")!;
        Assert.Equal("0", A(play, "loop"));
        Assert.Equal("https://h.example/music.mp3", play.Value);
        Assert.Equal("3", A(root.Element("Pause")!, "length"));
        Assert.Empty(root.Element("Pause")!.Nodes());
    }

    [Fact]
    public void Gather_nests_prompts_and_spells_attributes_as_twilio_does()
    {
        var root = Root(new TwimlResponse()
            .Say("您好", voice: "Polly.Zhiyu", language: "cmn-CN")
            .Gather(
                g => g.Say("请按1", "Polly.Zhiyu", "cmn-CN").Play("https://h.example/menu.mp3").Pause(1),
                action: "https://h.example/menu?attempt=1&x=y",
                numDigits: 1,
                timeout: 6,
                input: "dtmf",
                actionOnEmptyResult: true,
                finishOnKey: "#",
                language: "zh-CN")
            .Redirect("https://h.example/menu?attempt=2")
            .Hangup());

        Assert.Equal(["Say", "Gather", "Redirect", "Hangup"], root.Elements().Select(e => e.Name.LocalName));
        var gather = root.Element("Gather")!;
        Assert.Equal("dtmf", A(gather, "input"));
        Assert.Equal("https://h.example/menu?attempt=1&x=y", A(gather, "action"));
        Assert.Equal("POST", A(gather, "method"));
        Assert.Equal("1", A(gather, "numDigits"));
        Assert.Equal("6", A(gather, "timeout"));
        Assert.Equal("#", A(gather, "finishOnKey"));
        Assert.Equal("zh-CN", A(gather, "language"));
        Assert.Equal("true", A(gather, "actionOnEmptyResult"));
        Assert.Equal(["Say", "Play", "Pause"], gather.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("cmn-CN", A(gather.Element("Say")!, "language"));
        Assert.Equal("请按1", gather.Element("Say")!.Value);
        Assert.Equal("POST", A(root.Element("Redirect")!, "method"));
    }

    [Fact]
    public void Optional_attributes_left_null_are_omitted()
    {
        var root = Root(new TwimlResponse()
            .Gather(_ => { }, "https://h.example/g", method: null, input: null, actionOnEmptyResult: null)
            .Dial(d => d.Number("+8610123"))
            .Redirect("https://h.example/r", method: null)
            .Reject());

        Assert.Equal(["action"], root.Element("Gather")!.Attributes().Select(a => a.Name.LocalName));
        Assert.Empty(root.Element("Gather")!.Elements());
        Assert.Empty(root.Element("Dial")!.Attributes());
        Assert.Empty(root.Element("Dial")!.Element("Number")!.Attributes());
        Assert.Empty(root.Element("Redirect")!.Attributes());
        Assert.Empty(root.Element("Reject")!.Attributes());
    }

    [Fact]
    public void Gather_defaults_keep_the_ivr_told_of_silence()
    {
        var gather = Root(new TwimlResponse().Gather(g => g.Say("?"), "https://h.example/g")).Element("Gather")!;

        Assert.Equal("true", A(gather, "actionOnEmptyResult"));
        Assert.Equal("dtmf", A(gather, "input"));
        Assert.Equal("POST", A(gather, "method"));
        Assert.Null(gather.Attribute("numDigits"));
        Assert.Null(gather.Attribute("timeout"));
    }

    [Fact]
    public void Conference_noun_carries_every_option_with_twilio_names()
    {
        var root = Root(new TwimlResponse()
            .Dial(
                d => d.Conference(
                    "call-CA1",
                    startConferenceOnEnter: false,
                    endConferenceOnExit: true,
                    beep: false,
                    muted: true,
                    coach: "CA2",
                    waitUrl: "https://h.example/wait?call=CA1&n=1",
                    waitMethod: "GET",
                    record: "record-from-start",
                    statusCallback: "https://h.example/conference",
                    statusCallbackEvent: ["start", "end", "join", "leave", "mute", "hold", "modify"],
                    recordingStatusCallback: "https://h.example/recording",
                    participantLabel: "caller",
                    maxParticipants: 10),
                action: "https://h.example/after",
                method: "POST",
                timeout: 30,
                callerId: "+8610123",
                record: "record-from-answer",
                answerOnBridge: true,
                timeLimit: 3600));

        var dial = root.Element("Dial")!;
        Assert.Equal("https://h.example/after", A(dial, "action"));
        Assert.Equal("POST", A(dial, "method"));
        Assert.Equal("30", A(dial, "timeout"));
        Assert.Equal("+8610123", A(dial, "callerId"));
        Assert.Equal("record-from-answer", A(dial, "record"));
        Assert.Equal("true", A(dial, "answerOnBridge"));
        Assert.Equal("3600", A(dial, "timeLimit"));

        var conference = Assert.Single(dial.Elements());
        Assert.Equal("Conference", conference.Name.LocalName);
        Assert.Equal("call-CA1", conference.Value);
        Assert.Equal("false", A(conference, "startConferenceOnEnter"));
        Assert.Equal("true", A(conference, "endConferenceOnExit"));
        Assert.Equal("false", A(conference, "beep"));
        Assert.Equal("true", A(conference, "muted"));
        Assert.Equal("CA2", A(conference, "coach"));
        Assert.Equal("https://h.example/wait?call=CA1&n=1", A(conference, "waitUrl"));
        Assert.Equal("GET", A(conference, "waitMethod"));
        Assert.Equal("record-from-start", A(conference, "record"));
        Assert.Equal("https://h.example/conference", A(conference, "statusCallback"));
        Assert.Equal("start end join leave mute hold modify", A(conference, "statusCallbackEvent"));
        Assert.Equal("https://h.example/recording", A(conference, "recordingStatusCallback"));
        Assert.Equal("caller", A(conference, "participantLabel"));
        Assert.Equal("10", A(conference, "maxParticipants"));
    }

    [Fact]
    public void Conference_options_record_renders_like_the_parameters()
    {
        var root = Root(new TwimlResponse()
            .Dial(d => d.Conference("call-CA1", new ConferenceOptions
            {
                StartConferenceOnEnter = false,
                EndConferenceOnExit = true,
                WaitUrl = "https://h.example/wait",
                Record = "record-from-start",
                StatusCallbackEvents = ["start", "end", "join", "leave"],
                ParticipantLabel = "caller",
            })));

        var conference = root.Element("Dial")!.Element("Conference")!;
        Assert.Equal("call-CA1", conference.Value);
        Assert.Equal("false", A(conference, "startConferenceOnEnter"));
        Assert.Equal("true", A(conference, "endConferenceOnExit"));
        Assert.Equal("https://h.example/wait", A(conference, "waitUrl"));
        Assert.Equal("POST", A(conference, "waitMethod"));
        Assert.Equal("record-from-start", A(conference, "record"));
        Assert.Equal("start end join leave", A(conference, "statusCallbackEvent"));
        Assert.Equal("caller", A(conference, "participantLabel"));
        Assert.Null(conference.Attribute("beep"));
        Assert.Null(conference.Attribute("coach"));
        Assert.Null(root.Element("Dial")!.Attribute("method"));
    }

    [Fact]
    public void Dial_may_ring_numbers_clients_and_sip_together()
    {
        var dial = Root(new TwimlResponse()
            .Dial(d => d
                .Number("+862988888888", statusCallback: "https://h.example/leg", statusCallbackEvent: ["initiated", "ringing", "answered", "completed"], url: "https://h.example/whisper")
                .Client("counselor-7")
                .Sip("sip:desk@pbx.example;transport=tls"), timeout: 30))
            .Element("Dial")!;

        Assert.Equal("30", A(dial, "timeout"));
        Assert.Equal(["Number", "Client", "Sip"], dial.Elements().Select(e => e.Name.LocalName));
        var number = dial.Element("Number")!;
        Assert.Equal("+862988888888", number.Value);
        Assert.Equal("https://h.example/leg", A(number, "statusCallback"));
        Assert.Equal("initiated ringing answered completed", A(number, "statusCallbackEvent"));
        Assert.Equal("https://h.example/whisper", A(number, "url"));
        Assert.Equal("counselor-7", dial.Element("Client")!.Value);
        Assert.Equal("sip:desk@pbx.example;transport=tls", dial.Element("Sip")!.Value);
    }

    [Fact]
    public void Dial_queue_noun()
    {
        var dial = Root(new TwimlResponse().Dial(d => d.Queue("centre-1:general"))).Element("Dial")!;

        Assert.Equal("centre-1:general", Assert.Single(dial.Elements("Queue")).Value);
    }

    [Fact]
    public void Dial_refuses_wrong_noun_combinations()
    {
        Assert.Throws<InvalidOperationException>(() => new TwimlResponse().Dial(_ => { }));
        Assert.Throws<InvalidOperationException>(() => new TwimlResponse().Dial(d => d.Number("+861").Conference("c")));
        Assert.Throws<InvalidOperationException>(() => new TwimlResponse().Dial(d => d.Conference("c").Client("x")));
        Assert.Throws<InvalidOperationException>(() => new TwimlResponse().Dial(d => d.Queue("q").Queue("r")));
    }

    [Fact]
    public void Bad_method_reason_or_multi_value_is_refused_at_build_time()
    {
        Assert.Throws<ArgumentException>(() => new TwimlResponse().Redirect("https://h.example", method: "PUT"));
        Assert.Throws<ArgumentException>(() => new TwimlResponse().Reject("go away"));
        Assert.Throws<ArgumentException>(() => new TwimlResponse().Dial(d => d.Conference("c", statusCallbackEvent: ["start end"])));
        Assert.Throws<ArgumentException>(() => new TwimlResponse().Dial(d => d.Number("+861", statusCallbackEvent: [""])));
    }

    [Fact]
    public void Enqueue_record_redirect_hangup_and_reject()
    {
        var root = Root(new TwimlResponse()
            .Enqueue("general", action: "https://h.example/left", waitUrl: "https://h.example/hold", waitUrlMethod: "GET", maxQueueSize: 50)
            .Record(maxLength: 120, playBeep: false, recordingStatusCallback: "https://h.example/recording")
            .Redirect("https://h.example/again", method: "GET")
            .Hangup()
            .Reject("busy"));

        Assert.Equal(["Enqueue", "Record", "Redirect", "Hangup", "Reject"], root.Elements().Select(e => e.Name.LocalName));
        var enqueue = root.Element("Enqueue")!;
        Assert.Equal("general", enqueue.Value);
        Assert.Equal("https://h.example/left", A(enqueue, "action"));
        Assert.Equal("POST", A(enqueue, "method"));
        Assert.Equal("https://h.example/hold", A(enqueue, "waitUrl"));
        Assert.Equal("GET", A(enqueue, "waitUrlMethod"));
        Assert.Equal("50", A(enqueue, "maxQueueSize"));
        var record = root.Element("Record")!;
        Assert.Equal("120", A(record, "maxLength"));
        Assert.Equal("false", A(record, "playBeep"));
        Assert.Equal("https://h.example/recording", A(record, "recordingStatusCallback"));
        Assert.Empty(record.Nodes());
        Assert.Equal("GET", A(root.Element("Redirect")!, "method"));
        Assert.Equal("https://h.example/again", root.Element("Redirect")!.Value);
        Assert.Empty(root.Element("Hangup")!.Nodes());
        Assert.Equal("busy", A(root.Element("Reject")!, "reason"));
    }

    [Fact]
    public void Enqueue_without_urls_writes_no_methods()
    {
        var enqueue = Root(new TwimlResponse().Enqueue("general")).Element("Enqueue")!;

        Assert.Empty(enqueue.Attributes());
        Assert.Equal("general", enqueue.Value);
    }
}
