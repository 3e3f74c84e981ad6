using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Catalog;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;
using Portal.Jobs.Clusters;
using Portal.Jobs.Infrastructures;
using Portal.Jobs.ServiceConfigs;

namespace Portal.CircuitsBenchmark;

/// <summary>
/// Gives the running portal <c>total</c> Kubernetes clusters, all visible to the platform admin who signs in:
///   1. through the portal's own services (as an admin sets a new installation up): the demo cloud registered with its
///      catalog imported, a Service Config offered to every tenant with its MKS platform, tenant "Acme" with
///      <see cref="ProjectCount"/> projects and a member;
///   2. one cluster ("bench-template", Standalone control plane, 2 pools of 2 nodes) created by the member through
///      <see cref="ClusterCommands.CreateAsync"/> and provisioned by the demo cloud until Active;
///   3. its row and its pools' rows copied in one SQLite transaction until there are <c>total</c> clusters (as
///      benchmarks/Portal.ClustersBenchmark tops its list up): new ids, names seed-NNNNN, spread over the projects, each
///      one second older than the last, every other column copied as stored. So the list holds valid Active clusters
///      whatever the schema holds, in well under a second instead of provisioning each.
/// </summary>
internal static class ClusterSeeder
{
    public const int ProjectCount = 10;
    public const string TemplateName = "bench-template";

    public static async Task SeedAsync(PortalServer portal, int total, TimeSpan provisioningTimeout)
    {
        var services = portal.Services;
        T Service<T>() where T : notnull => services.GetRequiredService<T>();
        var admin = await portal.AdminAsync();
        var clock = Stopwatch.StartNew();

        var infrastructureId = Expect(await Service<InfrastructureService>().RegisterAsync(admin, new RegistrationRequest("Demo cloud", null,
            InfrastructureProvider.Demo, Placement.NewRegionAndZone("Region Demo", "zone-bench"), null, null,
            new ConnectionCheck(true, "Demo cloud."), [], [])), "register the demo infrastructure");
        var listing = Expect(await Service<CloudCatalogReader>().ReadAsync(admin, infrastructureId), "read the demo cloud's catalog");
        Expect(await Service<CatalogService>().ImportAsync(admin, infrastructureId, listing.Flavors, listing.Images), "import the catalog");
        var configId = Expect(await Service<ServiceConfigService>().CreateAsync(admin, infrastructureId, "Standard", null, true, []),
            "create the Service Config");
        Expect(await Service<PlatformCommands>().CreateMksAsync(admin, configId, listing.ExternalNetworks[0].Id), "add the MKS platform");

        var tenancy = Service<TenancyService>();
        var tenantId = Expect(await tenancy.CreateTenantAsync(admin, "Acme", "acme", null), "create the tenant");
        var projectIds = new List<Guid>();
        for (var i = 1; i <= ProjectCount; i++)
            projectIds.Add(Expect(await tenancy.CreateProjectAsync(admin, tenantId, $"project-{i:D2}", null), "create a project"));
        const string memberEmail = "member@acme.bench";
        var memberId = Expect(await Service<UserAdminService>().CreateUserAsync(admin, memberEmail, "Acme member", "member-password-for-benchmark",
            PlatformRole.None), "create the member");
        Expect(await tenancy.AddMemberAsync(admin, tenantId, memberEmail, TenantRole.Member), "add the member to the tenant");
        var member = new Actor(memberId, "Acme member", PlatformRole.None);

        var clusters = Service<ClusterService>();
        var placement = Expect(await clusters.PlacementsAsync(member, projectIds[0]), "list the placements").Single();
        var flavor = placement.Flavors.FirstOrDefault(f => f.Name == "m1.small") ?? placement.Flavors.OrderBy(f => f.RamMb).First();
        var version = placement.Versions.Select(v => v.Version).First();
        var request = new CreateClusterRequest(projectIds[0], placement.ServiceConfigId, TemplateName, version, ControlPlaneType.Standalone, 1, flavor.Id,
            [new NodePoolRequest("workers", flavor.Id, 2), new NodePoolRequest("batch", flavor.Id, 2)]);
        var templateId = Expect(await Service<ClusterCommands>().CreateAsync(member, request), "create the template cluster");
        Console.WriteLine($"    demo cloud, Service Config, tenant with {ProjectCount} projects ready in {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"provisioning {TemplateName} ({version}, Standalone, 2 pools × 2 {flavor.Name}) on the demo cloud ...");

        var until = DateTime.UtcNow + provisioningTimeout;
        while (true)
        {
            var detail = Expect(await clusters.GetAsync(member, templateId), "read the template cluster");
            if (detail.State == ClusterState.Active && detail.CurrentOperationId is null) break;
            if (detail.State is ClusterState.Error || DateTime.UtcNow > until)
                throw new InvalidOperationException($"{TemplateName} did not become Active within {provisioningTimeout.TotalSeconds:0} s: " +
                    $"{detail.State} ({detail.StateReason}) {detail.ProviderFault}");
            await Task.Delay(500);
        }
        Console.WriteLine($"    {TemplateName} Active after {clock.Elapsed.TotalSeconds:0.0} s");

        var copying = Stopwatch.StartNew();
        var added = await CopyAsync(portal.DatabaseFile, projectIds, total);
        var listed = (await clusters.ListAsync(admin, new ClusterFilter(), new PageRequest(0, 1))).Total;
        if (listed != total)
            throw new InvalidOperationException($"The platform admin sees {listed} clusters, expected {total}.");
        Console.WriteLine($"    copied it {added} times in {copying.Elapsed.TotalMilliseconds:0} ms: the admin's list holds {listed} clusters");
    }

    /// <summary>Copies the template's cluster row and its pools' rows until the database holds <paramref name="total"/> clusters.</summary>
    private static async Task<int> CopyAsync(string file, IReadOnlyList<Guid> projectIds, int total)
    {
        await using var connection = new SqliteConnection(SqlitePragmas.ConnectionString(file));
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA busy_timeout=5000;");

        // Ids are stored as text; keep the stored case (EF's SQLite provider writes upper case).
        var storedId = (string)(await Scalar(connection, "SELECT Id FROM KubernetesClusters WHERE Name = $name", ("$name", TemplateName)))!;
        var upper = storedId == storedId.ToUpperInvariant();
        var createdAt = (DateTimeOffset)new DateTimeOffsetToBinaryConverter().ConvertFromProvider(
            (long)(await Scalar(connection, "SELECT CreatedAt FROM KubernetesClusters WHERE Id = $id", ("$id", storedId)))!)!;
        var existing = Convert.ToInt32(await Scalar(connection, "SELECT COUNT(*) FROM KubernetesClusters"), CultureInfo.InvariantCulture);
        var pools = await Column(connection, "SELECT Id FROM NodePools WHERE ClusterId = $id", ("$id", storedId));
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
        insertCluster.Parameters.AddWithValue("$source", storedId);
        await using var insertPool = connection.CreateCommand();
        insertPool.Transaction = transaction;
        insertPool.CommandText = CopySql("NodePools", poolColumns, poolOverrides);
        var poolId = insertPool.Parameters.Add("$id", SqliteType.Text);
        var poolCluster = insertPool.Parameters.Add("$cluster", SqliteType.Text);
        var poolSource = insertPool.Parameters.Add("$source", SqliteType.Text);
        var converter = new DateTimeOffsetToBinaryConverter();
        string Id(Guid id) => upper ? id.ToString().ToUpperInvariant() : id.ToString();

        var added = 0;
        for (var i = 0; existing + added < total; i++, added++)
        {
            var id = Id(Guid.NewGuid());
            clusterId.Value = id;
            clusterName.Value = $"seed-{i:D5}";
            clusterProject.Value = Id(projectIds[i % projectIds.Count]);
            clusterCreated.Value = converter.ConvertToProvider(createdAt - TimeSpan.FromSeconds(i + 1));
            await insertCluster.ExecuteNonQueryAsync();
            foreach (var pool in pools)
            {
                poolId.Value = Id(Guid.NewGuid());
                poolCluster.Value = id;
                poolSource.Value = pool;
                await insertPool.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
        return added;
    }

    private static string CopySql(string table, IReadOnlyList<string> columns, IReadOnlyDictionary<string, string> overrides) =>
        $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
        $"SELECT {string.Join(", ", columns.Select(c => overrides.TryGetValue(c, out var value) ? value : $"\"{c}\""))} FROM \"{table}\" WHERE \"Id\" = $source";

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<string>> Column(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    private static T Expect<T>(Result<T> result, string doing) =>
        result.Succeeded ? result.Value! : throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");

    private static void Expect(Result result, string doing)
    {
        if (!result.Succeeded) throw new InvalidOperationException($"Could not {doing}: {result.Refusal!.Message}");
    }
}
