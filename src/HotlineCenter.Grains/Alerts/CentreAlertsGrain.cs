using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using HotlineCenter.Abstractions.Centres;
using HotlineCenter.Abstractions.Telephony;
using HotlineCenter.Grains.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HotlineCenter.Grains.Alerts;

[GenerateSerializer]
[Alias("hotline.centre-alerts-state")]
public sealed class CentreAlertsState
{
    [Id(0)] public List<CentreAlert> Alerts { get; set; } = [];
    [Id(1)] public AlertSettings Settings { get; set; } = new();
}

/// <summary>How an unacknowledged crisis alert widens (crisis.md §5), as plain code on the domain clock.</summary>
public static class AlertEscalation
{
    /// <summary>The widening level an alert should have reached by <paramref name="now"/>.</summary>
    public static int LevelDue(CentreAlert alert, AlertSettings settings, DateTimeOffset now)
    {
        // Only a crisis still going on and nobody has owned widens; a resolved one waits quietly for its acknowledgement.
        if (!alert.IsCrisis || !alert.Critical || alert.AcknowledgedAt is not null || alert.Status != AlertStatus.Active)
        {
            return alert.Widened;
        }

        var waited = now - alert.RaisedAt;
        var due = waited >= TimeSpan.FromSeconds(settings.OnCallAfterSeconds) ? 2
            : waited >= TimeSpan.FromSeconds(settings.WidenAfterSeconds) ? 1
            : 0;
        return Math.Max(alert.Widened, due);
    }

    /// <summary>Shown on screens: active alerts, and crisis alerts until acknowledged even when resolved.</summary>
    public static bool IsCurrent(CentreAlert a) =>
        a.IsCrisis ? a.AcknowledgedAt is null || a.Status == AlertStatus.Active : a.Status == AlertStatus.Active;

    public static string OnCallMessage(string centreName) => $"{centreName}有危机来电正在等待处理，请立即登录系统查看。";
}

/// <summary>
/// A centre's alerts on the server. Grains where things happen raise and resolve alerts one-way; this grain
/// persists them with their acknowledgement and widens unacknowledged crisis alerts on <see cref="HotlineTime"/>:
/// a tick timer while any may still widen, and a reminder so a restart or a move to another silo re-arms it.
/// Awaits the centre (its name), the telephony port (on-call notification); publishes one-way to the live feed.
/// </summary>
public sealed class CentreAlertsGrain(
    [PersistentState("centre-alerts", StorageNames.Hotline)] IPersistentState<CentreAlertsState> state,
    HotlineTime time,
    ITelephonyPort telephony,
    IOptions<RoutingOptions> options,
    ILogger<CentreAlertsGrain> logger) : Grain, ICentreAlertsGrain, IRemindable
{
    private const string EscalationReminder = "alert-escalation";
    private const int FinishedKept = 500;
    private IGrainTimer? _timer;
    private bool _reminderArmed;

    private string CentreId => this.GetPrimaryKeyString();

    private List<CentreAlert> Alerts => state.State.Alerts;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ArmTimerIfNeeded();
        return Task.CompletedTask;
    }

    public async Task RaiseAsync(AlertRaise raise)
    {
        if (string.IsNullOrWhiteSpace(raise.AlertId) || raise.AlertId.Length > 200)
        {
            logger.LogWarning("Centre {CentreId}: alert without a valid id ignored ({Kind})", CentreId, raise.Kind);
            return;
        }

        var now = time.Now;
        var index = Alerts.FindIndex(a => a.AlertId == raise.AlertId);
        if (index >= 0 && AlertEscalation.IsCurrent(Alerts[index]))
        {
            if (Alerts[index].Status == AlertStatus.Active)
            {
                return;
            }

            // The situation came back before anyone acknowledged: active again, from its first raising.
            Alerts[index] = Alerts[index] with { Status = AlertStatus.Active, ResolvedAt = null };
        }
        else
        {
            if (index >= 0)
            {
                Alerts.RemoveAt(index);
            }

            Alerts.Add(new CentreAlert
            {
                AlertId = raise.AlertId, Kind = raise.Kind, Critical = raise.Critical, CallId = raise.CallId,
                CounselorId = raise.CounselorId, CaseId = raise.CaseId, ActionId = raise.ActionId, RaisedAt = now,
            });
        }

        await SaveAsync();
        HotlineMetrics.AlertsRaised.Add(1, new System.Diagnostics.TagList { { "centre", CentreId }, { "kind", raise.Kind.ToString() }, { "critical", raise.Critical } });
        if (raise.Critical)
        {
            logger.LogWarning("Centre {CentreId}: alert {AlertId} ({Kind}) raised", CentreId, raise.AlertId, raise.Kind);
            await ArmEscalationAsync();
        }
    }

    public async Task ResolveAsync(string alertId)
    {
        var index = Alerts.FindIndex(a => a.AlertId == alertId && a.Status == AlertStatus.Active);
        if (index < 0)
        {
            return;
        }

        Alerts[index] = Alerts[index] with { Status = AlertStatus.Resolved, ResolvedAt = time.Now };
        await SaveAsync();
    }

    public async Task<CentreAlert> AcknowledgeAsync(string alertId, string by)
    {
        Keys.RequireId(by, "staff");
        var index = Alerts.FindIndex(a => a.AlertId == alertId);
        if (index < 0)
        {
            throw new HotlineRuleException("alert.unknown", $"No alert '{alertId}' at centre {CentreId}.");
        }

        if (Alerts[index].AcknowledgedAt is not null)
        {
            return Alerts[index];
        }

        Alerts[index] = Alerts[index] with { AcknowledgedBy = by, AcknowledgedAt = time.Now };
        await SaveAsync();
        HotlineMetrics.AlertsAcknowledged.Add(1, new System.Diagnostics.TagList { { "centre", CentreId }, { "kind", Alerts[index].Kind.ToString() } });
        logger.LogInformation("Centre {CentreId}: alert {AlertId} acknowledged by {StaffId}", CentreId, alertId, by);
        return Alerts[index];
    }

    public Task<ImmutableArray<CentreAlert>> GetCurrentAsync() => Task.FromResult(Current());

    public Task<ImmutableArray<CentreAlert>> GetHistoryAsync() => Task.FromResult(Alerts.OrderByDescending(a => a.RaisedAt).ToImmutableArray());

    public async Task ConfigureAsync(AlertSettings settings)
    {
        var problems = new List<string>();
        if (settings.WidenAfterSeconds is < 5 or > 3600)
        {
            problems.Add("widening must come after 5–3600 seconds");
        }

        if (settings.OnCallAfterSeconds <= settings.WidenAfterSeconds || settings.OnCallAfterSeconds > 7200)
        {
            problems.Add("the on-call notification must come after the widening and within 7200 seconds");
        }

        if (settings.OnCallNumber is { } n && !(n.Length is >= 4 and <= 20 && n[0] == '+' && n[1..].All(char.IsAsciiDigit)))
        {
            problems.Add("the on-call number must be E.164 (+ and 3–19 digits)");
        }

        if (problems.Count > 0)
        {
            throw new HotlineRuleException("alert.invalid-settings", string.Join("; ", problems));
        }

        state.State.Settings = settings;
        await state.WriteStateAsync();
    }

    public Task<AlertSettings> GetSettingsAsync() => Task.FromResult(state.State.Settings);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await EscalateAsync();
        await ArmEscalationAsync();
    }

    private async Task EscalateAsync()
    {
        var now = time.Now;
        var settings = state.State.Settings;
        var changed = false;

        // One crisis call can hold several alerts (caller waiting, case opened): the on-call phone rings once for it.
        var notifiedCalls = Alerts.Where(a => a.OnCallNotifiedAt is not null && a.OnCallFailure is null && a.CallId is not null).Select(a => a.CallId!).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < Alerts.Count; i++)
        {
            var alert = Alerts[i];
            var due = AlertEscalation.LevelDue(alert, settings, now);
            if (due <= alert.Widened)
            {
                continue;
            }

            if (alert.Widened < 1)
            {
                alert = alert with { Widened = 1, WidenedAt = now };
                logger.LogWarning("Centre {CentreId}: alert {AlertId} unacknowledged, widened to every supervisor", CentreId, alert.AlertId);
            }

            if (due >= 2)
            {
                var failure = alert.CallId is { } callId && notifiedCalls.Contains(callId) ? null : await NotifyOnCallAsync(alert, settings);
                alert = alert with { Widened = 2, OnCallNotifiedAt = now, OnCallFailure = failure };
                if (failure is null && alert.CallId is not null)
                {
                    notifiedCalls.Add(alert.CallId);
                }
            }

            Alerts[i] = alert;
            changed = true;
        }

        if (changed)
        {
            await SaveAsync();
        }
    }

    /// <summary>Rings the on-call number; returns a failure code (never provider text) or null.</summary>
    private async Task<string?> NotifyOnCallAsync(CentreAlert alert, AlertSettings settings)
    {
        if (settings.OnCallNumber is not { } number)
        {
            logger.LogError("Centre {CentreId}: alert {AlertId} needs the on-call number, but none is configured", CentreId, alert.AlertId);
            return "no-on-call-number";
        }

        var name = (await GrainFactory.GetGrain<ICentreGrain>(CentreId).GetConfigAsync())?.DisplayName ?? CentreId;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await telephony.NotifyOnCallAsync(CentreId, number, AlertEscalation.OnCallMessage(name), cts.Token);
            logger.LogWarning("Centre {CentreId}: alert {AlertId} unacknowledged, on-call number notified", CentreId, alert.AlertId);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError("Centre {CentreId}: on-call notification for alert {AlertId} failed ({Error})", CentreId, alert.AlertId, ex.GetType().Name);
            return ex is NotSupportedException ? "not-supported" : "failed";
        }
    }

    private bool MayStillWiden() => Alerts.Any(a => a.IsCrisis && a.Critical && a.AcknowledgedAt is null && a.Status == AlertStatus.Active && a.Widened < 2);

    /// <summary>A timer for precision while something may widen, a reminder so it survives a restart; both go when nothing can.</summary>
    private async Task ArmEscalationAsync()
    {
        ArmTimerIfNeeded();
        if (MayStillWiden())
        {
            if (!_reminderArmed)
            {
                await this.RegisterOrUpdateReminder(EscalationReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
                _reminderArmed = true;
            }
        }
        else
        {
            _reminderArmed = false;
            if (await this.GetReminder(EscalationReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    private void ArmTimerIfNeeded()
    {
        if (_timer is null && MayStillWiden())
        {
            _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(options.Value.TickInterval, options.Value.TickInterval) { KeepAlive = true });
        }
    }

    private async Task TickAsync()
    {
        await EscalateAsync();
        if (!MayStillWiden())
        {
            _timer?.Dispose();
            _timer = null;
            await ArmEscalationAsync();
        }
    }

    private async Task SaveAsync()
    {
        // Finished alerts are kept a while for the record (who acknowledged what, when); the oldest go first.
        var finished = Alerts.Where(a => !AlertEscalation.IsCurrent(a)).OrderBy(a => a.RaisedAt).ToList();
        foreach (var old in finished.Take(Math.Max(0, finished.Count - FinishedKept)))
        {
            Alerts.Remove(old);
        }

        await state.WriteStateAsync();
        _ = GrainFactory.GetGrain<ICentreFeedGrain>(CentreId).PublishAlertsAsync(Current());
    }

    private ImmutableArray<CentreAlert> Current() =>
        [.. Alerts.Where(AlertEscalation.IsCurrent).OrderByDescending(a => a.Critical && a.AcknowledgedAt is null).ThenByDescending(a => a.Critical).ThenBy(a => a.RaisedAt)];
}
