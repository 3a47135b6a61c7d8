using HotlineCenter.Web.Api;
using HotlineCenter.Web.Demo;
using HotlineCenter.Web.Hosting;
using HotlineCenter.Web.Live;

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
builder.AddHotlineLiveFeed();
builder.AddHotlineLiveHub();
builder.AddHotlineConsole();
builder.AddHotlineReports();
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
app.MapReportsApi();
app.MapHotlineLiveHub();
app.MapHotlineConsole();

app.Run();

/// <summary>Entry point, visible to integration tests.</summary>
public partial class Program;
