using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HotlineCenter.Abstractions.Crises;
using HotlineCenter.Telephony.Identity;
using HotlineCenter.Telephony.Linkage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Tests;

/// <summary>The dispatch-sheet sender against a real HTTP receiver on loopback that checks the signature.</summary>
public sealed class LinkageSenderTests : IAsyncLifetime
{
    private const string Secret = "xa-120-shared-secret-for-signing-sheets";
    private const string Number = "+8613812345678";
    private readonly Receiver _receiver = new(Secret);
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _receiver.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Linkage:Secrets:xa-120"] = Secret,
            ["Linkage:MaxRetries"] = "4",
            ["Linkage:RetryDelay"] = "00:00:00.010",
            ["Linkage:AttemptTimeout"] = "00:00:05",
            ["Hotline:CallerHashKey"] = "test-caller-hash-key-of-at-least-32-characters",
            ["Hotline:NumberKeys:k1"] = "test-number-key-k1-of-at-least-32-characters",
            ["Hotline:CurrentNumberKeyId"] = "k1",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ILinkageDeliveryReporter>(Reports);
        services.AddHotlineLinkage(configuration);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private RecordingReporter Reports { get; } = new();

    private LinkageSheetSender Sender => _services.GetRequiredService<LinkageSheetSender>();

    [Fact]
    public async Task Sheet_is_signed_and_retried_through_two_503s_and_delivered_under_one_sheet_id()
    {
        _receiver.Script(503, 503, 200);

        var outcome = await Sender.DeliverAsync(Dispatch(_receiver.Url), CancellationToken.None);

        Assert.Equal(new LinkageOutcome("case-CA1-a1", true, 200, null, 3), outcome);
        Assert.Equal(3, _receiver.Seen.Count);
        Assert.All(_receiver.Seen, r => Assert.True(r.SignatureValid));
        Assert.Equal(["case-CA1-a1"], _receiver.Seen.Select(r => r.HeaderSheetId).Distinct());
        Assert.Equal(["case-CA1-a1"], _receiver.Seen.Select(r => r.BodySheetId).Distinct());
        Assert.Single(_receiver.Seen.Select(r => r.Body).Distinct());
        Assert.Equal(Number, _receiver.Seen[0].CallbackNumber);
    }

    [Fact]
    public async Task Receiver_answering_garbage_is_a_recorded_failure_with_its_status_only()
    {
        _receiver.Script(200);
        _receiver.Garbage = true;

        var outcome = await Sender.DeliverAsync(Dispatch(_receiver.Url), CancellationToken.None);

        Assert.Equal(new LinkageOutcome("case-CA1-a1", false, 200, "invalid-receipt", 1), outcome);
    }

    [Fact]
    public async Task Receiver_answering_500_every_time_fails_after_the_retries()
    {
        _receiver.Script(500, 500, 500, 500, 500);

        var outcome = await Sender.DeliverAsync(Dispatch(_receiver.Url), CancellationToken.None);

        Assert.Equal(new LinkageOutcome("case-CA1-a1", false, 500, "http-error", 5), outcome);
        Assert.Equal(5, _receiver.Seen.Count);
    }

    [Fact]
    public async Task Receiver_that_rejects_the_signature_is_not_retried()
    {
        var outcome = await Sender.DeliverAsync(Dispatch(_receiver.Url), CancellationToken.None);
        _receiver.Reset();
        _receiver.RequireSecret("another-secret-the-sender-does-not-know");

        var rejected = await Sender.DeliverAsync(Dispatch(_receiver.Url), CancellationToken.None);

        Assert.True(outcome.Delivered);
        Assert.Equal(new LinkageOutcome("case-CA1-a1", false, 401, "http-error", 1), rejected);
        Assert.False(Assert.Single(_receiver.Seen).SignatureValid);
    }

    [Fact]
    public async Task Receiver_that_is_down_is_a_recorded_failure()
    {
        var outcome = await Sender.DeliverAsync(Dispatch($"http://127.0.0.1:{ClosedPort()}/sheets"), CancellationToken.None);

        Assert.Equal(new LinkageOutcome("case-CA1-a1", false, null, "unreachable", 5), outcome);
    }

    [Fact]
    public async Task Sheet_without_a_configured_secret_is_not_sent()
    {
        var outcome = await Sender.DeliverAsync(Dispatch(_receiver.Url) with { SecretRef = "unknown-ref" }, CancellationToken.None);

        Assert.Equal(new LinkageOutcome("case-CA1-a1", false, null, "secret-missing", 0), outcome);
        Assert.Empty(_receiver.Seen);
    }

    [Fact]
    public async Task Queued_sheet_is_delivered_in_the_background_and_reported_to_its_case()
    {
        _receiver.Script(503, 200);
        var queue = _services.GetRequiredService<LinkageQueue>();
        await queue.StartAsync(CancellationToken.None);

        await _services.GetRequiredService<ILinkageSender>().EnqueueAsync(Dispatch(_receiver.Url), CancellationToken.None);
        var report = await Reports.Next.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await queue.StopAsync(CancellationToken.None);

        Assert.Same(queue, _services.GetRequiredService<ILinkageSender>());
        Assert.Equal(("case-CA1", "a1", new LinkageOutcome("case-CA1-a1", true, 200, null, 2)), report);
    }

    private LinkageDispatch Dispatch(string endpoint)
    {
        var encrypted = _services.GetRequiredService<CallerIdentityProtector>().Protect(Number).EncryptedNumber;
        return new LinkageDispatch("case-CA1", "a1", "xa-120", endpoint, "xa-120", new DispatchSheet
        {
            SheetId = "case-CA1-a1",
            CaseId = "case-CA1",
            CentreId = "xa-12356",
            Receiver = "120",
            Location = "长安区某路12号",
            RiskLevel = "Imminent",
            Facts = ["MedicalEmergencyNow"],
        }, encrypted);
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private sealed class RecordingReporter : ILinkageDeliveryReporter
    {
        public TaskCompletionSource<(string, string, LinkageOutcome)> Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReportAsync(string caseId, string actionId, LinkageOutcome outcome)
        {
            Next.TrySetResult((caseId, actionId, outcome));
            return Task.CompletedTask;
        }
    }

    private sealed record Seen(string? HeaderSheetId, string? BodySheetId, bool SignatureValid, string Body, string? CallbackNumber);

    /// <summary>A linkage platform: checks <c>X-Hotline-Signature</c> over the raw body and answers from a script.</summary>
    private sealed class Receiver(string secret) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<int> _script = new();
        private WebApplication? _app;
        private string _secret = secret;

        public List<Seen> Seen { get; } = [];

        public string Url { get; private set; } = string.Empty;

        public bool Garbage { get; set; }

        public void Script(params int[] statuses)
        {
            foreach (var s in statuses)
            {
                _script.Enqueue(s);
            }
        }

        public void Reset()
        {
            lock (Seen)
            {
                Seen.Clear();
            }
        }

        public void RequireSecret(string other) => _secret = other;

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapPost("/sheets", HandleAsync);
            await _app.StartAsync();
            Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/sheets";
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var raw = buffer.ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), raw));
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(context.Request.Headers["X-Hotline-Signature"].ToString()));
            using var json = JsonDocument.Parse(raw);
            var bodyId = json.RootElement.GetProperty("sheetId").GetString();
            var number = json.RootElement.TryGetProperty("callbackNumber", out var n) ? n.GetString() : null;
            lock (Seen)
            {
                Seen.Add(new Seen(context.Request.Headers["X-Hotline-Sheet-Id"].ToString(), bodyId, valid, Encoding.UTF8.GetString(raw), number));
            }

            if (!valid)
            {
                context.Response.StatusCode = 401;
                return;
            }

            context.Response.StatusCode = _script.TryDequeue(out var status) ? status : 200;
            if (context.Response.StatusCode == 200)
            {
                await context.Response.WriteAsync(Garbage ? "<html>ok</html>" : JsonSerializer.Serialize(new { sheetId = bodyId, accepted = true }));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
