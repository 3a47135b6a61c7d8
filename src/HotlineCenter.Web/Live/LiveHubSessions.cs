using System.Collections.Concurrent;
using HotlineCenter.Abstractions.Common;
using HotlineCenter.Web.Accounts;
using Microsoft.AspNetCore.SignalR;

namespace HotlineCenter.Web.Live;

/// <summary>
/// The live hub's connections are re-authorised: a connection whose sign-in ended (account disabled, roles changed,
/// password reset, absolute lifetime, or the cookie's own expiry) is closed — checked on every hub method call (at
/// most once a minute per connection against the account) and by a sweep every minute for connections that only listen.
/// </summary>
public sealed class LiveHubSessions(AccountService accounts, HotlineTime time, ILogger<LiveHubSessions> logger) : IHubFilter
{
    private sealed record Session(HubCallerContext Context, DateTimeOffset? ExpiresAt)
    {
        public DateTimeOffset CheckedAt { get; set; }
    }

    private readonly ConcurrentDictionary<string, Session> _sessions = new();

    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    public int Count => _sessions.Count;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // The cookie's own expiry (idle timeout and absolute lifetime) as the connection was opened.
        var expires = context.Context.GetHttpContext()?.Features.Get<Microsoft.AspNetCore.Authentication.IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        _sessions[context.Context.ConnectionId] = new Session(context.Context, expires) { CheckedAt = time.Now };
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _sessions.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (_sessions.TryGetValue(invocationContext.Context.ConnectionId, out var session) && !await StillValidAsync(session, force: false))
        {
            Close(session);
            throw new HubException("session.ended: sign in again.");
        }

        return await next(invocationContext);
    }

    /// <summary>Checks every open connection now and closes those whose sign-in ended; returns how many were closed.</summary>
    public async Task<int> SweepAsync()
    {
        var closed = 0;
        foreach (var session in _sessions.Values)
        {
            if (!await StillValidAsync(session, force: true))
            {
                Close(session);
                closed++;
            }
        }

        return closed;
    }

    private async Task<bool> StillValidAsync(Session session, bool force)
    {
        var now = time.Now;
        if (session.ExpiresAt is { } expires && now >= expires)
        {
            return false;
        }

        if (!force && now - session.CheckedAt < CheckInterval)
        {
            return true;
        }

        session.CheckedAt = now;
        return session.Context.User is { } user && await accounts.IsStillValidAsync(user);
    }

    private void Close(Session session)
    {
        _sessions.TryRemove(session.Context.ConnectionId, out _);
        logger.LogInformation("Live hub connection of {Username} closed: its sign-in ended", session.Context.User?.StaffId());
        session.Context.Abort();
    }
}

/// <summary>Sweeps the live hub's connections every minute.</summary>
public sealed class LiveHubSessionSweep(LiveHubSessions sessions, ILogger<LiveHubSessionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(LiveHubSessions.CheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sessions.SweepAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Live hub session sweep failed; retried next minute");
            }
        }
    }
}
