using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// Two requests at the same moment, made to overlap on purpose: the second starts while the first has loaded and checked
/// its data and is about to save. The first then waits for the second to finish, at most <see cref="Overlap"/>: without
/// serialization the second checks and commits inside the first's window (the race the rules must survive); with it,
/// the second waits for the first's lock, the window passes, the first commits and the second checks afterwards. The
/// outcome the tests assert does not depend on how long the window is.
/// </summary>
internal static class Race
{
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(2);

    public static async Task<(TFirst First, TSecond Second)> OverlapAsync<TFirst, TSecond>(SaveHook hook, Func<Task<TFirst>> first, Func<Task<TSecond>> second)
    {
        Task<TSecond>? started = null;
        hook.BeforeNextSave(async () =>
        {
            // On a thread of its own: SQLite's wait for its write lock blocks the calling thread.
            started = Task.Run(second);
            await Task.WhenAny(started, Task.Delay(Overlap));
        });
        var firstResult = await first();
        Assert.True(started is not null, "The first request never reached its save, so the two never overlapped.");
        return (firstResult, await started!);
    }
}
