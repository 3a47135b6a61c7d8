using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Twilio;

/// <summary>
/// REST calls to Twilio take tens to hundreds of milliseconds and may be retried for seconds; grains must
/// not wait for them inside a turn (a queue would stop routing). The port posts commands here and returns;
/// a few workers run them, and each command reports its own failure (e.g. as a failed ring).
/// </summary>
public sealed class TwilioCommandQueue(ILogger<TwilioCommandQueue> logger) : BackgroundService
{
    private const int Workers = 8;
    private readonly Channel<(string What, Func<CancellationToken, Task> Run)> _commands =
        Channel.CreateBounded<(string, Func<CancellationToken, Task>)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    public ValueTask PostAsync(string what, Func<CancellationToken, Task> run, CancellationToken cancellationToken) =>
        _commands.Writer.WriteAsync((what, run), cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var (what, run) in _commands.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await run(stoppingToken);
            }
            catch (TwilioApiException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Twilio's message can quote the number dialled (a failed callback): its code and status say enough.
                logger.LogError("Twilio command {Command} failed: Twilio {Code} / HTTP {Status}", what, ex.Code, ex.HttpStatus);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Twilio command {Command} failed", what);
            }
        }
    }
}
