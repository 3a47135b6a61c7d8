using System.Collections.Immutable;
using HotlineCenter.Abstractions.Alerts;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Grains.Alerts;

[GenerateSerializer]
[Alias("hotline.alert-log-state")]
public sealed class AlertLogState
{
    [Id(0)] public List<AlertAcknowledgement> Acknowledged { get; set; } = [];
}

/// <summary>Acknowledgements of a centre's alerts; bounded, oldest dropped first.</summary>
public sealed class AlertLogGrain(
    [PersistentState("alert-log", StorageNames.Hotline)] IPersistentState<AlertLogState> state,
    HotlineTime time,
    ILogger<AlertLogGrain> logger) : Grain, IAlertLogGrain
{
    private const int Kept = 2000;

    public async Task<AlertAcknowledgement> AcknowledgeAsync(string alertId, string by)
    {
        if (string.IsNullOrWhiteSpace(alertId) || alertId.Length > 200 || !Keys.IsValidId(by))
        {
            throw new HotlineRuleException("alert.invalid", "An acknowledgement needs an alert id (1–200 characters) and who acknowledged it.");
        }

        if (state.State.Acknowledged.Find(a => a.AlertId == alertId) is { } existing)
        {
            return existing;
        }

        var ack = new AlertAcknowledgement(alertId, by, time.Now);
        state.State.Acknowledged.Add(ack);
        if (state.State.Acknowledged.Count > Kept)
        {
            state.State.Acknowledged.RemoveRange(0, state.State.Acknowledged.Count - Kept);
        }

        await state.WriteStateAsync();
        logger.LogInformation("Alert {AlertId} in centre {CentreId} acknowledged by {Username}", alertId, this.GetPrimaryKeyString(), by);
        return ack;
    }

    public Task<ImmutableArray<AlertAcknowledgement>> GetAcknowledgedAsync() => Task.FromResult(state.State.Acknowledged.ToImmutableArray());
}
