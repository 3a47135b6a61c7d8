using System.Globalization;
using Bunit;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>
/// bUnit context for console components as counsellors and supervisors see them: MudBlazor, the Chinese
/// resources and culture, JS interop answered loosely (MudBlazor's measuring calls have no browser here),
/// and the console clock on a fake time that the test moves.
/// </summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    /// <summary>14:00:00 China time on 2026-11-24 unless a test sets another time.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    protected ConsoleTestContext()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(new HotlineTime(Time));
        Services.AddSingleton<Clock>();
        Services.AddScoped<ConsoleActions>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("zh-CN");
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
    }

    /// <summary>The one clock of the components under test (MudBlazor's debounce runs on it too).</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that can only be disposed asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
