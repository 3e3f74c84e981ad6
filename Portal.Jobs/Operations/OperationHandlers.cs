using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations;

/// <summary>
/// The registered handlers by kind. Wiring errors fail at start-up (see <see cref="OperationHandlersCheck"/>): two
/// handlers for one kind, a handler without steps, or a handler whose steps are not exactly the ones the domain declares
/// for its kind (the domain records every operation with its declared steps, and the executor runs them by name).
/// </summary>
public sealed class OperationHandlers
{
    private readonly Dictionary<string, IOperationHandler> _byKind = new(StringComparer.Ordinal);

    public OperationHandlers(IEnumerable<IOperationHandler> handlers)
    {
        foreach (var handler in handlers)
        {
            if (handler.Steps.Count == 0)
                throw new InvalidOperationException($"Operation handler {handler.GetType().Name} ({handler.Kind}) declares no steps.");
            if (!_byKind.TryAdd(handler.Kind, handler))
                throw new InvalidOperationException(
                    $"Two operation handlers for kind '{handler.Kind}': {_byKind[handler.Kind].GetType().Name} and {handler.GetType().Name}.");
            var implemented = handler.Steps.Select(s => s.Name).ToList();
            if (OperationKinds.Find(handler.Kind) is { } declared && !implemented.SequenceEqual(declared.Steps, StringComparer.Ordinal))
                throw new InvalidOperationException(
                    $"Operation handler {handler.GetType().Name} implements the steps of '{handler.Kind}' as {string.Join(", ", implemented.Select(n => $"'{n}'"))}; " +
                    $"the domain declares {string.Join(", ", declared.Steps.Select(n => $"'{n}'"))}. Implement exactly the declared steps, in order.");
        }
    }

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    public IOperationHandler? Find(string kind) => _byKind.GetValueOrDefault(kind);

    public IOperationHandler Get(string kind) =>
        Find(kind) ?? throw new InvalidOperationException($"No operation handler is registered for kind '{kind}'. Register one with AddOperationHandler<T>().");
}

/// <summary>
/// Builds <see cref="OperationHandlers"/> as the host starts, so that a handler that does not match the domain fails the
/// start rather than the first operation of its kind. Register it before the engine, whose start already runs operations.
/// </summary>
public sealed class OperationHandlersCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<OperationHandlers>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
