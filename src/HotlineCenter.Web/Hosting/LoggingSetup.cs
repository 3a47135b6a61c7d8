using Serilog;
using Serilog.Formatting.Compact;

namespace HotlineCenter.Web.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog to the console, plus a rolling JSON file when <c>Serilog:File:Path</c> is set.
    /// Log templates carry ids (CallSid, counsellor, queue), never numbers or what was said.
    /// </summary>
    public static WebApplicationBuilder AddHotlineLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Orleans", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            if (builder.Configuration["Serilog:File:Path"] is { Length: > 0 } path)
            {
                logger.WriteTo.File(new CompactJsonFormatter(), path, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 31);
            }
        });
        return builder;
    }
}
