using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Builds TwiML (twilio-contract.md §3) that is well-formed by construction: elements and attributes go
/// through XLinq (text is escaped, never concatenated), names are spelled as Twilio spells them, and nested
/// content goes through builders that offer only what the verb allows. A malformed document is Twilio
/// error 12100 and a distressed caller hears an error, so mistakes are refused here, at build time.
/// </summary>
public sealed class TwimlResponse
{
    public const string ContentType = "text/xml; charset=utf-8";

    // Written by hand because XmlWriter names the encoding "utf-8" and the contract spells it "UTF-8"; it is
    // a constant, so nothing caller-influenced is ever concatenated into the document.
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

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

    /// <summary>
    /// Collects keys (or speech) while the prompts play. <paramref name="actionOnEmptyResult"/> defaults to
    /// true because the IVR counts silent attempts itself; without it Twilio would fall through to the next
    /// verb and the action would never hear about the silence.
    /// </summary>
    public TwimlResponse Gather(
        Action<GatherPrompts> prompts,
        string action,
        string? method = "POST",
        string? input = "dtmf",
        int? numDigits = null,
        int? timeout = null,
        string? finishOnKey = null,
        string? language = null,
        bool? actionOnEmptyResult = true)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(action);
        var gather = new XElement(
            "Gather",
            TwimlNodes.Attr("input", input),
            TwimlNodes.Attr("action", action),
            TwimlNodes.Attr("method", TwimlNodes.Method(method)),
            TwimlNodes.Attr("numDigits", numDigits),
            TwimlNodes.Attr("timeout", timeout),
            TwimlNodes.Attr("finishOnKey", finishOnKey),
            TwimlNodes.Attr("language", language),
            TwimlNodes.Attr("actionOnEmptyResult", actionOnEmptyResult));
        prompts(new GatherPrompts(gather));
        _root.Add(gather);
        return this;
    }

    /// <summary>Connects the call to what <paramref name="nouns"/> names; <paramref name="method"/> is written only with an action.</summary>
    public TwimlResponse Dial(
        Action<DialNouns> nouns,
        string? action = null,
        string? method = "POST",
        int? timeout = null,
        string? callerId = null,
        string? record = null,
        bool? answerOnBridge = null,
        int? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(nouns);
        var dial = new XElement(
            "Dial",
            TwimlNodes.Attr("action", action),
            TwimlNodes.Attr("method", action is null ? null : TwimlNodes.Method(method)),
            TwimlNodes.Attr("timeout", timeout),
            TwimlNodes.Attr("callerId", callerId),
            TwimlNodes.Attr("record", record),
            TwimlNodes.Attr("answerOnBridge", answerOnBridge),
            TwimlNodes.Attr("timeLimit", timeLimit));
        var builder = new DialNouns(dial);
        nouns(builder);
        if (builder.Count == 0)
        {
            throw new InvalidOperationException("A Dial needs a noun (Number, Client, Sip, Conference or Queue).");
        }

        _root.Add(dial);
        return this;
    }

    /// <summary>Puts the caller in a Twilio queue; the method attributes are written only with their URL.</summary>
    public TwimlResponse Enqueue(
        string name,
        string? action = null,
        string? method = "POST",
        string? waitUrl = null,
        string? waitUrlMethod = "POST",
        int? maxQueueSize = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        _root.Add(new XElement(
            "Enqueue",
            TwimlNodes.Attr("action", action),
            TwimlNodes.Attr("method", action is null ? null : TwimlNodes.Method(method)),
            TwimlNodes.Attr("waitUrl", waitUrl),
            TwimlNodes.Attr("waitUrlMethod", waitUrl is null ? null : TwimlNodes.Method(waitUrlMethod)),
            TwimlNodes.Attr("maxQueueSize", maxQueueSize),
            TwimlNodes.Text(name)));
        return this;
    }

    /// <summary>
    /// Records the caller. Without an <paramref name="action"/> Twilio requests the current document's URL
    /// again when recording ends, so pass one unless that is what is wanted.
    /// </summary>
    public TwimlResponse Record(
        int? maxLength = null,
        bool? playBeep = null,
        string? recordingStatusCallback = null,
        string? action = null,
        string? method = "POST")
    {
        _root.Add(new XElement(
            "Record",
            TwimlNodes.Attr("action", action),
            TwimlNodes.Attr("method", action is null ? null : TwimlNodes.Method(method)),
            TwimlNodes.Attr("maxLength", maxLength),
            TwimlNodes.Attr("playBeep", playBeep),
            TwimlNodes.Attr("recordingStatusCallback", recordingStatusCallback)));
        return this;
    }

    /// <summary>POST by default: the webhook filter only accepts signed form posts.</summary>
    public TwimlResponse Redirect(string url, string? method = "POST")
    {
        ArgumentNullException.ThrowIfNull(url);
        _root.Add(new XElement("Redirect", TwimlNodes.Attr("method", TwimlNodes.Method(method)), TwimlNodes.Text(url)));
        return this;
    }

    public TwimlResponse Hangup()
    {
        _root.Add(new XElement("Hangup"));
        return this;
    }

    public TwimlResponse Reject(string? reason = null)
    {
        if (reason is not (null or "rejected" or "busy"))
        {
            throw new ArgumentException("Reject's reason is \"rejected\" or \"busy\".", nameof(reason));
        }

        _root.Add(new XElement("Reject", TwimlNodes.Attr("reason", reason)));
        return this;
    }

    /// <summary>The document, starting exactly with the XML declaration (no BOM, no whitespace before it).</summary>
    public string ToXml()
    {
        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = true,
            Indent = false,

            // Keeps a caller's line breaks exactly as given instead of normalising them.
            NewLineHandling = NewLineHandling.Entitize,
        };
        var builder = new StringBuilder(Declaration);
        using (var writer = XmlWriter.Create(builder, settings))
        {
            _root.WriteTo(writer);
        }

        return builder.ToString();
    }

    public override string ToString() => ToXml();
}

/// <summary>What may be played inside a Gather: Say, Play and Pause only.</summary>
public sealed class GatherPrompts
{
    private readonly XElement _gather;

    internal GatherPrompts(XElement gather) => _gather = gather;

    public GatherPrompts Say(string text, string? voice = null, string? language = null, int? loop = null)
    {
        _gather.Add(TwimlNodes.Say(text, voice, language, loop));
        return this;
    }

    public GatherPrompts Play(string url, int? loop = null)
    {
        _gather.Add(TwimlNodes.Play(url, loop));
        return this;
    }

    public GatherPrompts Pause(int length)
    {
        _gather.Add(TwimlNodes.Pause(length));
        return this;
    }
}

/// <summary>Options of a Conference noun (names as in Twilio's docs); the same as the parameters of <see cref="DialNouns"/>.Conference.</summary>
public sealed record ConferenceOptions
{
    public bool? StartConferenceOnEnter { get; init; }
    public bool? EndConferenceOnExit { get; init; }
    public bool? Beep { get; init; }
    public bool? Muted { get; init; }

    /// <summary>The CallSid of the participant to coach.</summary>
    public string? Coach { get; init; }

    public string? WaitUrl { get; init; }
    public string? WaitMethod { get; init; } = "POST";
    public string? Record { get; init; }
    public string? StatusCallback { get; init; }
    public IReadOnlyList<string>? StatusCallbackEvents { get; init; }
    public string? RecordingStatusCallback { get; init; }
    public string? ParticipantLabel { get; init; }
    public int? MaxParticipants { get; init; }
}

/// <summary>
/// What may be dialled inside a Dial. Number, Client and Sip may be combined (they ring together);
/// Conference and Queue must be the Dial's only noun.
/// </summary>
public sealed class DialNouns
{
    private readonly XElement _dial;
    private bool _exclusive;

    internal DialNouns(XElement dial) => _dial = dial;

    internal int Count { get; private set; }

    public DialNouns Number(string number, string? statusCallback = null, IEnumerable<string>? statusCallbackEvent = null, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(number);
        return Add(
            new XElement(
                "Number",
                TwimlNodes.Attr("statusCallback", statusCallback),
                TwimlNodes.Attr("statusCallbackMethod", statusCallback is null ? null : "POST"),
                TwimlNodes.Attr("statusCallbackEvent", TwimlNodes.SpaceSeparated(statusCallbackEvent, nameof(statusCallbackEvent))),
                TwimlNodes.Attr("url", url),
                TwimlNodes.Text(number)),
            exclusive: false);
    }

    public DialNouns Client(string identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Add(new XElement("Client", TwimlNodes.Text(identity)), exclusive: false);
    }

    public DialNouns Sip(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Add(new XElement("Sip", TwimlNodes.Text(uri)), exclusive: false);
    }

    public DialNouns Queue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(new XElement("Queue", TwimlNodes.Text(name)), exclusive: true);
    }

    public DialNouns Conference(string name, ConferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Conference(
            name,
            options.StartConferenceOnEnter,
            options.EndConferenceOnExit,
            options.Beep,
            options.Muted,
            options.Coach,
            options.WaitUrl,
            options.WaitMethod,
            options.Record,
            options.StatusCallback,
            options.StatusCallbackEvents,
            options.RecordingStatusCallback,
            options.ParticipantLabel,
            options.MaxParticipants);
    }

    /// <summary>
    /// Joins the named conference. <paramref name="waitMethod"/> is written only with a wait URL, and status
    /// callbacks are pinned to POST because the webhook filter only accepts signed form posts.
    /// </summary>
    public DialNouns Conference(
        string name,
        bool? startConferenceOnEnter = null,
        bool? endConferenceOnExit = null,
        bool? beep = null,
        bool? muted = null,
        string? coach = null,
        string? waitUrl = null,
        string? waitMethod = "POST",
        string? record = null,
        string? statusCallback = null,
        IEnumerable<string>? statusCallbackEvent = null,
        string? recordingStatusCallback = null,
        string? participantLabel = null,
        int? maxParticipants = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(
            new XElement(
                "Conference",
                TwimlNodes.Attr("startConferenceOnEnter", startConferenceOnEnter),
                TwimlNodes.Attr("endConferenceOnExit", endConferenceOnExit),
                TwimlNodes.Attr("beep", beep),
                TwimlNodes.Attr("muted", muted),
                TwimlNodes.Attr("coach", coach),
                TwimlNodes.Attr("waitUrl", waitUrl),
                TwimlNodes.Attr("waitMethod", waitUrl is null ? null : TwimlNodes.Method(waitMethod)),
                TwimlNodes.Attr("record", record),
                TwimlNodes.Attr("statusCallback", statusCallback),
                TwimlNodes.Attr("statusCallbackMethod", statusCallback is null ? null : "POST"),
                TwimlNodes.Attr("statusCallbackEvent", TwimlNodes.SpaceSeparated(statusCallbackEvent, nameof(statusCallbackEvent))),
                TwimlNodes.Attr("recordingStatusCallback", recordingStatusCallback),
                TwimlNodes.Attr("participantLabel", participantLabel),
                TwimlNodes.Attr("maxParticipants", maxParticipants),
                TwimlNodes.Text(name)),
            exclusive: true);
    }

    private DialNouns Add(XElement noun, bool exclusive)
    {
        if (_exclusive || (exclusive && Count > 0))
        {
            throw new InvalidOperationException("A Conference or Queue must be the only noun of its Dial.");
        }

        _exclusive = exclusive;
        Count++;
        _dial.Add(noun);
        return this;
    }
}

internal static class TwimlNodes
{
    public static XElement Say(string text, string? voice, string? language, int? loop)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new XElement("Say", Attr("voice", voice), Attr("language", language), Attr("loop", loop), Text(text));
    }

    public static XElement Play(string url, int? loop)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new XElement("Play", Attr("loop", loop), Text(url));
    }

    // Clamped rather than refused: the length often comes from a centre's settings, and a live call should
    // keep going on an odd setting instead of falling back.
    public static XElement Pause(int length) => new("Pause", Attr("length", Math.Clamp(length, 1, 600)));

    public static XAttribute? Attr(string name, object? value) => value switch
    {
        null => null,
        bool b => new XAttribute(name, b ? "true" : "false"),
        string s => new XAttribute(name, Text(s)),
        IFormattable f => new XAttribute(name, f.ToString(null, CultureInfo.InvariantCulture)),
        _ => new XAttribute(name, Text(value.ToString() ?? string.Empty)),
    };

    public static string? Method(string? method) => method switch
    {
        null or "GET" or "POST" => method,
        _ => throw new ArgumentException($"TwiML methods are GET or POST, not \"{method}\".", nameof(method)),
    };

    /// <summary>Twilio's multi-valued attributes: one space between values, so a value may not hold whitespace.</summary>
    public static string? SpaceSeparated(IEnumerable<string>? values, string parameter)
    {
        if (values is null)
        {
            return null;
        }

        var list = values.ToList();
        if (list.Any(v => string.IsNullOrEmpty(v) || v.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("Each value must be a single non-empty word.", parameter);
        }

        return list.Count == 0 ? null : string.Join(' ', list);
    }

    /// <summary>
    /// XLinq escapes markup but does not remove characters XML forbids (control characters, lone
    /// surrogates); the writer would throw on them mid-call, so they are dropped from the text.
    /// </summary>
    public static string Text(string value)
    {
        if (IsAllXmlChars(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsAllXmlChars(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(c))
            {
                return false;
            }
        }

        return true;
    }
}
