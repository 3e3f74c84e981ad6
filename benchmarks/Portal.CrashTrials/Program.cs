using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.CrashTrials;

/// <summary>
/// Crash trials of cluster operations: each trial starts the real portal (<see cref="PortalProcess"/>) on a fresh data
/// folder, then for a create, a node pool scale, a control plane upgrade and a delete of one cluster — each asked for
/// through the HTTP API — kills the process with SIGKILL at a random moment while the operation runs, starts it again
/// on the same data and waits until the operation ends. It counts operations that ended Failed because a wait gave up
/// (the restart's fault, never the demo cloud's: it injects none), other failures, lost ones (the operation or the
/// cluster missing afterwards) and duplicated ones (two clusters, or two operations, for one request).
/// Usage: Portal.CrashTrials [--trials N] [--seed S] [--keep]   (Portal.CrashTrials serve FOLDER is the child process)
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        if (args is ["serve", var data]) return await PortalProcess.ServeAsync(data);
        var trials = 12;
        var seed = Environment.TickCount;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--trials": trials = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--keep": keep = true; break;
                default: Console.Error.WriteLine("usage: Portal.CrashTrials [--trials N] [--seed S] [--keep]"); return 2;
            }
        }
        var random = new Random(seed);
        var work = Directory.CreateTempSubdirectory("portal-crash-trials-").FullName;
        Console.WriteLine($"==> {trials} trials (random seed {seed}) in {work}: create, scale, upgrade, delete; SIGKILL during each, restart, wait");
        var tally = new Tally();
        var started = Stopwatch.StartNew();
        try
        {
            for (var trial = 1; trial <= trials; trial++)
            {
                var folder = Path.Combine(work, $"trial-{trial:D2}");
                Directory.CreateDirectory(folder);
                await using var trialRun = new Trial(folder, random, tally);
                await trialRun.RunAsync(trial);
            }
        }
        finally
        {
            if (!keep) Directory.Delete(work, recursive: true);
        }
        Console.WriteLine();
        Console.WriteLine($"trials run:                         {trials} ({started.Elapsed.TotalMinutes:0.0} min)");
        Console.WriteLine($"operations:                         {tally.Operations} ({tally.Kills} kills)");
        Console.WriteLine($"  succeeded:                        {tally.Succeeded}");
        Console.WriteLine($"  ended Error / Failed-by-timeout:  {tally.TimedOut}");
        Console.WriteLine($"  failed otherwise:                 {tally.FailedOther}");
        Console.WriteLine($"  not terminal after 4 minutes:     {tally.Stuck}");
        Console.WriteLine($"  not run (an earlier one failed):  {tally.NotRun}");
        Console.WriteLine($"lost (operation or cluster missing): {tally.Lost}");
        Console.WriteLine($"duplicated (applied twice):          {tally.Duplicated}");
        foreach (var line in tally.Notes) Console.WriteLine($"  - {line}");
        return tally.TimedOut + tally.FailedOther + tally.Stuck + tally.Lost + tally.Duplicated == 0 ? 0 : 1;
    }

    internal sealed class Tally
    {
        public int Operations, Kills, Succeeded, TimedOut, FailedOther, Stuck, NotRun, Lost, Duplicated;
        public List<string> Notes { get; } = [];
    }

    /// <summary>One trial: one portal data folder, one cluster, four operations each interrupted by a kill.</summary>
    private sealed class Trial(string folder, Random random, Tally tally) : IAsyncDisposable
    {
        private Process? _portal;
        private HttpClient? _http;
        private string[] _seed = [];

        public async Task RunAsync(int trial)
        {
            await StartAsync();
            var (token, projectId, configId, flavorId, version, next) = (_seed[0], _seed[1], _seed[2], _seed[3], _seed[4], _seed[5]);
            _ = token;
            var name = $"crash-{trial:D2}";
            var body = new
            {
                projectId, serviceConfigId = configId, name, version,
                controlPlane = new { type = "standalone", replicas = 1, flavorId },
                pools = new[] { new { name = "workers", flavorId, nodeCount = 2 } },
            };
            var steps = new (string What, Func<Guid, Task<HttpRequestMessage>> Request, double KillWithinSeconds)[]
            {
                ("create", _ => Task.FromResult(Send(HttpMethod.Post, "/api/v1/clusters", body)), 6),
                ("scale", async id => Send(HttpMethod.Patch, $"/api/v1/clusters/{id}/node-pools/{await PoolAsync(id)}", new { nodeCount = 3 }), 2.5),
                ("upgrade", id => Task.FromResult(Send(HttpMethod.Patch, $"/api/v1/clusters/{id}", new { kubernetesVersion = next })), 3),
                ("delete", id => Task.FromResult(Send(HttpMethod.Delete, $"/api/v1/clusters/{id}?confirmName={name}", null)), 3),
            };
            var clusterId = Guid.Empty;
            var line = $"trial {trial,2}:";
            for (var i = 0; i < steps.Length; i++)
            {
                var (what, request, within) = steps[i];
                tally.Operations++;
                using var message = await request(clusterId);
                using var answer = await _http!.SendAsync(message);
                if (answer.StatusCode != HttpStatusCode.Accepted)
                {
                    tally.FailedOther++;
                    tally.NotRun += steps.Length - i - 1;
                    tally.Notes.Add($"trial {trial} {what}: the API answered {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                    line += $" {what}=refused";
                    break;
                }
                var accepted = await answer.Content.ReadFromJsonAsync<JsonElement>(Json);
                var operationId = accepted.GetProperty("operationId").GetGuid();
                if (clusterId == Guid.Empty) clusterId = accepted.GetProperty("resourceId").GetGuid();

                var killAfter = TimeSpan.FromSeconds(0.1 + random.NextDouble() * within);
                await Task.Delay(killAfter);
                Kill();
                tally.Kills++;
                await StartAsync();

                var outcome = await OutcomeAsync(operationId);
                line += $" {what}(kill at {killAfter.TotalSeconds:0.0}s)={outcome.State}";
                var ok = outcome.State == "succeeded";
                switch (outcome.State)
                {
                    case "succeeded": tally.Succeeded++; break;
                    case "lost": tally.Lost++; tally.Notes.Add($"trial {trial} {what}: the operation is gone"); break;
                    case "stuck": tally.Stuck++; tally.Notes.Add($"trial {trial} {what}: still {outcome.Error}"); break;
                    default:
                        if (outcome.Error?.Contains("Gave up", StringComparison.Ordinal) == true) tally.TimedOut++;
                        else tally.FailedOther++;
                        tally.Notes.Add($"trial {trial} {what}: {outcome.State}: {outcome.Error}");
                        break;
                }
                await CheckAsync(trial, what, projectId, name, clusterId);
                if (!ok)
                {
                    tally.NotRun += steps.Length - i - 1;
                    break;
                }
            }
            Console.WriteLine(line);
        }

        /// <summary>After each operation: one cluster of the name while it should exist, none after the delete; one operation of each kind.</summary>
        private async Task CheckAsync(int trial, string what, string projectId, string name, Guid clusterId)
        {
            var page = await _http!.GetFromJsonAsync<JsonElement>($"/api/v1/clusters?projectId={projectId}&pageSize=200", Json);
            var named = page.GetProperty("items").EnumerateArray().Count(c => c.GetProperty("name").GetString() == name);
            if (what != "delete" && named == 0) { tally.Lost++; tally.Notes.Add($"trial {trial} {what}: the cluster is gone"); }
            if (named > 1) { tally.Duplicated++; tally.Notes.Add($"trial {trial} {what}: {named} clusters named {name}"); }
            if (what == "delete") return;
            var history = await _http!.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{clusterId}/operations?pageSize=200", Json);
            foreach (var kind in history.GetProperty("items").EnumerateArray().GroupBy(o => o.GetProperty("kind").GetString()).Where(g => g.Count() > 1))
            {
                tally.Duplicated++;
                tally.Notes.Add($"trial {trial} {what}: {kind.Count()} operations of kind {kind.Key}");
            }
        }

        private async Task<string> PoolAsync(Guid clusterId)
        {
            var cluster = await _http!.GetFromJsonAsync<JsonElement>($"/api/v1/clusters/{clusterId}", Json);
            return cluster.GetProperty("nodePools")[0].GetProperty("id").GetString()!;
        }

        private static HttpRequestMessage Send(HttpMethod method, string path, object? body)
        {
            var message = new HttpRequestMessage(method, path);
            if (body is not null) message.Content = JsonContent.Create(body, options: Json);
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return message;
        }

        private async Task<(string State, string? Error)> OutcomeAsync(Guid operationId)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            string? last = null;
            while (DateTime.UtcNow < deadline)
            {
                using var answer = await _http!.GetAsync($"/api/v1/operations/{operationId}");
                if (answer.StatusCode == HttpStatusCode.NotFound) return ("lost", null);
                answer.EnsureSuccessStatusCode();
                var operation = await answer.Content.ReadFromJsonAsync<JsonElement>(Json);
                var state = operation.GetProperty("state").ToString().ToLowerInvariant();
                var error = operation.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                if (state is "succeeded" or "failed" or "cancelled") return (state, error);
                last = $"{state} at {string.Join(", ", operation.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("state").ToString().Equals("running", StringComparison.OrdinalIgnoreCase)).Select(s => s.GetProperty("name").GetString()))}";
                await Task.Delay(250);
            }
            return ("stuck", last);
        }

        private async Task StartAsync()
        {
            File.Delete(Path.Combine(folder, PortalProcess.AddressFile));
            var log = Path.Combine(folder, "portal.log");
            // exec: the shell becomes the portal, so the pid killed is the portal's own.
            var start = new ProcessStartInfo("/bin/sh", ["-c", $"exec \"{Environment.ProcessPath}\" serve \"{folder}\" >>\"{log}\" 2>&1"]) { UseShellExecute = false };
            _portal = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
            var addressFile = Path.Combine(folder, PortalProcess.AddressFile);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!File.Exists(addressFile) || !File.Exists(Path.Combine(folder, PortalProcess.SeedFile)))
            {
                if (_portal.HasExited || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"The portal did not come up; see {log}:\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
                await Task.Delay(100);
            }
            _seed = await File.ReadAllLinesAsync(Path.Combine(folder, PortalProcess.SeedFile));
            _http?.Dispose();
            _http = new HttpClient { BaseAddress = new Uri(await File.ReadAllTextAsync(addressFile)), Timeout = TimeSpan.FromMinutes(1) };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _seed[0]);
        }

        /// <summary>SIGKILL (kill -9): no stopping event, no last save of the demo cloud, nothing flushed.</summary>
        private void Kill()
        {
            if (_portal is null) return;
            _portal.Kill();
            _portal.WaitForExit();
            _portal.Dispose();
            _portal = null;
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            _http?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
