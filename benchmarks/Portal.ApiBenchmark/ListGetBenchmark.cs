using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.ClustersBenchmark;

namespace Portal.ApiBenchmark;

/// <summary>
/// Part 2: the database topped up to <c>total</c> clusters (copies of a provisioned one), then the list and get
/// endpoints timed as a client sees them (request sent to body read), first one request at a time, then with C clients
/// at once. Warm-up requests first; p50, p95 and max of the timed ones.
/// </summary>
internal static class ListGetBenchmark
{
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(100);

    public static async Task<bool> RunAsync(ApiHost host, int total, int runs, int clients, Report report)
    {
        var seeded = Stopwatch.StartNew();
        var added = await ClusterCopies.TopUpAsync(host.DatabaseFile, total, "bench-c00-000");
        Console.WriteLine($"==> List and get: seeded {added} more clusters in {Stats.Ms(seeded.Elapsed)}");

        var (projectId, _, memberToken) = host.Clients[0];
        using var member = host.Client(memberToken);
        using var admin = host.Client(host.AdminToken);
        var first = await member.GetFromJsonAsync<JsonElement>("/api/v1/clusters?pageSize=50");
        var next = first.GetProperty("nextPageToken").GetString();
        var ids = first.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();

        var scenarios = new List<(string Name, HttpClient Client, Func<int, string> Path, bool Judged)>
        {
            ("Member: GET /clusters, first page of 50", member, _ => "/api/v1/clusters?pageSize=50", true),
            ("Admin: GET /clusters, first page of 50", admin, _ => "/api/v1/clusters?pageSize=50", true),
            ("Member: GET /clusters?projectId=…, first page", member, _ => $"/api/v1/clusters?projectId={projectId}&pageSize=50", true),
            ("Member: GET /clusters?search=seed-0042", member, _ => "/api/v1/clusters?search=seed-0042&pageSize=50", false),
            ("Member: GET /clusters, second page by its token", member, _ => $"/api/v1/clusters?pageSize=50&pageToken={next}", true),
            ("Member: GET /clusters/{id}", member, i => $"/api/v1/clusters/{ids[i % ids.Count]}", true),
        };

        report.Section($"List and get at {total} clusters, over HTTP; {runs} timed requests after 20 warm-up; target p95 < {Target.TotalMilliseconds:0} ms");
        var allMet = true;
        foreach (var (name, client, path, judged) in scenarios)
        {
            for (var i = 0; i < 20; i++) await TimeAsync(client, path(i));
            var times = new List<TimeSpan>(runs);
            var rows = 0;
            for (var i = 0; i < runs; i++)
            {
                var (elapsed, body) = await TimeAsync(client, path(i));
                times.Add(elapsed);
                rows = body.TryGetProperty("items", out var items) ? items.GetArrayLength() : 1;
            }
            var stats = new Stats(times);
            var met = stats.P(95) < Target;
            if (judged) allMet &= met;
            report.Add(name, $"median {Stats.Ms(stats.Median)}, p95 {Stats.Ms(stats.P(95))}, max {Stats.Ms(stats.Max)}; {rows} rows", judged ? met : null);
        }

        // The same list and get with every client at once (each with its own token, as in part 1).
        var concurrent = new List<TimeSpan>();
        var gate = new Lock();
        await Task.WhenAll(host.Clients.Take(clients).Select((c, n) => Task.Run(async () =>
        {
            using var http = host.Client(c.Token);
            var mine = new List<TimeSpan>();
            for (var i = 0; i < runs / 2; i++)
                mine.Add((await TimeAsync(http, i % 2 == 0 ? "/api/v1/clusters?pageSize=50" : $"/api/v1/clusters/{ids[(i + n) % ids.Count]}")).Elapsed);
            lock (gate) concurrent.AddRange(mine);
        })));
        var all = new Stats(concurrent);
        var concurrentMet = all.P(95) < Target * 4;
        allMet &= concurrentMet;
        report.Add($"{clients} clients at once: list and get alternating", $"median {Stats.Ms(all.Median)}, p95 {Stats.Ms(all.P(95))}, max {Stats.Ms(all.Max)}; " +
            $"{all.Count} requests (target p95 < {(Target * 4).TotalMilliseconds:0} ms with {clients}× the load on 2 cores)", concurrentMet);
        return allMet;
    }

    private static async Task<(TimeSpan Elapsed, JsonElement Body)> TimeAsync(HttpClient client, string path)
    {
        var began = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(began);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return (elapsed, document.RootElement.Clone());
    }
}
