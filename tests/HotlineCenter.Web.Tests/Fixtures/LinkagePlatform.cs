using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Web.Tests.Fixtures;

/// <summary>
/// A 120/110 linkage platform on loopback, as strict as a real one: it takes a sheet only with a valid
/// <c>X-Hotline-Signature</c> over the raw body (401 otherwise) and counts each sheet id once.
/// </summary>
public sealed class LinkagePlatform(string secret) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, JsonElement> _sheets = new();
    private WebApplication? _app;
    private int _rejected;

    public string Url { get; private set; } = string.Empty;

    /// <summary>Sheets received and verified, by sheet id.</summary>
    public IReadOnlyDictionary<string, JsonElement> Sheets => _sheets;

    public int Rejected => _rejected;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/linkage", ReceiveAsync);
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/linkage";
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        var given = request.Headers["X-Hotline-Signature"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given)))
        {
            Interlocked.Increment(ref _rejected);
            return Results.Unauthorized();
        }

        var sheet = JsonDocument.Parse(body).RootElement.Clone();
        var sheetId = request.Headers["X-Hotline-Sheet-Id"].ToString();
        _sheets.TryAdd(sheetId, sheet);
        return Results.Ok(new { sheetId });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
