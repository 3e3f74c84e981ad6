using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.ClustersBenchmark;

/// <summary>
/// Part 2: tops the database up to <c>total</c> clusters (each with its pools) by copying a provisioned cluster's rows
/// in one SQLite transaction, then times <see cref="ClusterService.ListAsync"/> as the cluster list page calls it
/// (server time: the whole call, its three queries included) for a tenant member of the tenant holding every cluster
/// and for a platform admin. Each scenario: warm-up runs, then timed runs; median, p95 and max. The plan of every query
/// it ran is printed with EXPLAIN QUERY PLAN.
/// </summary>
internal static class ListBenchmark
{
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> RunAsync(ClusterHost host, int total, int runs, Report report)
    {
        var seeded = Stopwatch.StartNew();
        var added = await SeedAsync(host.File, total);
        Console.WriteLine($"==> Cluster list: seeded {added} more clusters (copies of bench-0000 with its pools) in {Stats.Ms(seeded.Elapsed)}");

        var firstPage = new PageRequest(0, 20);
        var scenarios = new List<(string Name, Actor Actor, ClusterFilter Filter, PageRequest Page, bool Judged)>
        {
            ("Tenant member, first page", host.Member, new ClusterFilter(), firstPage, true),
            ("Platform admin, first page", host.Admin, new ClusterFilter(), firstPage, true),
            ("Tenant member, one project, first page", host.Member, new ClusterFilter(ProjectId: host.ProjectIds[3]), firstPage, true),
            ("Tenant member, search 'seed-0042'", host.Member, new ClusterFilter(), firstPage with { Search = "seed-0042" }, false),
            ("Tenant member, last page", host.Member, new ClusterFilter(), new PageRequest(total - 20, 20), false),
            ("Platform admin, last page", host.Admin, new ClusterFilter(), new PageRequest(total - 20, 20), false),
        };

        report.Section($"Cluster list (ClusterService.ListAsync) with {total} clusters, {total * ProvisioningBenchmark.PoolsPerCluster} pools; " +
            $"{runs} timed runs after 10 warm-up; target first page < {Target.TotalMilliseconds:0} ms");
        var allMet = true;
        var plans = new List<(string Scenario, CapturedCommand Command)>();
        foreach (var (name, actor, filter, page, judged) in scenarios)
        {
            Page<ClusterRow>? result = null;
            for (var i = 0; i < 10; i++)
                result = await host.Clusters.ListAsync(actor, filter, page);
            var times = new List<TimeSpan>(runs);
            for (var i = 0; i < runs; i++)
            {
                var began = Stopwatch.GetTimestamp();
                result = await host.Clusters.ListAsync(actor, filter, page);
                times.Add(Stopwatch.GetElapsedTime(began));
            }
            var captured = host.Capture.Begin();
            await host.Clusters.ListAsync(actor, filter, page);
            host.Capture.End();
            plans.AddRange(captured.Select(c => (name, c)));

            var stats = new Stats(times);
            var met = stats.P(95) < Target;
            if (judged) allMet &= met;
            report.Add(name, $"median {Stats.Ms(stats.Median)}, p95 {Stats.Ms(stats.P(95))}, max {Stats.Ms(stats.Max)}; {result!.Items.Count} rows of {result.Total}",
                judged ? met : null);
        }

        Console.WriteLine();
        Console.WriteLine("Query plans (EXPLAIN QUERY PLAN) of the queries ListAsync ran, per scenario:");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (scenario, command) in plans)
        {
            var key = command.Sql + string.Join('|', command.Parameters.Select(p => $"{p.Name}={p.Value}"));
            if (!seen.Add(key)) continue;
            Console.WriteLine($"--- {scenario}:");
            Console.WriteLine("    " + command.Sql.Replace("\n", "\n    ", StringComparison.Ordinal));
            foreach (var line in await CommandCapture.ExplainAsync(SqlitePragmas.ConnectionString(host.File), command))
                Console.WriteLine("      plan: " + line);
        }
        return allMet;
    }

    /// <summary>
    /// Copies bench-0000 and its pools until the database holds <paramref name="total"/> clusters: new ids, names
    /// seed-NNNNN, spread over the tenant's projects, each one second older than the last (so the newest are the
    /// provisioned ones). Every other column is copied as stored, so the copies are valid rows whatever the schema holds.
    /// </summary>
    private static async Task<int> SeedAsync(string file, int total)
    {
        await using var connection = new SqliteConnection(SqlitePragmas.ConnectionString(file));
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA busy_timeout=5000;");

        var template = await Single(connection, "SELECT Id, TenantId, CreatedAt FROM KubernetesClusters WHERE Name = 'bench-0000'");
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
