namespace Portal.Jobs.Operations;

/// <summary>The registered handlers by kind. Two handlers for one kind is a wiring error and fails at start-up.</summary>
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
        }
    }

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    public IOperationHandler? Find(string kind) => _byKind.GetValueOrDefault(kind);

    public IOperationHandler Get(string kind) =>
        Find(kind) ?? throw new InvalidOperationException($"No operation handler is registered for kind '{kind}'. Register one with AddOperationHandler<T>().");
}
