using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HotlineCenter.Abstractions.Calls;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Telephony.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Linkage;

/// <summary>Settings of the dispatch-sheet sender (<c>Linkage</c> section).</summary>
public sealed class LinkageOptions
{
    /// <summary>Signing secrets by reference name (<c>Linkage:Secrets:&lt;ref&gt;</c>); directories hold only the names.</summary>
    public Dictionary<string, string> Secrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries after the first attempt, for 5xx, 408, 429, timeouts and connection failures.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff; each retry doubles it (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Where the sender tells a case how its sheet went (the grain in the host, a recorder in tests).</summary>
public interface ILinkageDeliveryReporter
{
    Task ReportAsync(string caseId, string actionId, LinkageOutcome outcome);
}

/// <summary>Reports to the case grain one-way.</summary>
internal sealed class GrainLinkageDeliveryReporter(IGrainFactory grains) : ILinkageDeliveryReporter
{
    public Task ReportAsync(string caseId, string actionId, LinkageOutcome outcome) =>
        grains.GetGrain<ICrisisCaseGrain>(caseId).ReportDeliveryAsync(actionId, outcome);
}

/// <summary>
/// Delivers one dispatch sheet: decrypts the callback number here (on the server, never in a grain's view or a
/// browser), serialises the sheet once, signs the raw body with the receiver's secret (HMAC-SHA256) and posts it.
/// Retries run in the named client's resilience handler and re-send the very same bytes and headers, so the
/// receiver sees one sheet id however many attempts it took. Only the HTTP status is kept, never the body.
/// </summary>
public sealed class LinkageSheetSender(
    IHttpClientFactory clients,
    CallerIdentityProtector identity,
    IOptions<LinkageOptions> options,
    ILogger<LinkageSheetSender> logger)
{
    public const string HttpClientName = "hotline-linkage";
    public const string SignatureHeader = "X-Hotline-Signature";
    public const string SheetIdHeader = "X-Hotline-Sheet-Id";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The value of <see cref="SignatureHeader"/> for a body: <c>sha256=&lt;lower-case hex&gt;</c>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task<LinkageOutcome> DeliverAsync(LinkageDispatch dispatch, CancellationToken cancellationToken)
    {
        var sheetId = dispatch.Sheet.SheetId;
        if (!options.Value.Secrets.TryGetValue(dispatch.SecretRef, out var secret) || string.IsNullOrEmpty(secret))
        {
            logger.LogError("Sheet {SheetId} of case {CaseId}: no secret configured under reference {SecretRef}", sheetId, dispatch.CaseId, dispatch.SecretRef);
            return new LinkageOutcome(sheetId, false, null, "secret-missing", 0);
        }

        string? number = null;
        if (dispatch.EncryptedCallbackNumber is { } sealedNumber)
        {
            number = identity.RevealForDialling(new CallerRef(string.Empty, string.Empty, sealedNumber));
            if (number is null)
            {
                logger.LogError("Sheet {SheetId} of case {CaseId}: the callback number cannot be decrypted; sent without it", sheetId, dispatch.CaseId);
            }
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(dispatch.Sheet with { CallbackNumber = number }, Json);
        var signature = Sign(secret, body);
        var attempts = new AttemptCounter();
        using var request = new HttpRequestMessage(HttpMethod.Post, dispatch.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, signature);
        request.Headers.Add(SheetIdHeader, sheetId);
        request.Options.Set(AttemptCounter.Key, attempts);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Sheet {SheetId} of case {CaseId} refused by receiver {ReceiverId}: HTTP {Status} after {Attempts} attempts", sheetId, dispatch.CaseId, dispatch.ReceiverId, status, attempts.Count);
                return new LinkageOutcome(sheetId, false, status, "http-error", attempts.Count);
            }

            if (!await IsReceiptAsync(response, sheetId, cancellationToken))
            {
                // A 2xx that does not confirm this sheet is no proof anyone has it.
                logger.LogWarning("Sheet {SheetId} of case {CaseId}: receiver {ReceiverId} answered HTTP {Status} without a valid receipt", sheetId, dispatch.CaseId, dispatch.ReceiverId, status);
                return new LinkageOutcome(sheetId, false, status, "invalid-receipt", attempts.Count);
            }

            logger.LogInformation("Sheet {SheetId} of case {CaseId} delivered to receiver {ReceiverId} after {Attempts} attempts", sheetId, dispatch.CaseId, dispatch.ReceiverId, attempts.Count);
            return new LinkageOutcome(sheetId, true, status, null, attempts.Count);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            var code = ex is HttpRequestException ? "unreachable" : "timeout";
            logger.LogWarning("Sheet {SheetId} of case {CaseId}: receiver {ReceiverId} {Code} after {Attempts} attempts", sheetId, dispatch.CaseId, dispatch.ReceiverId, code, attempts.Count);
            return new LinkageOutcome(sheetId, false, null, code, attempts.Count);
        }
    }

    /// <summary>A receipt is a JSON object whose <c>sheetId</c> is this sheet's id; the body is read, checked and dropped.</summary>
    private static async Task<bool> IsReceiptAsync(HttpResponseMessage response, string sheetId, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("sheetId", out var id)
                && id.ValueKind == JsonValueKind.String
                && id.GetString() == sheetId;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>Counts the attempts the resilience handler makes for one request (it sits inside the retry loop).</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("hotline.linkage.attempts");

    private int _count;

    public int Count => _count;

    public void Add() => Interlocked.Increment(ref _count);
}

internal sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter))
        {
            counter.Add();
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// The background sender behind <see cref="ILinkageSender"/>: a grain queues a sheet and returns at once; a few
/// workers deliver (retries can take a minute) and report the outcome to the case one-way. A failure of the
/// sender itself is reported as a failed delivery, so the case proposes its next action instead of waiting.
/// </summary>
public sealed class LinkageQueue(LinkageSheetSender sender, ILinkageDeliveryReporter reporter, ILogger<LinkageQueue> logger) : BackgroundService, ILinkageSender
{
    private const int Workers = 4;
    private readonly Channel<LinkageDispatch> _sheets = Channel.CreateBounded<LinkageDispatch>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.Wait });

    public ValueTask EnqueueAsync(LinkageDispatch dispatch, CancellationToken cancellationToken) => _sheets.Writer.WriteAsync(dispatch, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var dispatch in _sheets.Reader.ReadAllAsync(stoppingToken))
        {
            LinkageOutcome outcome;
            try
            {
                outcome = await sender.DeliverAsync(dispatch, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError("Sheet {SheetId} of case {CaseId}: sender failed ({Error})", dispatch.Sheet.SheetId, dispatch.CaseId, ex.GetType().Name);
                outcome = new LinkageOutcome(dispatch.Sheet.SheetId, false, null, "sender-error", 0);
            }

            try
            {
                await reporter.ReportAsync(dispatch.CaseId, dispatch.ActionId, outcome);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError("Sheet {SheetId} of case {CaseId}: outcome could not be reported ({Error})", dispatch.Sheet.SheetId, dispatch.CaseId, ex.GetType().Name);
            }
        }
    }
}
