using Portal.Jobs.Operations;

namespace Portal.Components.Operations;

/// <summary>
/// Operation rows are the same row when they are the same operation: a live reload brings new instances (with new
/// steps), and an expanded row must stay expanded across it.
/// </summary>
public sealed class OperationRows : IEqualityComparer<OperationView>
{
    public static readonly OperationRows ById = new();

    public bool Equals(OperationView? x, OperationView? y) => x?.Id == y?.Id;

    public int GetHashCode(OperationView obj) => obj.Id.GetHashCode();
}
