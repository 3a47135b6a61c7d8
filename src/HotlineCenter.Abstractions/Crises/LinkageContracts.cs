using System.Collections.Immutable;

namespace HotlineCenter.Abstractions.Crises;

/// <summary>Who a green-channel hospital serves.</summary>
[GenerateSerializer]
public enum Population
{
    Adult = 0,
    /// <summary>Children and adolescents (youth hospitals for minors).</summary>
    Youth = 1,
    Elderly = 2,
}

/// <summary>A green-channel psychiatric hospital of a centre's directory.</summary>
/// <param name="SecretRef">Name of the signing secret in configuration (<c>Linkage:Secrets:&lt;ref&gt;</c>), never the secret.</param>
[GenerateSerializer, Immutable]
[Alias("hotline.green-channel-hospital")]
public sealed record GreenChannelHospital(
    [property: Id(0)] string HospitalId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Region,
    [property: Id(3)] ImmutableArray<Population> Serves,
    [property: Id(4)] string Number24h,
    [property: Id(5)] string? LinkageEndpoint,
    [property: Id(6)] string? SecretRef,
    [property: Id(7)] bool Available);

/// <summary>An emergency service's linkage point (110 or 120 platform): a dispatcher number to conference and/or an endpoint for sheets.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.linkage-receiver")]
public sealed record LinkageReceiver(
    [property: Id(0)] string ReceiverId,
    [property: Id(1)] ActionKind Serves,
    [property: Id(2)] string Name,
    [property: Id(3)] string? DispatcherNumber,
    [property: Id(4)] string? LinkageEndpoint,
    [property: Id(5)] string? SecretRef);

/// <summary>A centre's crisis directory: green-channel hospitals, 110/120 linkage points and the centre's own 24 h number.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.linkage-directory")]
public sealed record LinkageDirectory(
    [property: Id(0)] ImmutableArray<GreenChannelHospital> Hospitals,
    [property: Id(1)] ImmutableArray<LinkageReceiver> Receivers,
    [property: Id(2)] string? Centre24hNumber);

/// <summary>A centre's green-channel hospitals and linkage receivers (key: centre id), validated.</summary>
[Alias("hotline.linkage-directory-grain")]
public interface ILinkageDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Validates and replaces the directory; a rule error listing every problem otherwise.</summary>
    [Alias("set")]
    Task<LinkageDirectory> SetAsync(LinkageDirectory directory);

    /// <summary>Marks a hospital available or not (beds, on-call psychiatrist).</summary>
    [Alias("set-availability")]
    Task<LinkageDirectory> SetAvailabilityAsync(string hospitalId, bool available);

    /// <summary>The directory (empty until set).</summary>
    [Alias("get"), ReadOnly]
    Task<LinkageDirectory> GetAsync();
}

/// <summary>
/// A dispatch sheet (联动单, crisis.md §4): only what the receiving service needs. The callback number is not in
/// the grain's copy: the sender decrypts it into <see cref="CallbackNumber"/> just before signing and sending.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("hotline.dispatch-sheet")]
public sealed record DispatchSheet
{
    [Id(0)] public required string SheetId { get; init; }
    [Id(1)] public required string CaseId { get; init; }
    [Id(2)] public required string CentreId { get; init; }
    [Id(3)] public string? CentreName { get; init; }
    [Id(4)] public DateTimeOffset At { get; init; }
    /// <summary>110 / 120 / hospital / guardian.</summary>
    [Id(5)] public required string Receiver { get; init; }
    [Id(6)] public string? ReceiverName { get; init; }
    [Id(7)] public string? AgeBand { get; init; }
    [Id(8)] public string? Gender { get; init; }
    [Id(9)] public bool Minor { get; init; }
    /// <summary>Address or description as the caller gave it.</summary>
    [Id(10)] public string? Location { get; init; }
    [Id(11)] public string? Region { get; init; }
    /// <summary>Codes of the factors and facts ticked.</summary>
    [Id(12)] public ImmutableArray<string> Facts { get; init; } = [];
    [Id(13)] public string? Summary { get; init; }
    [Id(14)] public string? RiskLevel { get; init; }
    [Id(15)] public int DangerGrade { get; init; }
    /// <summary>Filled by the sender only (unmasked here and nowhere else).</summary>
    [Id(16)] public string? CallbackNumber { get; init; }
    [Id(17)] public string? CounselorName { get; init; }
    [Id(18)] public string? SupervisorName { get; init; }
    [Id(19)] public string? Centre24hNumber { get; init; }
}

/// <summary>A sheet to send: where to, signed with which secret, and the callback number still encrypted.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.linkage-dispatch")]
public sealed record LinkageDispatch(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string ActionId,
    [property: Id(2)] string ReceiverId,
    [property: Id(3)] string Endpoint,
    [property: Id(4)] string SecretRef,
    [property: Id(5)] DispatchSheet Sheet,
    [property: Id(6)] string? EncryptedCallbackNumber);

/// <summary>How the sender's attempt ended.</summary>
[GenerateSerializer, Immutable]
[Alias("hotline.linkage-outcome")]
public sealed record LinkageOutcome(
    [property: Id(0)] string SheetId,
    [property: Id(1)] bool Delivered,
    [property: Id(2)] int? HttpStatus,
    [property: Id(3)] string? FailureCode,
    [property: Id(4)] int Attempts);

/// <summary>
/// Sends dispatch sheets in the background (retries, signing, decrypting the callback number on the server);
/// returns as soon as the sheet is queued, and reports the outcome to the case one-way.
/// </summary>
public interface ILinkageSender
{
    /// <summary>Queues the sheet; returns once queued (never after the HTTP work).</summary>
    ValueTask EnqueueAsync(LinkageDispatch dispatch, CancellationToken cancellationToken);
}
