using HotlineCenter.Telephony.Twilio;
using Microsoft.Extensions.Logging;

namespace HotlineCenter.Telephony.Tests;

public sealed class TwilioCommandQueueTests
{
    private const string Number = "+8613800138000";

    [Fact]
    public async Task A_failed_command_is_logged_by_twilios_code_never_by_its_message_which_can_quote_the_number()
    {
        var log = new LinesLogger();
        var queue = new TwilioCommandQueue(log);
        using var stop = new CancellationTokenSource();
        await queue.StartAsync(stop.Token);
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await queue.PostAsync("call back CA1", _ => throw new TwilioApiException(400, 21211, $"The 'To' number {Number} is not a valid phone number.", "https://www.twilio.com/docs/errors/21211"), CancellationToken.None);
        await queue.PostAsync("barrier", _ => { ran.SetResult(); return Task.CompletedTask; }, CancellationToken.None);
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await log.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.StopAsync(CancellationToken.None);

        var line = Assert.Single(log.Lines);
        Assert.Contains("call back CA1", line);
        Assert.Contains("21211", line);
        Assert.DoesNotContain(Number, line);
        Assert.DoesNotContain("13800138000", line);
    }

    /// <summary>Keeps the formatted message and the exception's text, as a sink would write them.</summary>
    private sealed class LinesLogger : ILogger<TwilioCommandQueue>
    {
        public List<string> Lines { get; } = [];

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
            }

            Written.TrySetResult();
        }
    }
}
