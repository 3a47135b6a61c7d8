using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Builds TwiML that is well-formed by construction: elements and attributes through XLinq (text is escaped,
/// never concatenated), names spelled as Twilio spells them, nouns only where their verb allows them.
/// </summary>
public sealed class TwimlResponse
{
    public const string ContentType = "text/xml; charset=utf-8";

    private readonly XElement _root = new("Response");

    public TwimlResponse Say(string text, string? voice = null, string? language = null, int? loop = null)
    {
        _root.Add(TwimlNodes.Say(text, voice, language, loop));
        return this;
    }

    public TwimlResponse Play(string url, int? loop = null)
    {
        _root.Add(TwimlNodes.Play(url, loop));
        return this;
    }

    public TwimlResponse Pause(int length)
    {
        _root.Add(TwimlNodes.Pause(length));
        return this;
    }

    public TwimlResponse Gather(
        Action<GatherPrompts> prompts,
        string action,
        int numDigits = 1,
        int timeout = 5,
        string input = "dtmf",
        bool actionOnEmptyResult = true,
        string? finishOnKey = null,
        string? language = null)
    {
        var gather = new XElement(
            "Gather",
            Attr("input", input),
            Attr("action", action),
            Attr("method", "POST"),
            Attr("numDigits", numDigits),
            Attr("timeout", timeout),
            Attr("actionOnEmptyResult", actionOnEmptyResult),
            Attr("finishOnKey", finishOnKey),
            Attr("language", language));
        prompts(new GatherPrompts(gather));
        _root.Add(gather);
        return this;
    }

    public TwimlResponse Dial(Action<DialNouns> nouns, string? action = null, int? timeout = null, string? callerId = null, bool? answerOnBridge = null, int? timeLimit = null)
    {
        var dial = new XElement(
            "Dial",
            Attr("action", action),
            Attr("method", action is null ? null : "POST"),
            Attr("timeout", timeout),
            Attr("callerId", callerId),
            Attr("answerOnBridge", answerOnBridge),
            Attr("timeLimit", timeLimit));
        nouns(new DialNouns(dial));
        _root.Add(dial);
        return this;
    }

    public TwimlResponse Redirect(string url)
    {
        _root.Add(new XElement("Redirect", Attr("method", "POST"), url));
        return this;
    }

    public TwimlResponse Hangup()
    {
        _root.Add(new XElement("Hangup"));
        return this;
    }

    public TwimlResponse Reject(string? reason = null)
    {
        _root.Add(new XElement("Reject", Attr("reason", reason)));
        return this;
    }

    /// <summary>The document, starting exactly with the XML declaration (no BOM, no whitespace before it).</summary>
    public string ToXml()
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = true };
        var builder = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        using (var writer = XmlWriter.Create(builder, settings))
        {
            _root.WriteTo(writer);
        }

        return builder.ToString();
    }

    public override string ToString() => ToXml();

    internal static XAttribute? Attr(string name, object? value) => value switch
    {
        null => null,
        bool b => new XAttribute(name, b ? "true" : "false"),
        IFormattable f => new XAttribute(name, f.ToString(null, CultureInfo.InvariantCulture)),
        _ => new XAttribute(name, value),
    };
}

/// <summary>What may be spoken inside a Gather.</summary>
public sealed class GatherPrompts(XElement gather)
{
    public GatherPrompts Say(string text, string? voice = null, string? language = null)
    {
        gather.Add(TwimlNodes.Say(text, voice, language, null));
        return this;
    }

    public GatherPrompts Play(string url)
    {
        gather.Add(TwimlNodes.Play(url, null));
        return this;
    }

    public GatherPrompts Pause(int length)
    {
        gather.Add(TwimlNodes.Pause(length));
        return this;
    }
}

/// <summary>Options of a Conference noun (names as in Twilio's docs).</summary>
public sealed record ConferenceOptions
{
    public bool? StartConferenceOnEnter { get; init; }
    public bool? EndConferenceOnExit { get; init; }
    public bool? Beep { get; init; }
    public bool? Muted { get; init; }
    public string? WaitUrl { get; init; }
    public string? Record { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
    public string? RecordingStatusCallback { get; init; }
    public string? ParticipantLabel { get; init; }
    public int? MaxParticipants { get; init; }
}

/// <summary>What may be dialled inside a Dial.</summary>
public sealed class DialNouns(XElement dial)
{
    public DialNouns Number(string number, string? statusCallback = null, IReadOnlyList<string>? statusCallbackEvents = null, string? url = null)
    {
        dial.Add(new XElement(
            "Number",
            TwimlResponse.Attr("statusCallback", statusCallback),
            TwimlResponse.Attr("statusCallbackEvent", statusCallbackEvents is null ? null : string.Join(' ', statusCallbackEvents)),
            TwimlResponse.Attr("url", url),
            number));
        return this;
    }

    public DialNouns Client(string identity)
    {
        dial.Add(new XElement("Client", identity));
        return this;
    }

    public DialNouns Sip(string uri)
    {
        dial.Add(new XElement("Sip", uri));
        return this;
    }

    public DialNouns Queue(string name)
    {
        dial.Add(new XElement("Queue", name));
        return this;
    }

    public DialNouns Conference(string name, ConferenceOptions options)
    {
        dial.Add(new XElement(
            "Conference",
            TwimlResponse.Attr("startConferenceOnEnter", options.StartConferenceOnEnter),
            TwimlResponse.Attr("endConferenceOnExit", options.EndConferenceOnExit),
            TwimlResponse.Attr("beep", options.Beep),
            TwimlResponse.Attr("muted", options.Muted),
            TwimlResponse.Attr("waitUrl", options.WaitUrl),
            TwimlResponse.Attr("waitMethod", options.WaitUrl is null ? null : "POST"),
            TwimlResponse.Attr("record", options.Record),
            TwimlResponse.Attr("statusCallback", options.StatusCallback),
            TwimlResponse.Attr("statusCallbackMethod", options.StatusCallback is null ? null : "POST"),
            TwimlResponse.Attr("statusCallbackEvent", options.StatusCallbackEvents is null ? null : string.Join(' ', options.StatusCallbackEvents)),
            TwimlResponse.Attr("recordingStatusCallback", options.RecordingStatusCallback),
            TwimlResponse.Attr("participantLabel", options.ParticipantLabel),
            TwimlResponse.Attr("maxParticipants", options.MaxParticipants),
            name));
        return this;
    }
}

internal static class TwimlNodes
{
    public static XElement Say(string text, string? voice, string? language, int? loop) =>
        new("Say", TwimlResponse.Attr("voice", voice), TwimlResponse.Attr("language", language), TwimlResponse.Attr("loop", loop), text);

    public static XElement Play(string url, int? loop) => new("Play", TwimlResponse.Attr("loop", loop), url);

    public static XElement Pause(int length) => new("Pause", TwimlResponse.Attr("length", Math.Clamp(length, 1, 600)));
}
