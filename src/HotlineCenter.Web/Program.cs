using HotlineCenter.Web.Api;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Hosting;
using HotlineCenter.Web.Live;

if (HotlineCenter.Web.Audit.AuditVerifyCommand.IsInvoked(args))
{
    Environment.ExitCode = await HotlineCenter.Web.Audit.AuditVerifyCommand.RunAsync(args[1..]);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddHotlineLogging();
builder.AddHotlineSilo();
builder.AddHotlineTelephony();
builder.AddHotlineHealthChecks();
builder.AddHotlineMetrics();
builder.AddHotlineApi();
builder.AddHotlineForwardedHeaders();
builder.AddHotlineSecurity();
builder.AddHotlineAuth();
builder.AddHotlineAuditTrail();
builder.AddHotlineLiveFeed();
builder.AddHotlineLiveHub();
builder.AddHotlineConsole();
builder.AddHotlineReports();
builder.AddHotlineRetention();
builder.AddHotlineDemo();

var app = builder.Build();

app.UseHotlinePipeline();
app.MapHotlineHealthChecks();
app.MapHotlineMetrics();
app.MapCultureEndpoints();
app.MapAccountEndpoints();
app.MapTelephonyWebhooks();
app.MapDemoApi();
app.MapSupervisionApi();
app.MapTelephonyApi();
app.MapAuditApi();
app.MapReportsApi();
app.MapHotlineLiveHub();
app.MapHotlineConsole();

app.Run();

/// <summary>Entry point, visible to integration tests.</summary>
public partial class Program;
