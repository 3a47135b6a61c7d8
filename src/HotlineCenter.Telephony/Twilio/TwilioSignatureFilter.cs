using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// Guards every Twilio webhook: the signature is checked against the public URL Twilio called (from
/// <see cref="TwilioOptions.PublicBaseUrl"/>, not the Host header a proxy rewrites) and the posted form.
/// Missing header → 400, wrong signature → 403, not a form → 400. The unsigned-loopback switch works only
/// in Development.
/// </summary>
public sealed class TwilioSignatureFilter(
    IOptions<TwilioOptions> options,
    IWebHostEnvironment environment,
    ILogger<TwilioSignatureFilter> logger) : IEndpointFilter
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>Largest webhook body accepted (Twilio's forms are a few KiB).</summary>
    public const long MaxBodyBytes = 64 * 1024;

    private static readonly FormOptions FormLimits = new()
    {
        ValueCountLimit = 256,
        KeyLengthLimit = 256,
        ValueLengthLimit = 16 * 1024,
        BufferBodyLengthLimit = MaxBodyBytes,
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var signature = request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            if (options.Value.AllowUnsignedLoopback && environment.IsDevelopment() && IsLoopback(context.HttpContext))
            {
                return await next(context);
            }

            return Results.Problem(statusCode: 400, title: "Missing signature", detail: $"The {Header} header is required.");
        }

        if (!request.HasFormContentType)
        {
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "Twilio webhooks are posted as application/x-www-form-urlencoded.");
        }

        // Twilio's forms are a few dozen short fields: anything far larger is refused before it is buffered.
        if (context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Results.Problem(statusCode: 413, title: "Too large", detail: $"A Twilio webhook form is at most {MaxBodyBytes / 1024} KiB.");
        }

        context.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, FormLimits));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or FormatException)
        {
            // Invalid percent-encoding (%00), too many or too long fields: a clear refusal, never a 500.
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "The webhook form could not be read (malformed encoding or over the size limits).");
        }

        var url = PublicUrl(options.Value.PublicBaseUrl, request);
        var parameters = form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)));
        if (!new TwilioSignatureValidator(options.Value.AuthToken).IsValid(url, parameters, signature))
        {
            logger.LogWarning("Rejected a webhook to {Path} with an invalid signature", request.Path);
            return Results.Problem(statusCode: 403, title: "Invalid signature", detail: "The request was not signed by the configured Twilio account.");
        }

        return await next(context);
    }

    /// <summary>The URL exactly as Twilio requested it: public base + path + query string.</summary>
    public static string PublicUrl(string publicBaseUrl, HttpRequest request) =>
        publicBaseUrl.TrimEnd('/') + request.PathBase + request.Path + request.QueryString;

    private static bool IsLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is null || IPAddress.IsLoopback(http.Connection.RemoteIpAddress);
}
