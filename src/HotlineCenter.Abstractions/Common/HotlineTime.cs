namespace HotlineCenter.Abstractions.Common;

/// <summary>
/// The clock every domain decision reads. Wrapping <see cref="TimeProvider"/> keeps the
/// application's clock separate from the one Orleans uses internally, so tests can move
/// the domain clock forward without disturbing membership or response timeouts.
/// </summary>
public sealed class HotlineTime(TimeProvider provider)
{
    public static HotlineTime System { get; } = new(TimeProvider.System);

    public TimeProvider Provider { get; } = provider;

    public DateTimeOffset Now => Provider.GetUtcNow();
}
