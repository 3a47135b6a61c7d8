using System.Collections.Concurrent;

namespace HotlineCenter.TwilioSimulator;

/// <summary>
/// Fires the status callbacks Twilio would after the app's REST requests: a participant the app adds is
/// reported <c>initiated</c> then <c>ringing</c> at its StatusCallback; what happens next (answer, no answer,
/// hang-up) the test decides through <see cref="AnswerAsync"/> and friends, since that is the person's choice.
/// The fake's conferences follow: an answer starts the conference, a leg that ends leaves it.
/// </summary>
public sealed class SimulatedTwilioNetwork
{
    private readonly FakeTwilioApi _api;
    private readonly TwilioDriver _driver;
    private readonly ConcurrentDictionary<string, (string StatusCallback, string LegSid)> _legs = new();
    private readonly ConcurrentDictionary<string, string> _conferenceOf = new();
    private readonly ConcurrentQueue<Task> _sent = new();
    private int _sequence;

    public SimulatedTwilioNetwork(FakeTwilioApi api, TwilioDriver driver)
    {
        _api = api;
        _driver = driver;
        api.OnRequest = (request, sid) =>
        {
            if (request.OperationId == "CreateParticipant" && request.Field("StatusCallback") is { } callback && sid is not null)
            {
                var label = request.Field("Label") ?? sid;
                _legs[label] = (callback, sid);
                _conferenceOf[label] = request.Path.Split('/')[2];
                _sent.Enqueue(RingAsync(callback, sid));
            }
        };
    }

    /// <summary>Legs rung so far, by participant label (e.g. <c>counselor-c-wang</c>).</summary>
    public IReadOnlyDictionary<string, (string StatusCallback, string LegSid)> Legs => _legs;

    /// <summary>Every callback fired so far has been answered by the app.</summary>
    public Task DeliveredAsync() => Task.WhenAll(_sent);

    public Task<WebhookAnswer> AnswerAsync(string label)
    {
        if (_conferenceOf.TryGetValue(label, out var conference) && _api.Conference(conference) is { } c)
        {
            _api.JoinConference(c.FriendlyName, _legs[label].LegSid, label, startsConference: true);
        }

        return SendAsync(label, "in-progress");
    }

    public Task<WebhookAnswer> NoAnswerAsync(string label)
    {
        Leave(label);
        return SendAsync(label, "no-answer");
    }

    public Task<WebhookAnswer> HangUpAsync(string label)
    {
        Leave(label);
        return SendAsync(label, "completed");
    }

    private void Leave(string label)
    {
        if (_conferenceOf.TryGetValue(label, out var conference))
        {
            _api.LeaveConference(conference, _legs[label].LegSid);
        }
    }

    private async Task RingAsync(string callback, string legSid)
    {
        // Twilio answers the REST request before it calls back; so do we.
        await Task.Yield();
        await _driver.LegStatusAsync(callback, legSid, "initiated", Interlocked.Increment(ref _sequence));
        await _driver.LegStatusAsync(callback, legSid, "ringing", Interlocked.Increment(ref _sequence));
    }

    private Task<WebhookAnswer> SendAsync(string label, string status)
    {
        var (callback, legSid) = _legs[label];
        return _driver.LegStatusAsync(callback, legSid, status, Interlocked.Increment(ref _sequence));
    }
}
