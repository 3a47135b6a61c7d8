using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Xml.Linq;
using HotlineCenter.Telephony.Twilio;
using HotlineCenter.TwilioSimulator;

namespace HotlineCenter.Benchmarks;

/// <summary>One simulated call: what the caller's side learnt from the TwiML, and the moments the report needs.</summary>
public sealed class SimCall(string sid, int index, bool measured)
{
    public string Sid { get; } = sid;
    public int Index { get; } = index;
    public bool Measured { get; } = measured;
    public string From { get; } = "+86138" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
    public long QueuedAt { get; set; }
    public string? Conference { get; set; }
    public string? ConferenceSid { get; set; }
    public string? ConferenceCallback { get; set; }
    public int Rung;
    /// <summary>The caller is in the conference (or will never be): a counsellor's leg can join it.</summary>
    public TaskCompletionSource Joined { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A change of a call a connected console should see, timestamped just before the request that made it.</summary>
public sealed record WatchedChange(string CallId, ChangeKind Kind, long At);

/// <summary>
/// Plays Twilio's side of every call's life against one target (the product, or the floor), at a fixed arrival rate
/// (open loop), with simulated counsellors answering the legs the target asks <see cref="BenchTwilioApi"/> to create:
/// <list type="number">
/// <item><c>/voice</c> (incoming call) → the menu's Gather; the caller presses 2: <c>/voice/menu?attempt=1</c> →
/// <c>&lt;Dial&gt;&lt;Conference&gt;</c>. The call is <i>queued</i> from the moment that request is sent.</item>
/// <item>Twilio puts the caller in the conference: <c>participant-join</c> (label <c>caller</c>) to the conference's
/// statusCallback, then fetches the waitUrl (<c>/voice/wait</c>) and fetches it again each time its TwiML has played
/// (the <c>&lt;Pause&gt;</c> length), until a counsellor answers.</item>
/// <item>The target rings <c>counselor-&lt;id&gt;</c> (CreateParticipant; routing latency = queued → this request). The
/// counsellor's leg reports <c>initiated</c>, <c>ringing</c>, after <c>--answer-ms</c> <c>in-progress</c> (answered),
/// and the conference <c>conference-start</c> and <c>participant-join</c> for that label.</item>
/// <item>After <c>--handle-seconds</c> the caller hangs up: the caller's <c>/status</c> <c>completed</c> (Twilio's
/// call-status answer becomes completed too), <c>participant-leave</c> and <c>conference-end</c>, then the counsellor's
/// leg <c>completed</c>. The call is complete when that last callback is answered.</item>
/// </list>
/// Every request is signed as Twilio signs it; every answer is checked (TwiML of the right shape, 204 for callbacks).
/// </summary>
public sealed class FullPathLoad
{
    private readonly FullPathSettings _s;
    private readonly BenchTwilioApi _api;
    private readonly TwilioDriver _driver;
    private readonly string _publicBase;
    private readonly ConcurrentDictionary<string, SimCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WatchedChange> _changes = new();
    private readonly ConcurrentQueue<string> _failureNotes = new();
    private int _sequence;
    private int _inSystem;
    private int _failures;
    private int _completed;
    private int _extraRings;

    private readonly Action<string>? _onWatched;

    public FullPathLoad(FullPathSettings settings, BenchTwilioApi api, HttpClient http, string publicBase, Action<string>? onWatched = null)
    {
        _s = settings;
        _onWatched = onWatched;
        _api = api;
        _publicBase = publicBase.TrimEnd('/');
        _driver = new TwilioDriver(http, _publicBase, settings.AccountSid, settings.AuthToken);
    }

    public Samples Webhooks { get; } = new();

    public Samples Routing { get; } = new();

    public int MaxInSystem { get; private set; }

    public int Placed { get; private set; }

    public int MeasuredPlaced { get; private set; }

    public double ArrivalsPerSecond { get; private set; }

    public int Completed => Volatile.Read(ref _completed);

    public int Failures => Volatile.Read(ref _failures);

    public int ExtraRings => Volatile.Read(ref _extraRings);

    public IEnumerable<string> FailureNotes => _failureNotes;

    /// <summary>Called as the first measured call is placed (the warm-up is over): CPU is counted from here.</summary>
    public Action? MeasuredStarts { get; set; }

    public IReadOnlyCollection<WatchedChange> Changes => _changes;

    /// <summary>Every call of the run.</summary>
    public IEnumerable<SimCall> Calls => _calls.Values;

    /// <summary>Calls whose whole life has not been played to the end (to look up where they stand).</summary>
    public IEnumerable<SimCall> Unfinished => _calls.Values.Where(c => !c.Done.Task.IsCompleted);

    /// <summary>Calls of this run the consoles watch (every <c>--push-sample</c>-th).</summary>
    public bool Watched(string callId) => _calls.TryGetValue(callId, out var c) && c.Index % _s.PushSample == 0;

    /// <summary>Places the calls and waits until each has ended or the drain time is over; returns the time span of the measured arrivals.</summary>
    public async Task RunAsync()
    {
        _api.OnRing = OnRing;
        var warmupCalls = (int)Math.Round(_s.Rate * _s.Warmup.TotalSeconds);
        var total = warmupCalls + (int)Math.Round(_s.Rate * _s.Duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var lives = new List<Task>(total);
        TimeSpan firstMeasured = default, lastMeasured = default;
        using var sampler = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var sampling = Task.Run(async () =>
        {
            while (await sampler.WaitForNextTickAsync())
            {
                MaxInSystem = Math.Max(MaxInSystem, Volatile.Read(ref _inSystem));
            }
        });
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds(i / _s.Rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var measured = i >= warmupCalls;
            if (i == warmupCalls)
            {
                firstMeasured = clock.Elapsed;
                MeasuredStarts?.Invoke();
            }

            lastMeasured = clock.Elapsed;
            var call = new SimCall("CA" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), i, measured);
            _calls[call.Sid] = call;
            lives.Add(Task.Run(() => LiveAsync(call)));
        }

        Placed = total;
        MeasuredPlaced = total - warmupCalls;
        ArrivalsPerSecond = MeasuredPlaced > 1 ? (MeasuredPlaced - 1) / (lastMeasured - firstMeasured).TotalSeconds : double.NaN;
        var drain = _s.Handle + TimeSpan.FromSeconds(_s.DrainSeconds);
        await Task.WhenAll(lives).WaitAsync(drain).ContinueWith(_ => { }, TaskScheduler.Default);
        sampler.Dispose();
        await sampling;
        _api.OnRing = null;
    }

    private async Task LiveAsync(SimCall call)
    {
        Interlocked.Increment(ref _inSystem);
        try
        {
            var fields = _driver.CallFields(call.Sid, call.From, _s.HotlineNumber, "ringing");
            Watch(call, ChangeKind.Placed);
            var greeting = await PostAsync(call, "voice", TwilioWebhooks.Prefix + "/voice", fields, HttpStatusCode.OK);
            var gather = Twiml(greeting).Element("Gather") ?? throw new BenchFailure("/voice answered without a Gather");
            var menuUrl = gather.Attribute("action")?.Value ?? throw new BenchFailure("the Gather has no action");

            var menuFields = _driver.CallFields(call.Sid, call.From, _s.HotlineNumber, "in-progress");
            menuFields["Digits"] = "2";
            menuFields["FinishedOnKey"] = string.Empty;
            call.QueuedAt = Stopwatch.GetTimestamp();
            var menu = await PostAsync(call, "menu", menuUrl, menuFields, HttpStatusCode.OK);
            var conference = Twiml(menu).Element("Dial")?.Element("Conference") ?? throw new BenchFailure("the menu answer puts the caller in no conference");
            call.Conference = conference.Value.Trim();
            call.ConferenceCallback = conference.Attribute("statusCallback")?.Value;
            var waitUrl = conference.Attribute("waitUrl")?.Value;

            // Twilio carries out the Dial: the caller is in the conference (not started: startConferenceOnEnter=false).
            call.ConferenceSid = _api.Join(call.Conference, call.Sid, "caller");
            if (call.ConferenceCallback is { } callback)
            {
                await ConferenceAsync(call, callback, "participant-join", call.Sid, "caller");
            }

            call.Joined.TrySetResult();

            while (waitUrl is not null && !call.Answered.Task.IsCompleted)
            {
                // The wait URL is fetched as the caller enters, and again each time its TwiML has played out.
                var hold = await PostAsync(call, "wait", waitUrl, _driver.CallFields(call.Sid, call.From, _s.HotlineNumber, "in-progress"), HttpStatusCode.OK);
                var pause = int.TryParse(Twiml(hold).Element("Pause")?.Attribute("length")?.Value, CultureInfo.InvariantCulture, out var seconds) ? seconds : 30;
                await Task.WhenAny(call.Answered.Task, Task.Delay(TimeSpan.FromSeconds(Math.Max(1, pause))));
            }

            await call.Done.Task;
        }
        catch (Exception ex)
        {
            Fail(call, ex);
        }
        finally
        {
            call.Joined.TrySetResult();
            Interlocked.Decrement(ref _inSystem);
        }
    }

    /// <summary>The target asked Twilio to create a participant: a simulated counsellor answers it.</summary>
    private void OnRing(string conferenceName, string label, string? statusCallback, string legSid)
    {
        if (!conferenceName.StartsWith("call-", StringComparison.Ordinal) || !_calls.TryGetValue(conferenceName["call-".Length..], out var call))
        {
            return;
        }

        if (!label.StartsWith("counselor-", StringComparison.Ordinal) || statusCallback is null)
        {
            return;
        }

        if (Interlocked.Increment(ref call.Rung) > 1)
        {
            // A second ring of a call already being answered: that counsellor does not pick up.
            Interlocked.Increment(ref _extraRings);
            _ = Task.Run(() => LegAsync(call, "counselor-status", statusCallback, legSid, "no-answer"));
            return;
        }

        if (call.Measured)
        {
            Routing.Add("queued -> counsellor leg created", Ms.Since(call.QueuedAt));
        }

        _ = Task.Run(() => CounselorAsync(call, label, statusCallback, legSid));
    }

    private async Task CounselorAsync(SimCall call, string label, string statusCallback, string legSid)
    {
        try
        {
            await LegAsync(call, "counselor-status", statusCallback, legSid, "initiated");
            await LegAsync(call, "counselor-status", statusCallback, legSid, "ringing");
            await Task.Delay(_s.AnswerDelay);

            // The ring may come before the menu's answer has been read; the leg joins once the caller is in the conference.
            await call.Joined.Task;
            if (call.Conference is null || call.ConferenceSid is null)
            {
                throw new BenchFailure("a counsellor was rung for a call whose caller never reached the conference");
            }

            _api.Answered(call.Conference, label, legSid);
            Watch(call, ChangeKind.Connected);
            await LegAsync(call, "counselor-status", statusCallback, legSid, "in-progress");
            call.Answered.TrySetResult();
            if (call.ConferenceCallback is { } conferenceCallback)
            {
                await ConferenceAsync(call, conferenceCallback, "conference-start", null, null);
                await ConferenceAsync(call, conferenceCallback, "participant-join", legSid, label);
            }

            await Task.Delay(_s.Handle);

            // The caller hangs up: their leg ends, the conference ends with them (endConferenceOnExit), the counsellor's leg ends.
            _api.SetCallStatus(call.Sid, "completed");
            Watch(call, ChangeKind.Ended);
            var ended = _driver.CallFields(call.Sid, call.From, _s.HotlineNumber, "completed");
            ended["CallDuration"] = ((int)_s.Handle.TotalSeconds + 10).ToString(CultureInfo.InvariantCulture);
            ended["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
            ended["SequenceNumber"] = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
            await PostAsync(call, "status", TwilioWebhooks.Prefix + "/status", ended, HttpStatusCode.NoContent);
            if (call.ConferenceCallback is { } callback)
            {
                await ConferenceAsync(call, callback, "participant-leave", call.Sid, "caller");
                await ConferenceAsync(call, callback, "conference-end", null, null);
            }

            _api.End(call.Conference!);
            await LegAsync(call, "counselor-status", statusCallback, legSid, "completed");
            _api.Forget(call.Sid);
            Interlocked.Increment(ref _completed);
            call.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            Fail(call, ex);
            call.Answered.TrySetResult();
            call.Done.TrySetResult();
        }
    }

    private async Task LegAsync(SimCall call, string kind, string url, string legSid, string status)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await _driver.LegStatusAsync(url, legSid, status, Interlocked.Increment(ref _sequence));
        Check(call, kind, answer, HttpStatusCode.NoContent, started);
    }

    private async Task ConferenceAsync(SimCall call, string url, string statusCallbackEvent, string? callSid, string? label)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await _driver.ConferenceEventAsync(url, call.ConferenceSid!, call.Conference!, statusCallbackEvent, callSid, label, Interlocked.Increment(ref _sequence));
        Check(call, "conference", answer, HttpStatusCode.NoContent, started);
    }

    private async Task<WebhookAnswer> PostAsync(SimCall call, string kind, string pathOrUrl, Dictionary<string, string> fields, HttpStatusCode expected)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await _driver.PostAsync(pathOrUrl, fields);
        Check(call, kind, answer, expected, started);
        return answer;
    }

    private void Check(SimCall call, string kind, WebhookAnswer answer, HttpStatusCode expected, long started)
    {
        var ms = Ms.Since(started);
        if (answer.Status != expected)
        {
            throw new BenchFailure($"{kind} answered {(int)answer.Status}: {answer.Body[..Math.Min(200, answer.Body.Length)]}");
        }

        if (expected == HttpStatusCode.OK && answer.Body.Contains("<Number", StringComparison.Ordinal))
        {
            // The fallback TwiML (the backup line): the product could not serve this webhook.
            throw new BenchFailure($"{kind} answered with the fallback TwiML (backup line)");
        }

        if (call.Measured)
        {
            Webhooks.Add(kind, ms);
        }
    }

    private static XElement Twiml(WebhookAnswer answer) => answer.Twiml.Root ?? throw new BenchFailure("empty TwiML");

    private void Watch(SimCall call, ChangeKind kind)
    {
        if (call.Measured && call.Index % _s.PushSample == 0)
        {
            if (kind == ChangeKind.Placed)
            {
                _onWatched?.Invoke(call.Sid);
            }

            _changes.Enqueue(new WatchedChange(call.Sid, kind, Stopwatch.GetTimestamp()));
        }
    }

    private void Fail(SimCall call, Exception ex)
    {
        if (Interlocked.Increment(ref _failures) <= 10)
        {
            _failureNotes.Enqueue($"call {call.Sid}: {(ex is BenchFailure ? ex.Message : ex.GetType().Name + ": " + ex.Message)}");
        }
    }
}

public sealed class BenchFailure(string message) : Exception(message);
