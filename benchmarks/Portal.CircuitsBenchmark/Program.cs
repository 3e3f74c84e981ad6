using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Portal.CircuitsBenchmark;

/// <summary>
/// Blazor Server circuit benchmark: N signed-in circuits (default 25, 50, 100, 200) held open on /clusters with 1,000
/// Kubernetes clusters in the database. The real portal runs in this process on Kestrel (127.0.0.1, Development, fresh
/// data folder); Debian's Chromium, driven by Playwright, holds the pages. At N = 0 (portal warm: one page opened, paged
/// and closed first) and at each N: the managed heap after forced full compacting collections and the process's RSS;
/// reported per circuit as the least-squares slope over N. At each N, on the first page opened (all N open), the time
/// from a click on the grid's next/previous-page button until the first row's link text changes: p50/p95.
/// Target: managed heap at most 400 KB per circuit.
/// Usage: benchmarks/run-circuits.sh [--counts 25,50,100,200] [--clusters 1000] [--clicks 40] [--keep]
///        [--pages-per-context 25] [--parallel 4] [--settle-seconds 5] [--min-available-mb 3072] [--control-pages 25]
///        [--hold-seconds S] [--next-button REGEX] [--previous-button REGEX] [--row-link CSS]
/// </summary>
internal static class Program
{
    private const double TargetKbPerCircuit = 400;

    public static async Task<int> Main(string[] args)
    {
        var counts = new List<int> { 25, 50, 100, 200 };
        var clusters = 1000;
        var clicks = 40;
        var keep = false;
        var pagesPerContext = 25;
        var parallel = 4;
        var settle = TimeSpan.FromSeconds(5);
        var minAvailableMb = 3072L;
        var controlPages = 25;
        var hold = TimeSpan.Zero;
        var next = PageSelectors.DefaultNext;
        var previous = PageSelectors.DefaultPrevious;
        var rowLink = PageSelectors.DefaultRowLink;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int Number() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"{args[i - 1]} needs a positive number.");
                switch (args[i])
                {
                    case "--counts":
                        counts = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(c => int.TryParse(c, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--counts: '{c}' is not a positive number."))
                            .Distinct().Order().ToList();
                        break;
                    case "--clusters": clusters = Number(); break;
                    case "--clicks": clicks = Number(); break;
                    case "--keep": keep = true; break;
                    case "--pages-per-context": pagesPerContext = Number(); break;
                    case "--parallel": parallel = Number(); break;
                    case "--settle-seconds": settle = TimeSpan.FromSeconds(Number()); break;
                    case "--min-available-mb": minAvailableMb = Number(); break;
                    case "--control-pages": controlPages = int.TryParse(Value(), CultureInfo.InvariantCulture, out var c) && c >= 0
                        ? c : throw new ArgumentException("--control-pages needs a number (0: no control)."); break;
                    case "--hold-seconds": hold = TimeSpan.FromSeconds(Number()); break;
                    case "--next-button": next = Value(); break;
                    case "--previous-button": previous = Value(); break;
                    case "--row-link": rowLink = Value(); break;
                    default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
                }
            }
            if (counts.Count == 0) throw new ArgumentException("--counts needs at least one number.");
            if (clicks % 2 == 1) clicks++; // next/previous pairs: every run ends on the first page
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("Usage: run-circuits.sh [--counts 25,50,100,200] [--clusters 1000] [--clicks 40] [--keep] [--pages-per-context 25] " +
                "[--parallel 4] [--settle-seconds 5] [--min-available-mb 3072] [--control-pages 25] [--hold-seconds S] [--next-button REGEX] [--previous-button REGEX] [--row-link CSS]");
            return 2;
        }
        var selectors = new PageSelectors(new Regex(next, RegexOptions.IgnoreCase),
            new Regex(previous, RegexOptions.IgnoreCase), rowLink); // Playwright passes only i/m/s flags on to the browser

        var root = Path.Combine(Path.GetTempPath(), $"portal-circuits-benchmark-{Environment.ProcessId}");
        Console.WriteLine($"Portal circuits benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} CPUs, {Mb(Memory.TotalBytes())} MB RAM ({Mb(Memory.AvailableBytes())} MB available), " +
            $"{(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC" +
            $"{(GCSettings.IsServerGC ? "" : " (the portal itself runs server GC)")}");
        Console.WriteLine($"Circuits {string.Join(", ", counts)}; {clusters} clusters; {clicks} pager clicks per N; {pagesPerContext} pages per browser context; " +
            $"data folder {root}{(keep ? " (kept)" : "")}");
        Console.WriteLine($"Selectors: next /{selectors.NextButton}/i, previous /{selectors.PreviousButton}/i, first row link '{selectors.RowLink}'");
        Console.WriteLine();

        var rows = new List<Row>();
        double? playwrightPerPage = null;
        var notes = new List<string>();
        var ok = true;
        var total = Stopwatch.StartNew();
        try
        {
            Console.WriteLine("==> Starting the portal");
            await using var portal = await PortalServer.StartAsync(Path.Combine(root, "data"), keep);
            Console.WriteLine($"    {portal.BaseUrl} ({portal.EnvironmentName}), data folder {portal.DataPath}");

            Console.WriteLine($"==> Seeding {clusters} clusters; launching {BrowserCircuits.ChromiumPath} and signing in meanwhile");
            var seeding = ClusterSeeder.SeedAsync(portal, clusters, TimeSpan.FromMinutes(5));
            await using var browser = await BrowserCircuits.LaunchAsync(portal.BaseUrl, selectors, pagesPerContext);
            await browser.SignInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword);
            Console.WriteLine($"    Chromium {browser.BrowserVersion}: signed in as {PortalServer.AdminEmail}, storage state kept");
            await seeding;

            Console.WriteLine("==> Warming up: one page on /clusters, paged, then closed");
            var (warmContext, warmPage) = await browser.OpenStandaloneAsync();
            foreach (var line in await browser.DescribeAsync(warmPage))
                Console.WriteLine("    " + line);
            var warmClicks = await browser.MeasureClicksAsync(warmPage, 10, TimeSpan.FromMilliseconds(100));
            Console.WriteLine($"    warm-up clicks: p50 {Ms(Percentile.Of(warmClicks.InPageMs, 50))}");
            await warmPage.GotoAsync("about:blank");
            await warmContext.CloseAsync();
            if (!await portal.Circuits.WaitAsync(c => c.Open == 0, TimeSpan.FromSeconds(30)))
                notes.Add($"The warm-up page's circuit was still open at N = 0 ({portal.Circuits.Open} open): the baseline includes it.");

            var current = 0;
            foreach (var target in new[] { 0 }.Concat(counts))
            {
                if (target > current)
                {
                    // Will the next pages fit? Estimate from what the browser used per page so far (or 100 MB a page).
                    var last = rows.LastOrDefault();
                    var perPage = last is { Circuits: > 0 } ? (double)last.Memory.BrowserPssBytes / last.Circuits : 100 * 1024 * 1024;
                    var needed = (long)(perPage * (target - current));
                    var available = Memory.AvailableBytes();
                    if (available - needed < minAvailableMb * 1024 * 1024)
                    {
                        var why = $"N = {target} skipped: {target - current} more pages need about {Mb(needed)} MB for the browser " +
                            $"({Mb((long)perPage)} MB a page so far), and only {Mb(available)} MB are available (keeping {minAvailableMb} MB free).";
                        Console.WriteLine("    " + why);
                        notes.Add(why);
                        ok = false;
                        break;
                    }
                    Console.WriteLine($"==> Opening pages {current + 1}..{target}");
                    var opening = Stopwatch.StartNew();
                    await browser.OpenManyAsync(target - current, parallel);
                    current = target;
                    Console.WriteLine($"    {target} pages open in {browser.Contexts} contexts ({opening.Elapsed.TotalSeconds:0.0} s)");
                }

                if (!await portal.Circuits.WaitAsync(c => c.Open == target && c.Connected == target, TimeSpan.FromSeconds(60)))
                {
                    var why = $"N = {target}: the server holds {portal.Circuits.Open} circuits ({portal.Circuits.Connected} connected), expected {target}.";
                    Console.WriteLine("    " + why);
                    notes.Add(why);
                    ok = false;
                }
                await Task.Delay(settle);
                var (healthy, visible) = await browser.CountHealthyAsync();
                if (healthy != target)
                {
                    var why = $"N = {target}: only {healthy} pages show a live circuit and grid rows.";
                    Console.WriteLine("    " + why);
                    notes.Add(why);
                    ok = false;
                }

                var first = Memory.Measure();
                var second = Memory.Measure();
                var memory = second.ManagedHeapBytes <= first.ManagedHeapBytes ? second : first;
                var circuits = portal.Circuits.Open;
                Console.WriteLine($"    N = {target}: server circuits {circuits} ({portal.Circuits.Connected} connected), {healthy} pages live with rows ({visible} visible); managed heap {Mb(memory.ManagedHeapBytes, 1)} MB " +
                    $"(readings {Mb(first.ManagedHeapBytes, 1)} / {Mb(second.ManagedHeapBytes, 1)}), RSS {Mb(memory.RssBytes, 1)} MB; browser PSS " +
                    $"{Mb(memory.BrowserPssBytes)} MB in {memory.BrowserProcesses} processes; {Mb(Memory.AvailableBytes())} MB available");

                ClickTimes? times = null;
                if (target > 0)
                {
                    times = await browser.MeasureClicksAsync(browser.Pages[0], clicks, TimeSpan.FromMilliseconds(150));
                    Console.WriteLine($"    click → rows on page 1 of {target}: p50 {Ms(Percentile.Of(times.InPageMs, 50))}, p95 {Ms(Percentile.Of(times.InPageMs, 95))}, " +
                        $"max {Ms(times.InPageMs.Max())} (in page); via Playwright p50 {Ms(Percentile.Of(times.RoundTripMs, 50))}, " +
                        $"p95 {Ms(Percentile.Of(times.RoundTripMs, 95))}");
                }
                rows.Add(new Row(target, circuits, memory, times));
                if (hold > TimeSpan.Zero)
                {
                    Console.WriteLine($"    holding {hold.TotalSeconds:0} s with {target} circuits open (process {Environment.ProcessId}, e.g. for dotnet-gcdump collect -p {Environment.ProcessId})");
                    await Task.Delay(hold);
                }

                if (target == 0 && controlPages > 0)
                {
                    // Playwright's .NET side keeps objects per page (page, frame, requests, responses, WebSocket) in this process.
                    // Pages on the portal's static sign-in page load its stylesheets and scripts like /clusters does, but start no
                    // circuit: their heap cost is Playwright's. Measured on the quiet N = 0 process, then closed again.
                    Console.WriteLine($"==> Control: {controlPages} anonymous pages on the static sign-in page (no circuit), to size Playwright's .NET objects");
                    var control = await browser.OpenSignInPagesAsync(controlPages);
                    await Task.Delay(settle);
                    var controlFirst = Memory.Measure();
                    var controlSecond = Memory.Measure();
                    var withControl = controlSecond.ManagedHeapBytes <= controlFirst.ManagedHeapBytes ? controlSecond : controlFirst;
                    var perPage = (withControl.ManagedHeapBytes - memory.ManagedHeapBytes) / (double)controlPages;
                    playwrightPerPage = perPage;
                    Console.WriteLine($"    managed heap {Mb(memory.ManagedHeapBytes, 1)} → {Mb(withControl.ManagedHeapBytes, 1)} MB with server circuits " +
                        $"{portal.Circuits.Open}: {(perPage / 1024).ToString("0", CultureInfo.InvariantCulture)} KB per page");
                    await control.CloseAsync();
                }
            }

            // Leave every page through a navigation, so Blazor's unload beacon disposes its circuit before the host stops
            // (circuits of pages that just vanish are kept for minutes and would outlive the host's services).
            Console.WriteLine($"==> Leaving {browser.Pages.Count} pages");
            await browser.LeaveAllAsync(parallel);
            if (!await portal.Circuits.WaitAsync(c => c.Open == 0, TimeSpan.FromSeconds(60)))
                Console.WriteLine($"    {portal.Circuits.Open} circuits still open; stopping the portal anyway");
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"FAILED: {ex}");
            notes.Add($"The run stopped early: {ex.Message}");
            ok = false;
        }
        finally
        {
            if (!keep && Directory.Exists(root))
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp folder is harmless.
                }
            }
        }

        ok &= Report(rows, notes, playwrightPerPage, total.Elapsed);
        return ok ? 0 : 1;
    }

    private sealed record Row(int N, int Circuits, MemorySample Memory, ClickTimes? Clicks);

    private static bool Report(IReadOnlyList<Row> rows, IReadOnlyList<string> notes, double? playwrightPerPage, TimeSpan elapsed)
    {
        Console.WriteLine();
        Console.WriteLine("==================================== Results ====================================");
        Console.WriteLine("Circuits on /clusters (1 signed-in platform admin per page, first grid page shown), in-process portal:");
        Console.WriteLine();
        Console.WriteLine("     N | heap MB | RSS MB | browser PSS MB | click→rows p50 ms | p95 ms");
        Console.WriteLine("  -----+---------+--------+----------------+-------------------+-------");
        foreach (var row in rows)
        {
            var p50 = row.Clicks is null ? "-" : Ms(Percentile.Of(row.Clicks.InPageMs, 50), unit: false);
            var p95 = row.Clicks is null ? "-" : Ms(Percentile.Of(row.Clicks.InPageMs, 95), unit: false);
            Console.WriteLine($"  {row.N,4} | {Mb(row.Memory.ManagedHeapBytes, 1),7} | {Mb(row.Memory.RssBytes, 1),6} | {Mb(row.Memory.BrowserPssBytes),14} | {p50,17} | {p95,6}");
        }
        Console.WriteLine();

        var met = false;
        if (rows.Count >= 2)
        {
            var heap = Fit.Of(rows.Select(r => ((double)r.N, r.Memory.ManagedHeapBytes / 1024.0)).ToList());
            var rss = Fit.Of(rows.Select(r => ((double)r.N, r.Memory.RssBytes / 1024.0)).ToList());
            var browser = Fit.Of(rows.Select(r => ((double)r.N, r.Memory.BrowserPssBytes / 1024.0)).ToList());
            met = heap.Slope <= TargetKbPerCircuit;
            Console.WriteLine($"  Managed heap per circuit (least-squares slope over N = {string.Join(", ", rows.Select(r => r.N))}): " +
                $"{heap.Slope.ToString("0", CultureInfo.InvariantCulture)} KB (R² {heap.RSquared.ToString("0.000", CultureInfo.InvariantCulture)}); " +
                $"target ≤ {TargetKbPerCircuit:0} KB: {(met ? "MET" : "NOT MET")}");
            if (playwrightPerPage is { } control)
            {
                var controlKb = control / 1024;
                Console.WriteLine($"  Of which Playwright's .NET objects (control: pages without a circuit): {controlKb.ToString("0", CultureInfo.InvariantCulture)} KB per page" +
                    (controlKb < 20 ? " (nil within the heap's noise)" : $"; managed heap per circuit without them: about {(heap.Slope - controlKb).ToString("0", CultureInfo.InvariantCulture)} KB"));
            }
            Console.WriteLine($"  Process RSS per circuit:                          {rss.Slope.ToString("0", CultureInfo.InvariantCulture)} KB " +
                $"(R² {rss.RSquared.ToString("0.000", CultureInfo.InvariantCulture)})");
            Console.WriteLine($"  Browser PSS per page (for sizing, not the portal): {browser.Slope.ToString("0", CultureInfo.InvariantCulture)} KB");
        }
        else
        {
            Console.WriteLine("  Too few points for a slope.");
        }
        if (rows.LastOrDefault(r => r.Clicks is not null) is { } largest)
        {
            Console.WriteLine($"  Click on the grid's next/previous-page button → first row's text changed, on one page while all {largest.N} are open " +
                $"({largest.Clicks!.InPageMs.Count} clicks): p50 {Ms(Percentile.Of(largest.Clicks.InPageMs, 50))}, p95 {Ms(Percentile.Of(largest.Clicks.InPageMs, 95))}" +
                $" (through Playwright, round trips included: p50 {Ms(Percentile.Of(largest.Clicks.RoundTripMs, 50))}, p95 {Ms(Percentile.Of(largest.Clicks.RoundTripMs, 95))})");
        }
        Console.WriteLine();
        Console.WriteLine("Notes:");
        Console.WriteLine("  - Heap: GC.GetTotalMemory after GC.Collect(2, Forced, blocking, compacting) + WaitForPendingFinalizers + the same again");
        Console.WriteLine("    (large object heap compacted), lower of two readings. RSS: VmRSS of this process from /proc/self/status.");
        Console.WriteLine("  - Playwright's own .NET objects (one IPage, its frames, requests and channels per page) live in this process too: the");
        Console.WriteLine("    per-circuit figures include them, a small overestimate, sized by the control at N = 0 (anonymous pages on the static");
        Console.WriteLine("    sign-in page: same client objects, no circuit). Chromium and Playwright's Node.js driver are separate processes (browser PSS).");
        Console.WriteLine("  - The periodic cluster reconcile is moved out of the run (Clusters:ReconcileInterval = 1 day): the copied clusters have no");
        Console.WriteLine("    objects in the demo cloud. Each page still reloads its grid every 10 s (the page's own poll), as in production.");
        Console.WriteLine("  - Click latency: at every N, on page 1 (the first opened, brought to front) while all N pages are open; alternately next and");
        Console.WriteLine("    previous page. Timed in the page, from the click event's dispatch to the DOM mutation that changes the first row's link");
        Console.WriteLine("    text (server round trip, render and DOM update; painting excluded). The machine is shared: timings are noisy.");
        foreach (var note in notes)
            Console.WriteLine($"  - {note}");
        Console.WriteLine($"  - Wall time {elapsed.TotalMinutes:0.0} min.");
        return met;
    }

    private static string Mb(long bytes, int decimals = 0) =>
        (bytes / 1024.0 / 1024.0).ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture);

    private static string Ms(double ms, bool unit = true) =>
        ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + (unit ? " ms" : "");

    private static bool IsOptimized() =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);
}
