using System.Xml.Linq;
using HotlineCenter.Telephony.Twilio;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwimlTests
{
    [Fact]
    public void Document_starts_with_the_declaration_and_has_a_response_root()
    {
        var xml = new TwimlResponse().Say("您好").Hangup().ToXml();

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>", xml);
        var doc = XDocument.Parse(xml);
        Assert.Equal("Response", doc.Root!.Name.LocalName);
        Assert.Equal(["Say", "Hangup"], doc.Root.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Caller_influenced_text_is_escaped_and_round_trips()
    {
        const string hostile = "</Say><Dial>110</Dial> & \"quotes\" 'apos' <script>";

        var doc = XDocument.Parse(new TwimlResponse().Say(hostile).ToXml());

        var say = Assert.Single(doc.Root!.Elements());
        Assert.Equal("Say", say.Name.LocalName);
        Assert.Equal(hostile, say.Value);
    }

    [Fact]
    public void Gather_nests_prompts_and_spells_attributes_as_twilio_does()
    {
        var doc = XDocument.Parse(new TwimlResponse()
            .Gather(g => g.Say("请按1", "Polly.Zhiyu", "cmn-CN").Pause(1), action: "https://h.example/menu?attempt=1", numDigits: 1, timeout: 6)
            .Redirect("https://h.example/menu?attempt=1")
            .ToXml());

        var gather = doc.Root!.Element("Gather")!;
        Assert.Equal("dtmf", (string?)gather.Attribute("input"));
        Assert.Equal("1", (string?)gather.Attribute("numDigits"));
        Assert.Equal("6", (string?)gather.Attribute("timeout"));
        Assert.Equal("true", (string?)gather.Attribute("actionOnEmptyResult"));
        Assert.Equal("https://h.example/menu?attempt=1", (string?)gather.Attribute("action"));
        Assert.Equal(["Say", "Pause"], gather.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("cmn-CN", (string?)gather.Element("Say")!.Attribute("language"));
    }

    [Fact]
    public void Conference_noun_carries_the_per_call_options()
    {
        var doc = XDocument.Parse(new TwimlResponse()
            .Dial(d => d.Conference("call-CA1", new ConferenceOptions
            {
                StartConferenceOnEnter = false,
                EndConferenceOnExit = true,
                WaitUrl = "https://h.example/wait",
                Record = "record-from-start",
                StatusCallbackEvents = ["start", "end", "join", "leave"],
                ParticipantLabel = "caller",
            }), action: "https://h.example/after")
            .ToXml());

        var conference = doc.Root!.Element("Dial")!.Element("Conference")!;
        Assert.Equal("call-CA1", conference.Value);
        Assert.Equal("false", (string?)conference.Attribute("startConferenceOnEnter"));
        Assert.Equal("true", (string?)conference.Attribute("endConferenceOnExit"));
        Assert.Equal("record-from-start", (string?)conference.Attribute("record"));
        Assert.Equal("start end join leave", (string?)conference.Attribute("statusCallbackEvent"));
        Assert.Equal("caller", (string?)conference.Attribute("participantLabel"));
        Assert.Null(conference.Attribute("beep"));
    }

    [Fact]
    public void Dial_number_for_the_backup_line()
    {
        var doc = XDocument.Parse(new TwimlResponse().Dial(d => d.Number("+862988888888"), timeout: 30).ToXml());

        Assert.Equal("+862988888888", doc.Root!.Element("Dial")!.Element("Number")!.Value);
        Assert.Equal("30", (string?)doc.Root.Element("Dial")!.Attribute("timeout"));
    }
}
