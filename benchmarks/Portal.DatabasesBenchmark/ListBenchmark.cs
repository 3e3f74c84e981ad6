using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.ClustersBenchmark;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Databases;

namespace Portal.DatabasesBenchmark;

/// <summary>
/// Part 2: tops the database up to <c>total</c> databases with rows built by <see cref="ManagedDatabase.Create"/> (as the
/// create command builds them, then Creating → Active as the create operation leaves them) and saved through EF in
/// batches, spread evenly over five tenants (Acme, whose member is timed, holds a fifth of them), then times
/// <see cref="DatabaseService.ListAsync"/> as the database list page calls it (server time: the whole call, its queries
/// included) for a platform admin (sees all) and the Acme member (sees a fifth). Each scenario: 10 warm-up runs, then
/// timed runs; p50, p95 and max. The plan of every query it ran is printed with EXPLAIN QUERY PLAN.
/// </summary>
internal static class ListBenchmark
{
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> RunAsync(DatabaseHost host, int total, int runs, Report report)
    {
        var seeded = Stopwatch.StartNew();
        var added = await SeedAsync(host, total);
        Console.WriteLine($"==> Database list: seeded {added} more databases through EF in {Stats.Ms(seeded.Elapsed)}");
        int visibleToMember;
        await using (var db = host.NewContext())
        {
            total = await db.Databases.CountAsync();
            visibleToMember = await db.Databases.CountAsync(d => d.TenantId == host.TenantId);
        }

        var firstPage = new PageRequest(0, Limits.DefaultPageSize);
        var lastPage = new PageRequest(total - Limits.DefaultPageSize, Limits.DefaultPageSize);
        var scenarios = new List<(string Name, Actor Actor, DatabaseFilter Filter, PageRequest Page, DatabaseSort Sort, bool Judged)>
        {
            ("Platform admin, first page", host.Admin, new DatabaseFilter(), firstPage, DatabaseSort.Created, true),
            ("Tenant member, first page", host.Member, new DatabaseFilter(), firstPage, DatabaseSort.Created, true),
            ("Platform admin, search 'seed-0042'", host.Admin, new DatabaseFilter(), firstPage with { Search = "seed-0042" }, DatabaseSort.Created, true),
            ("Tenant member, search 'seed-0042'", host.Member, new DatabaseFilter(), firstPage with { Search = "seed-0042" }, DatabaseSort.Created, true),
            ("Platform admin, search 'project-07' (a project name)", host.Admin, new DatabaseFilter(), firstPage with { Search = "project-07" }, DatabaseSort.Created, false),
            ("Tenant member, one project, first page", host.Member, new DatabaseFilter(ProjectId: host.ProjectIds[3]), firstPage, DatabaseSort.Created, false),
            ("Platform admin, sorted by name, first page", host.Admin, new DatabaseFilter(), firstPage, DatabaseSort.Name, false),
            ("Platform admin, last page", host.Admin, new DatabaseFilter(), lastPage, DatabaseSort.Created, false),
        };

        report.Section($"Database list (DatabaseService.ListAsync, page of {Limits.DefaultPageSize}, newest first unless said) with {total} databases " +
            $"(the tenant member sees {visibleToMember}); {runs} timed runs after 10 warm-up; target first page < {Target.TotalMilliseconds:0} ms");
        var allMet = true;
        var plans = new List<(string Scenario, CapturedCommand Command)>();
        foreach (var (name, actor, filter, page, sort, judged) in scenarios)
        {
            Page<DatabaseRow>? result = null;
            for (var i = 0; i < 10; i++)
                result = await host.Databases.ListAsync(actor, filter, page, sort);
            var times = new List<TimeSpan>(runs);
            for (var i = 0; i < runs; i++)
            {
                var began = Stopwatch.GetTimestamp();
                result = await host.Databases.ListAsync(actor, filter, page, sort);
                times.Add(Stopwatch.GetElapsedTime(began));
            }
            var captured = host.Capture.Begin();
            await host.Databases.ListAsync(actor, filter, page, sort);
            host.Capture.End();
            plans.AddRange(captured.Select(c => (name, c)));

            var stats = new Stats(times);
            var met = stats.P(95) < Target;
            if (judged) allMet &= met;
            report.Add(name, $"p50 {Stats.Ms(stats.Median)}, p95 {Stats.Ms(stats.P(95))}, max {Stats.Ms(stats.Max)}; {result!.Items.Count} rows of {result.Total}",
                judged ? met : null);
        }

        // The experiment: the same searches without the per-row managed upper() (see SearchAlternative).
        report.Section("Experiment (not the portal's code): the same searches with the name compared as stored and project/version matches resolved first");
        foreach (var (name, actor, search) in new[]
                 {
                     ("Platform admin, search 'seed-0042'", host.Admin, "seed-0042"), ("Tenant member, search 'seed-0042'", host.Member, "seed-0042"),
                     ("Platform admin, search 'project-07'", host.Admin, "project-07"), ("Platform admin, search '16.'", host.Admin, "16."),
                 })
        {
            var page = firstPage with { Search = search };
            var real = await host.Databases.ListAsync(actor, new DatabaseFilter(), page);
            Page<(Guid Id, string Name)>? result = null;
            async Task<Page<(Guid Id, string Name)>> Run()
            {
                await using var db = host.NewContext();
                return await SearchAlternative.ListAsync(db, actor, search, page);
            }
            for (var i = 0; i < 10; i++) result = await Run();
            var times = new List<TimeSpan>(runs);
            for (var i = 0; i < runs; i++)
            {
                var began = Stopwatch.GetTimestamp();
                result = await Run();
                times.Add(Stopwatch.GetElapsedTime(began));
            }
            var same = result!.Total == real.Total && result.Items.Select(r => r.Id).SequenceEqual(real.Items.Select(r => r.Id));
            var stats = new Stats(times);
            report.Add(name, $"p50 {Stats.Ms(stats.Median)}, p95 {Stats.Ms(stats.P(95))}, max {Stats.Ms(stats.Max)}; {result.Items.Count} rows of {result.Total}" +
                $"{(same ? ", same rows as ListAsync" : $", DIFFERENT from ListAsync ({real.Items.Count} of {real.Total})")}", same);
        }

        Console.WriteLine();
        Console.WriteLine($"Query plans ({(host.OnPostgres ? "EXPLAIN" : "EXPLAIN QUERY PLAN")}) of the queries ListAsync ran, per scenario:");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (scenario, command) in plans)
        {
            var key = command.Sql + string.Join('|', command.Parameters.Select(p => $"{p.Name}={p.Value}"));
            if (!seen.Add(key)) continue;
            Console.WriteLine($"--- {scenario}:");
            Console.WriteLine("    " + command.Sql.Replace("\n", "\n    ", StringComparison.Ordinal));
            foreach (var line in await ExplainAsync(host, command))
                Console.WriteLine("      plan: " + line);
        }
        return allMet;
    }

    /// <summary>
    /// SQLite's plan for a captured command, one line per step, indented by depth. On a connection of the portal's own
    /// context (a bare connection lacks the Unicode <c>upper()</c> the portal registers, which the search uses).
    /// </summary>
    private static async Task<IReadOnlyList<string>> ExplainAsync(DatabaseHost host, CapturedCommand command)
    {
        await using var db = host.NewContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = (host.OnPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.Sql;
        foreach (var (name, value) in command.Parameters)
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            explain.Parameters.Add(parameter);
        }
        var depth = new Dictionary<long, int>();
        var lines = new List<string>();
        try
        {
            await using var reader = await explain.ExecuteReaderAsync();
            while (host.OnPostgres && await reader.ReadAsync())
                lines.Add(reader.GetString(0));
            while (!host.OnPostgres && await reader.ReadAsync())
            {
                var id = reader.GetInt64(0);
                var parent = reader.GetInt64(1);
                var level = depth.TryGetValue(parent, out var d) ? d + 1 : 0;
                depth[id] = level;
                lines.Add(new string(' ', 2 * level) + reader.GetString(3));
            }
        }
        catch (System.Data.Common.DbException e)
        {
            lines.Add($"(no plan: {e.Message})");
        }
        return lines;
    }

    /// <summary>
    /// Adds databases named seed-NNNNN until there are <paramref name="total"/>: row i goes to tenant i mod 5 (Acme
    /// first) and round-robin over that tenant's projects, one second older than the one before (so databases the
    /// benchmark provisioned stay the newest); PostgreSQL 14 to 17, 1 or 3 instances, Active. Saved in batches of
    /// 1,000 through EF (each batch also records the rows' state transitions, as every save does).
    /// </summary>
    private static async Task<int> SeedAsync(DatabaseHost host, int total)
    {
        int existing;
        Dictionary<Guid, Portal.Domain.Tenancy.Project> projects;
        await using (var db = host.NewContext())
        {
            existing = await db.Databases.CountAsync();
            projects = await db.Projects.AsNoTracking().ToDictionaryAsync(p => p.Id);
        }
        var majors = DatabaseRules.PostgresVersions.Keys.Order().ToList();
        var computes = DatabaseRules.ComputeSizes;
        var start = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10);
        var added = 0;
        const int batch = 1000;
        while (existing + added < total)
        {
            await using var db = host.NewContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var n = 0; n < batch && existing + added < total; n++, added++)
            {
                var i = added;
                var tenantProjects = host.Tenants[i % host.Tenants.Count].Projects;
                var project = projects[tenantProjects[i / host.Tenants.Count % tenantProjects.Count]];
                var created = start - TimeSpan.FromSeconds(i + 1);
                var operationId = Guid.NewGuid();
                var major = majors[i % majors.Count];
                var database = ManagedDatabase.Create(Guid.NewGuid(), project, host.ConfigId, host.PlatformId, host.InfrastructureId, $"seed-{i:D5}",
                    DatabaseRules.LatestOf(major), i % 4 == 0 ? 3 : 1, computes[i % computes.Count], 10 + i % 5 * 10, "app", "app", null,
                    host.Admin.UserId, operationId, created);
                database.StartCreating(operationId, created);
                database.Complete(operationId, created + TimeSpan.FromSeconds(10));
                db.Databases.Add(database);
            }
            await db.SaveChangesAsync();
        }
        return added;
    }
}
