using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// A REST job for Twilio: what it is (for the log), its time budget counted from when it is posted, the work (given
/// a client whose deadline is that budget), and what to do when it finally fails, beyond the log line.
/// </summary>
public sealed record TwilioCommand(string What, TimeSpan Budget, Func<TwilioRestClient, CancellationToken, Task> Run)
{
    /// <summary>Called once when the command failed for good (its retries and budget spent): raise an alert, tell a grain.</summary>
    public Func<Exception, Task>? OnFailed { get; init; }
}

/// <summary>
/// REST calls to Twilio take tens to hundreds of milliseconds and may be retried for seconds; grains must not wait
/// for them inside a turn (a queue would stop routing). The port posts commands here and returns; a few workers run
/// them, each within its own budget, and a command that finally fails is reported through its <c>OnFailed</c>.
/// </summary>
public sealed class TwilioCommandQueue(TwilioRestClient rest, ILogger<TwilioCommandQueue> logger) : BackgroundService
{
    private const int Workers = 8;
    private readonly Channel<(TwilioCommand Command, TwilioRestClient Client)> _commands =
        Channel.CreateBounded<(TwilioCommand, TwilioRestClient)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the command; its budget starts now, so time spent waiting for a worker counts against it.</summary>
    public ValueTask PostAsync(TwilioCommand command, CancellationToken cancellationToken) =>
        _commands.Writer.WriteAsync((command, rest.Within(command.Budget)), cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var (command, client) in _commands.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await command.Run(client, stoppingToken);
            }
            catch (TwilioApiException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Twilio's message can quote the number dialled (a failed callback): its code and status say enough.
                logger.LogError("Twilio command {Command} failed: Twilio {Code} / HTTP {Status} (may have been carried out: {MayHaveBeenCarriedOut})",
                    command.What, ex.Code, ex.HttpStatus, ex.MayHaveBeenCarriedOut);
                await ReportAsync(command, ex);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Twilio command {Command} failed", command.What);
                await ReportAsync(command, ex);
            }
        }
    }

    private async Task ReportAsync(TwilioCommand command, Exception failure)
    {
        if (command.OnFailed is not { } report)
        {
            return;
        }

        try
        {
            await report(failure);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError(ex, "The failure of Twilio command {Command} could not be reported", command.What);
        }
    }
}
