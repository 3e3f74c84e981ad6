using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Tests.Support;

/// <summary>
/// Lets a test run something just before the next <c>SaveChanges</c> of any portal context, after the
/// service under test has loaded and checked its data: the way to simulate another writer committing
/// "at the same moment" and prove the database-level guards (version check, unique indexes, foreign keys).
/// The action runs once; saves it makes itself are not intercepted. <see cref="Saving"/> also lets a test watch what
/// every save writes together.
/// </summary>
public sealed class SaveHook : SaveChangesInterceptor
{
    private Func<Task>? _next;

    /// <summary>Raised before every save with the context about to be saved (its tracker holds what the save writes).</summary>
    public event Action<DbContext>? Saving;

    public void BeforeNextSave(Func<Task> action)
    {
        if (Interlocked.CompareExchange(ref _next, action, null) is not null)
            throw new InvalidOperationException("A save hook is already armed.");
    }

    public bool IsArmed => Volatile.Read(ref _next) is not null;

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Saving?.Invoke(context);
        if (Interlocked.Exchange(ref _next, null) is { } action)
            await AsAnotherWriter(action);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) Saving?.Invoke(context);
        if (Interlocked.Exchange(ref _next, null) is { } action)
            AsAnotherWriter(action).GetAwaiter().GetResult();
        return result;
    }

    /// <summary>
    /// Runs the action as another writer would: outside the saving command's ambient transaction (on PostgreSQL a command
    /// that records operations runs in one), and without handing that transaction to work the action starts.
    /// </summary>
    private static Task AsAnotherWriter(Func<Task> action)
    {
        using (ExecutionContext.SuppressFlow())
            return Task.Run(action);
    }
}
