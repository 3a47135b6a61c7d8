using System.Globalization;
using Bunit;
using MudBlazor.Services;

namespace HotlineCenter.Web.Tests.Fakes;

/// <summary>
/// bUnit context for console components as counsellors and supervisors see them: MudBlazor, the Chinese
/// resources and culture, JS interop answered loosely (MudBlazor's measuring calls have no browser here).
/// </summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    protected ConsoleTestContext()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("zh-CN");
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that can only be disposed asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
