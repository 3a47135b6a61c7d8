using HotlineCenter.Abstractions.Common;
using Microsoft.JSInterop;

namespace HotlineCenter.Web.Accounts;

/// <summary>
/// When the person at an open console last did something (a key, a click, a touch), per circuit. The browser reports
/// input at most every 30 s (wwwroot/js/activity.js); the server decides: a console idle past <c>Auth:IdleTimeout</c>
/// is signed out at the next revalidation (every minute) and sent to sign-in. A console that never reports counts
/// as idle from when it opened, so a missing script fails safe.
/// </summary>
public sealed class ConsoleActivity(HotlineTime time, IConfiguration configuration)
{
    private DateTimeOffset _last = time.Now;

    public TimeSpan IdleTimeout { get; } = configuration.GetValue("Auth:IdleTimeout", TimeSpan.FromMinutes(30));

    public DateTimeOffset LastActivity => _last;

    public bool IsIdle => time.Now - _last > IdleTimeout;

    /// <summary>Called by the page's script when the user types, clicks or touches.</summary>
    [JSInvokable]
    public void Touch() => _last = time.Now;
}
