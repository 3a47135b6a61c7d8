using System.Text.Json.Serialization;
using HotlineCenter.Abstractions.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace HotlineCenter.Web.Hosting;

public static class ApiSetup
{
    /// <summary>JSON with enum names, and problem details (with a reason) for every client error.</summary>
    public static WebApplicationBuilder AddHotlineApi(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClientErrorHandler>();

        // Malformed bodies throw so that ClientErrorHandler can answer with the reason instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>Maps client mistakes to 400/404/409 problem details; anything else stays a logged 500.</summary>
    private sealed class ClientErrorHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            var (status, title, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.InnerException is System.Text.Json.JsonException
                    ? "The request body is not valid JSON for this endpoint."
                    : bad.Message),
                HotlineRuleException rule => (RuleStatus(rule.Code), rule.Code, rule.Message),
                _ => (0, string.Empty, string.Empty),
            };
            if (status == 0)
            {
                return false;
            }

            http.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            });
        }
    }

    public static int RuleStatus(string code) =>
        code.EndsWith(".unknown", StringComparison.Ordinal) ? 404
        : code.Contains("invalid", StringComparison.Ordinal) ? 400
        : 409;
}
