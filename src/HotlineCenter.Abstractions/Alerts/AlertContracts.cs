using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Alerts;

/// <summary>What needs a supervisor's eyes now.</summary>
[GenerateSerializer]
public enum AlertKind
{
    /// <summary>A crisis call is waiting for a counsellor.</summary>
    CrisisWaiting = 0,
    /// <summary>A crisis call is in progress (the supervisor should be ready to join or escalate).</summary>
    CrisisInProgress = 1,
    /// <summary>A call has waited longer than the centre's threshold.</summary>
    LongWait = 2,
    /// <summary>A counsellor missed an offer and is marked not responding.</summary>
    OfferTimedOut = 3,
    /// <summary>A call is past its overflow threshold.</summary>
    Overflow = 4,
    /// <summary>A counsellor asked for the supervisor (raise hand).</summary>
    HandRaised = 5,
}

/// <summary>One alert; its id is stable for the situation it describes, so an acknowledgement sticks to it.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.alert")]
public sealed record Alert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] AlertKind Kind,
    [property: Id(2)] bool Critical,
    [property: Id(3)] string? CallId,
    [property: Id(4)] string? CounselorId,
    [property: Id(5)] DateTimeOffset Since);

/// <summary>Who acknowledged an alert, and when.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.alert-ack")]
public sealed record AlertAcknowledgement(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At);

/// <summary>A centre's alert acknowledgements (key: centre id), kept so every screen and shift sees them.</summary>
[Alias("hotline.alert-log")]
public interface IAlertLogGrain : IGrainWithStringKey
{
    /// <summary>Records an acknowledgement (the first one stands).</summary>
    [Alias("acknowledge")]
    Task<AlertAcknowledgement> AcknowledgeAsync(string alertId, string by);

    /// <summary>Recent acknowledgements, newest last.</summary>
    [Alias("acknowledged"), ReadOnly]
    Task<ImmutableArray<AlertAcknowledgement>> GetAcknowledgedAsync();
}
