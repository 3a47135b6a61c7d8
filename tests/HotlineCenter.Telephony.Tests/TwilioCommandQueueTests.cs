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
        using var http = new HttpClient();
        var rest = new TwilioRestClient(http, new TwilioCredentials("AC0123456789abcdef0123456789abcdef", "token", new Uri("http://127.0.0.1:9/")), Microsoft.Extensions.Logging.Abstractions.NullLogger<TwilioRestClient>.Instance);
        var queue = new TwilioCommandQueue(rest, log);
        using var stop = new CancellationTokenSource();
        await queue.StartAsync(stop.Token);
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Exception? reported = null;
        await queue.PostAsync(new TwilioCommand("call back CA1", TimeSpan.FromSeconds(10), (_, _) => throw new TwilioApiException(400, 21211, $"The 'To' number {Number} is not a valid phone number.", "https://www.twilio.com/docs/errors/21211"))
        {
            OnFailed = failure =>
            {
                reported = failure;
                return Task.CompletedTask;
            },
        }, CancellationToken.None);
        await queue.PostAsync(new TwilioCommand("barrier", TimeSpan.FromSeconds(10), (_, _) => { ran.SetResult(); return Task.CompletedTask; }), CancellationToken.None);
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await log.Written.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.StopAsync(CancellationToken.None);

        var line = Assert.Single(log.Lines);
        Assert.Contains("call back CA1", line);
        Assert.Contains("21211", line);
        Assert.DoesNotContain(Number, line);
        Assert.DoesNotContain("13800138000", line);
        Assert.Equal(21211, Assert.IsType<TwilioApiException>(reported).Code);
    }

    [Fact]
    public async Task Each_command_runs_on_a_client_whose_deadline_is_its_budget_counted_from_posting()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var rest = new TwilioRestClient(http, new TwilioCredentials("AC0123456789abcdef0123456789abcdef", "token", new Uri("http://127.0.0.1:9/")), Microsoft.Extensions.Logging.Abstractions.NullLogger<TwilioRestClient>.Instance, clock);
        var queue = new TwilioCommandQueue(rest, new LinesLogger());
        var remaining = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);

        await queue.PostAsync(new TwilioCommand("ring", TimeSpan.FromSeconds(10), (client, _) => { remaining.SetResult(client.Remaining); return Task.CompletedTask; }), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(3));
        await queue.StartAsync(CancellationToken.None);
        var left = await remaining.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.StopAsync(CancellationToken.None);

        // Three seconds waiting for a worker counted against it.
        Assert.Equal(TimeSpan.FromSeconds(7), left);
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
