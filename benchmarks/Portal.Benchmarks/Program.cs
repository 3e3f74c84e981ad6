using System.Diagnostics;
using System.Runtime.InteropServices;
using Portal.Domain.Catalog;
using Portal.DemoCloud;

namespace Portal.Benchmarks;

/// <summary>
/// Issue 3's performance targets, measured with a Stopwatch (one warm-up run, then five measured runs):
///   (a) importing 5,000 flavors and 5,000 images from a paged source end to end (fetch through the real OpenStack
///       client from the demo cloud, persist through CatalogService.ImportAsync into a fresh SQLite file): under 3 s;
///   (b) the catalog grid's first page (CatalogService.ListFlavorsAsync, 20 rows) with 10,000 entries: under 100 ms.
/// Usage: benchmarks/run.sh [--runs N] [--keep] [--profile]
/// </summary>
internal static class Program
{
    private const int SyntheticCount = 5000;
    private const int GridEntries = 10_000;
    private static readonly TimeSpan ImportTarget = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GridTarget = TimeSpan.FromMilliseconds(100);

    public static async Task<int> Main(string[] args)
    {
        var runs = 5;
        var keep = false;
        var profile = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    runs = n;
                    i++;
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--profile":
                    profile = true;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: run.sh [--runs N] [--keep] [--profile]");
                    return 2;
            }
        }

        var root = Path.Combine(Path.GetTempPath(), $"portal-benchmarks-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        Console.WriteLine($"Portal catalog benchmark: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} CPUs, {(Debugger.IsAttached ? "debugger attached, " : "")}" +
            $"{(IsOptimized() ? "Release" : "DEBUG (numbers are not meaningful)")}; SQLite files under {root}");
        Console.WriteLine($"Each scenario: 1 warm-up run, then {runs} measured runs. Targets are judged on the median.");
        Console.WriteLine();

        var results = new List<Measurement>();
        try
        {
            results.AddRange(await ImportScenarioAsync(root, runs));
            results.AddRange(await GridScenarioAsync(root, runs));
            if (profile)
                results.AddRange(await PersistProfile.RunAsync(root, runs));
        }
        finally
        {
            if (!keep && Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }

        Console.WriteLine();
        Report.Print(results);
        var missed = results.Where(r => r.Met == false).ToList();
        Console.WriteLine();
        Console.WriteLine(missed.Count == 0 ? "All targets met." : $"Targets missed: {string.Join("; ", missed.Select(m => m.Scenario))}");
        return 0;
    }

    /// <summary>(a) Fetch every flavor and image from a demo cloud with 5,000 synthetic ones each, then import them all.</summary>
    private static async Task<IEnumerable<Measurement>> ImportScenarioAsync(string root, int runs)
    {
        var options = new DemoCloudOptions { SyntheticFlavorCount = SyntheticCount, SyntheticImageCount = SyntheticCount };
        var totals = new List<TimeSpan>();
        var fetches = new List<TimeSpan>();
        var persists = new List<TimeSpan>();
        int flavors = 0, images = 0, requests = 0;
        for (var run = 0; run <= runs; run++)
        {
            // Set-up (not timed): a fresh migrated file, the demo cloud registered, the demo cloud's data generated.
            await using var host = await BenchHost.CreateAsync(root, options);
            var infrastructureId = await host.RegisterDemoAsync();
            var demo = host.DemoCloud;
            var requestsBefore = demo.RequestCount;
            GC.Collect();
            GC.WaitForPendingFinalizers();

            var watch = Stopwatch.StartNew();
            var listing = await host.Reader.ReadAsync(BenchHost.Admin, infrastructureId);
            if (!listing.Succeeded) throw new InvalidOperationException($"Reading the cloud failed: {listing.Refusal}");
            var fetched = watch.Elapsed;
            var imported = await host.Catalog.ImportAsync(BenchHost.Admin, infrastructureId, listing.Value!.Flavors, listing.Value.Images);
            var total = watch.Elapsed;
            if (!imported.Succeeded) throw new InvalidOperationException($"Import refused: {imported.Refusal}");

            (flavors, images) = await host.CountCatalogAsync(infrastructureId);
            if (flavors != listing.Value.Flavors.Count || images != listing.Value.Images.Count || flavors < SyntheticCount || images < SyntheticCount)
                throw new InvalidOperationException($"Expected every listed entry in the catalog; found {flavors} flavors and {images} images.");
            requests = demo.RequestCount - requestsBefore;
            var label = run == 0 ? "warm-up" : $"run {run}";
            Console.WriteLine($"  import {label}: fetch {Report.Ms(fetched)}, persist {Report.Ms(total - fetched)}, total {Report.Ms(total)}");
            if (run == 0) continue;
            totals.Add(total);
            fetches.Add(fetched);
            persists.Add(total - fetched);
        }

        return
        [
            new Measurement($"(a) import {flavors:N0} flavors + {images:N0} images, end to end", totals, ImportTarget,
                $"{requests} HTTP requests to the demo cloud per run (token, paged Nova/Glance listings, Neutron), one ImportAsync into a fresh file"),
            new Measurement("    of which fetch (CloudCatalogReader.ReadAsync)", fetches, null),
            new Measurement("    of which persist (CatalogService.ImportAsync)", persists, null),
        ];
    }

    /// <summary>(b) The catalog grid's queries on an infrastructure with 10,000 flavors (and 10,000 images).</summary>
    private static async Task<IEnumerable<Measurement>> GridScenarioAsync(string root, int runs)
    {
        await using var host = await BenchHost.CreateAsync(root);
        var infrastructureId = await host.RegisterDemoAsync();
        string[] families = ["m1", "c2", "r2", "g1", "t3"];
        string[] sizes = ["small", "medium", "large", "xlarge", "2xlarge"];
        var flavorSpecs = Enumerable.Range(1, GridEntries).Select(i =>
        {
            var vcpus = 1 << (i % 6);
            return new FlavorSpec($"flavor-{i:D5}", $"{families[i % families.Length]}.{sizes[i / 5 % sizes.Length]}-{i:D5}", vcpus, vcpus * 2048, 20 + i % 8 * 10);
        }).ToList();
        var imageSpecs = Enumerable.Range(1, GridEntries)
            .Select(i => new ImageSpec($"image-{i:D5}", $"ubuntu-24.04-build-{i:D5}", 512, 10 + i % 5 * 10, i % 3 == 0 ? "1.32.3-5" : null, "ubuntu"))
            .ToList();
        var seed = Stopwatch.StartNew();
        var seeded = await host.Catalog.ImportAsync(BenchHost.Admin, infrastructureId, flavorSpecs, imageSpecs);
        if (!seeded.Succeeded) throw new InvalidOperationException($"Seeding refused: {seeded.Refusal}");
        Console.WriteLine($"  grid: seeded {GridEntries:N0} flavors + {GridEntries:N0} images in {Report.Ms(seed.Elapsed)} (one ImportAsync; not a target)");

        var catalog = host.Catalog;
        async Task<int> Flavors(CatalogQuery query, int expectedTotal)
        {
            var page = await catalog.ListFlavorsAsync(BenchHost.Admin, infrastructureId, query);
            if (!page.Succeeded) throw new InvalidOperationException($"List refused: {page.Refusal}");
            if (page.Value!.Total != expectedTotal || page.Value.Items.Count != Math.Min(query.Take, expectedTotal - query.Skip))
                throw new InvalidOperationException($"Unexpected page: {page.Value.Items.Count} of {page.Value.Total} for {query}.");
            return page.Value.Total;
        }

        var broad = flavorSpecs.Count(f => f.Name.Contains("xlarge", StringComparison.OrdinalIgnoreCase));
        var results = new List<Measurement>
        {
            await Measurement.OfAsync("(b) flavor grid first page: Take 20, by name", runs, GridTarget,
                () => Flavors(new CatalogQuery(Skip: 0, Take: 20), GridEntries)),
            await Measurement.OfAsync("(b) flavor grid first page: search '07421', by name", runs, GridTarget,
                () => Flavors(new CatalogQuery(Skip: 0, Take: 20, Search: "07421"), 1)),
            await Measurement.OfAsync($"(b) flavor grid first page: search 'xlarge' ({broad:N0} hits)", runs, GridTarget,
                () => Flavors(new CatalogQuery(Skip: 0, Take: 20, Search: "xlarge"), broad)),
            await Measurement.OfAsync("    flavor grid: sort by RAM descending, enabled only", runs, GridTarget,
                () => Flavors(new CatalogQuery(Skip: 0, Take: 20, Enabled: true, Sort: CatalogSort.Ram, Descending: true), GridEntries)),
            await Measurement.OfAsync("    flavor grid: last page (Skip 9,980), by name", runs, GridTarget,
                () => Flavors(new CatalogQuery(Skip: GridEntries - 20, Take: 20), GridEntries)),
            await Measurement.OfAsync("    image grid first page: Take 20, by name", runs, GridTarget, async () =>
            {
                var page = await catalog.ListImagesAsync(BenchHost.Admin, infrastructureId, new CatalogQuery(Skip: 0, Take: 20));
                if (page.Value?.Items.Count != 20) throw new InvalidOperationException("Unexpected image page.");
            }),
        };
        return results;
    }

    private static bool IsOptimized() =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>()
            .All(d => !d.IsJITOptimizerDisabled);
}
