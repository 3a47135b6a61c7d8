namespace HotlineCenter.Testing;

/// <summary>
/// Waits for an effect that travels by one-way message, grain tick or live push. It polls with a deadline
/// and fails with the last value seen; it never re-runs the action under test.
/// </summary>
public static class Eventually
{
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, int timeoutMs = 15000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T last;
        do
        {
            last = await read();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(5);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last value: {last}");
    }
}
