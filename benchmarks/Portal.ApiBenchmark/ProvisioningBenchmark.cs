using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.ClustersBenchmark;
using Portal.Domain.Clusters;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.ApiBenchmark;

/// <summary>
/// Part 1: N clusters through <c>POST /api/v1/clusters</c> by C clients at once, each creating its share one request
/// after another (as C pipelines would), every request with its own Idempotency-Key; a request answered 429 or 5xx is
/// retried with the same key. Then each client watches its project's list until its clusters are Active. Checked in the
/// database afterwards: exactly N clusters, one create operation each, Succeeded, one transition to Active each.
/// </summary>
internal static class ProvisioningBenchmark
{
    public const int NodesPerPool = 2;

    public static async Task<bool> RunAsync(ApiHost host, int total, int clients, TimeSpan timeout, Report report)
    {
        Console.WriteLine($"==> Creating {total} clusters (standalone control plane, 1 pool × {NodesPerPool} nodes) through the API with {clients} clients");
        var postTimes = new ConcurrentBag<TimeSpan>();
        var retried = 0;
        var refused = new ConcurrentBag<string>();
        var started = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(timeout);

        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var (projectId, _, token) = host.Clients[c];
            using var http = host.Client(token);
            var share = total / clients + (c < total % clients ? 1 : 0);
            for (var i = 0; i < share; i++)
            {
                var body = new
                {
                    projectId,
                    serviceConfigId = host.ConfigId,
                    name = $"bench-c{c:D2}-{i:D3}",
                    version = host.Version,
                    controlPlane = new { type = "standalone", replicas = 1, flavorId = host.FlavorId },
                    pools = new[] { new { name = "workers", flavorId = host.FlavorId, nodeCount = NodesPerPool } },
                };
                var key = Guid.NewGuid().ToString();
                for (var attempt = 0; ; attempt++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clusters") { Content = JsonContent.Create(body) };
                    request.Headers.Add("Idempotency-Key", key);
                    var began = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request, deadline.Token);
                    postTimes.Add(Stopwatch.GetElapsedTime(began));
                    if (response.StatusCode == HttpStatusCode.Accepted) break;
                    var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict or >= HttpStatusCode.InternalServerError;
                    if (!retryable || attempt >= 5)
                    {
                        refused.Add($"{body.name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}");
                        break;
                    }
                    Interlocked.Increment(ref retried);
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200), deadline.Token);
                }
            }
            var requested = started.Elapsed;
            // Watch the project's Active clusters until all of this client's are.
            while (true)
            {
                var page = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clusters?projectId={projectId}&state=active&pageSize=1", deadline.Token);
                if (page.GetProperty("totalCount").GetInt32() >= share) break;
                await Task.Delay(500, deadline.Token);
            }
            return requested;
        })).ToList();

        TimeSpan[] requestedAt;
        try
        {
            requestedAt = await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
            report.Section($"Provisioning {total} clusters through the API");
            report.Add("Finished", $"no: not every cluster was Active after {Stats.Seconds(timeout)}", false);
            return false;
        }
        var wall = started.Elapsed;

        await using var db = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var clusters = await db.Clusters.AsNoTracking().Select(c => new { c.Id, c.State }).ToListAsync();
        var ids = clusters.Select(c => c.Id.ToString()).ToHashSet();
        var creates = await db.Operations.AsNoTracking().Where(o => o.Kind == ClusterOperations.Create)
            .Select(o => new { o.TargetId, o.State, o.CreatedAt, o.FinishedAt }).ToListAsync();
        var activations = await db.StateTransitions.AsNoTracking().Where(t => t.NodePoolId == null && t.To == ClusterState.Active)
            .GroupBy(t => t.ClusterId).Select(g => new { ClusterId = g.Key, Count = g.Count() }).ToListAsync();
        var createsPerCluster = creates.GroupBy(o => o.TargetId).ToDictionary(g => g.Key, g => g.ToList());

        var allActive = clusters.Count == total && clusters.All(c => c.State == ClusterState.Active);
        var oneCreateEach = ids.All(id => createsPerCluster.TryGetValue(id, out var ops) && ops.Count == 1 && ops[0].State == OperationState.Succeeded)
            && creates.Count == total;
        var activeOnce = activations.Count == total && activations.All(a => a.Count == 1);
        var posts = new Stats(postTimes);
        var toActive = new Stats(creates.Where(o => o.FinishedAt is not null).Select(o => o.FinishedAt!.Value - o.CreatedAt));

        report.Section($"Provisioning {total} clusters through POST /api/v1/clusters by {clients} concurrent clients (real HTTP, Kestrel on loopback)");
        report.Add("Clusters in the database, all Active", $"{clusters.Count} ({clusters.Count(c => c.State == ClusterState.Active)} Active)", allActive);
        report.Add("Create operations: one per cluster, Succeeded", $"{creates.Count} ({creates.Count(o => o.State == OperationState.Succeeded)} Succeeded)", oneCreateEach);
        report.Add("Transitions to Active: exactly one per cluster", $"{activations.Count} clusters, max {activations.Select(a => a.Count).DefaultIfEmpty(0).Max()} each", activeOnce);
        report.Add("Requests refused (not retried)", $"{refused.Count}{(refused.IsEmpty ? "" : ": " + refused.First())}", refused.IsEmpty);
        report.Add("Requests retried (429, 409 in progress, 5xx)", retried.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        report.Add("Wall time, first request to last Active", Stats.Seconds(wall), null);
        report.Add("All requests answered after", Stats.Seconds(requestedAt.Max()), null);
        report.Add("Throughput", $"{total / wall.TotalMinutes:0} clusters/minute", null);
        report.Add("POST /api/v1/clusters latency", $"median {Stats.Ms(posts.Median)}, p95 {Stats.Ms(posts.P(95))}, max {Stats.Ms(posts.Max)} ({posts.Count} requests)", null);
        report.Add("Create operation, queued to finished", $"median {Stats.Seconds(toActive.Median)}, p95 {Stats.Seconds(toActive.P(95))}, max {Stats.Seconds(toActive.Max)}", null);
        return allActive && oneCreateEach && activeOnce && refused.IsEmpty;
    }
}
