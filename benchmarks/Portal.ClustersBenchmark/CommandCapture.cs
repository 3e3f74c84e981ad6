using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.ClustersBenchmark;

/// <summary>A SQL command as EF sent it, with its parameter values, so that its plan can be asked for afterwards.</summary>
internal sealed record CapturedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>
/// Records the commands EF runs inside <see cref="Begin"/>'s async flow only (the engine and the demo controllers write
/// concurrently through the same factory; their commands are not wanted), and explains them with SQLite's
/// <c>EXPLAIN QUERY PLAN</c>.
/// </summary>
internal sealed class CommandCapture : DbCommandInterceptor
{
    private readonly AsyncLocal<List<CapturedCommand>?> _current = new();

    /// <summary>Captures the commands of the calling flow until the returned list's owner stops using it.</summary>
    public List<CapturedCommand> Begin()
    {
        var list = new List<CapturedCommand>();
        _current.Value = list;
        return list;
    }

    public void End() => _current.Value = null;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command) =>
        _current.Value?.Add(new CapturedCommand(command.CommandText,
            command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value == DBNull.Value ? null : p.Value)).ToList()));

    /// <summary>SQLite's plan for <paramref name="command"/>, one line per step, indented by depth.</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync(string connectionString, CapturedCommand command)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Sql;
        foreach (var (name, value) in command.Parameters)
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var depth = new Dictionary<long, int>();
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var level = depth.TryGetValue(parent, out var d) ? d + 1 : 0;
            depth[id] = level;
            lines.Add(new string(' ', 2 * level) + reader.GetString(3));
        }
        return lines;
    }
}
