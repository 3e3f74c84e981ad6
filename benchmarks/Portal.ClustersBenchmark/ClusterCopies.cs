using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Domain.Data;

namespace Portal.ClustersBenchmark;

/// <summary>Fills a portal's SQLite file with many clusters quickly, by copying a provisioned one (shared by the benchmarks).</summary>
internal static class ClusterCopies
{
    /// <summary>
    /// Copies the cluster named <paramref name="templateName"/> and its pools until the database holds <paramref name="total"/> clusters: new ids, names
    /// seed-NNNNN, spread over the tenant's projects, each one second older than the last (so the newest are the
    /// provisioned ones). Every other column is copied as stored, so the copies are valid rows whatever the schema holds.
    /// </summary>
    public static async Task<int> TopUpAsync(string file, int total, string templateName = "bench-0000")
    {
        await using var connection = new SqliteConnection(SqlitePragmas.ConnectionString(file));
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA busy_timeout=5000;");

        var template = await Single(connection, $"SELECT Id, TenantId, CreatedAt FROM KubernetesClusters WHERE Name = '{templateName}'");
        var templateId = (string)template[0];
        var tenantId = (string)template[1];
        var createdAt = (DateTimeOffset)new DateTimeOffsetToBinaryConverter().ConvertFromProvider((long)template[2])!;
        var existing = Convert.ToInt32(await Scalar(connection, "SELECT COUNT(*) FROM KubernetesClusters"), System.Globalization.CultureInfo.InvariantCulture);
        var projects = await Column(connection, $"SELECT Id FROM Projects WHERE TenantId = '{tenantId}' ORDER BY Name");
        var pools = await Column(connection, $"SELECT Id FROM NodePools WHERE ClusterId = '{templateId}'");
        var upper = templateId == templateId.ToUpperInvariant();

        var clusterColumns = await Column(connection, "SELECT name FROM pragma_table_info('KubernetesClusters')");
        var poolColumns = await Column(connection, "SELECT name FROM pragma_table_info('NodePools')");
        var clusterOverrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = "$id", ["Name"] = "$name", ["ProjectId"] = "$project", ["CreatedAt"] = "$created", ["NameKey"] = "$name",
        };
        var poolOverrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Id"] = "$id", ["ClusterId"] = "$cluster" };

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insertCluster = connection.CreateCommand();
        insertCluster.Transaction = transaction;
        insertCluster.CommandText = CopySql("KubernetesClusters", clusterColumns, clusterOverrides);
        var clusterId = insertCluster.Parameters.Add("$id", SqliteType.Text);
        var clusterName = insertCluster.Parameters.Add("$name", SqliteType.Text);
        var clusterProject = insertCluster.Parameters.Add("$project", SqliteType.Text);
        var clusterCreated = insertCluster.Parameters.Add("$created", SqliteType.Integer);
        insertCluster.Parameters.AddWithValue("$source", templateId);
        await using var insertPool = connection.CreateCommand();
        insertPool.Transaction = transaction;
        insertPool.CommandText = CopySql("NodePools", poolColumns, poolOverrides);
        var poolId = insertPool.Parameters.Add("$id", SqliteType.Text);
        var poolCluster = insertPool.Parameters.Add("$cluster", SqliteType.Text);
        var poolSource = insertPool.Parameters.Add("$source", SqliteType.Text);
        var converter = new DateTimeOffsetToBinaryConverter();

        var added = 0;
        for (var i = 0; existing + added < total; i++, added++)
        {
            var id = NewId(upper);
            clusterId.Value = id;
            clusterName.Value = $"seed-{i:D5}";
            clusterProject.Value = projects[i % projects.Count];
            clusterCreated.Value = converter.ConvertToProvider(createdAt - TimeSpan.FromSeconds(i + 1));
            await insertCluster.ExecuteNonQueryAsync();
            foreach (var pool in pools)
            {
                poolId.Value = NewId(upper);
                poolCluster.Value = id;
                poolSource.Value = pool;
                await insertPool.ExecuteNonQueryAsync();
            }
        }
        // No ANALYZE: the portal never runs it, so the planner works without statistics, as it does in production.
        await transaction.CommitAsync();
        return added;
    }

    private static string CopySql(string table, IReadOnlyList<string> columns, IReadOnlyDictionary<string, string> overrides) =>
        $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
        $"SELECT {string.Join(", ", columns.Select(c => overrides.TryGetValue(c, out var value) ? value : $"\"{c}\""))} FROM \"{table}\" WHERE \"Id\" = $source";

    private static string NewId(bool upper) => upper ? Guid.NewGuid().ToString().ToUpperInvariant() : Guid.NewGuid().ToString();

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<object[]> Single(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException($"No row for: {sql}");
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }

    private static async Task<List<string>> Column(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
