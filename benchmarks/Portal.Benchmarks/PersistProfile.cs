using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Catalog;
using Portal.DemoCloud;
using Portal.Jobs.Infrastructures;

namespace Portal.Benchmarks;

/// <summary>
/// <c>--profile</c>: where CatalogService.ImportAsync's time goes, by replaying its steps with public APIs on a fresh
/// file: the already-imported check (two Contains queries), building entities, EF's AddRange (change tracking),
/// SaveChanges (the INSERTs), and serializing the audit parameters (every provider id).
/// </summary>
internal static class PersistProfile
{
    public static async Task<IEnumerable<Measurement>> RunAsync(string root, int runs)
    {
        var demo = new DemoCloudService(TimeProvider.System, new DemoCloudOptions { SyntheticFlavorCount = 5000, SyntheticImageCount = 5000 });
        var flavors = demo.Flavors.Select(f => f.ToSpec()).ToList();
        var images = demo.Images.Select(i => i.ToSpec()).ToList();
        var steps = new Dictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        void Add(string step, TimeSpan elapsed)
        {
            if (!steps.TryGetValue(step, out var list)) steps[step] = list = [];
            list.Add(elapsed);
        }

        for (var run = 0; run <= runs; run++)
        {
            await using var host = await BenchHost.CreateAsync(root);
            var infrastructureId = await host.RegisterDemoAsync();
            await using var db = host.NewContext();
            var now = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();

            var flavorIds = flavors.Select(f => f.ProviderId).ToList();
            var imageIds = images.Select(i => i.ProviderId).ToList();
            _ = await db.Flavors.Where(f => f.InfrastructureId == infrastructureId && flavorIds.Contains(f.ProviderId)).Select(f => f.Name).ToListAsync();
            _ = await db.Images.Where(i => i.InfrastructureId == infrastructureId && imageIds.Contains(i.ProviderId)).Select(i => i.Name).ToListAsync();
            var check = watch.Elapsed;

            watch.Restart();
            var flavorEntries = flavors.Select(f => FlavorEntry.Import(infrastructureId, f, now).Value!).ToList();
            var imageEntries = images.Select(i => ImageEntry.Import(infrastructureId, i, now).Value!).ToList();
            var build = watch.Elapsed;

            watch.Restart();
            db.Flavors.AddRange(flavorEntries);
            db.Images.AddRange(imageEntries);
            var track = watch.Elapsed;

            watch.Restart();
            var audit = JsonSerializer.Serialize(new { flavors = flavors.Select(f => f.ProviderId), images = images.Select(i => i.ProviderId) },
                new JsonSerializerOptions(JsonSerializerDefaults.Web));
            var json = watch.Elapsed;

            watch.Restart();
            await db.SaveChangesAsync();
            var save = watch.Elapsed;

            if (run == 0) continue;
            Add("    profile: already-imported check (2 Contains queries)", check);
            Add("    profile: build 10,019 entities", build);
            Add("    profile: AddRange (EF change tracking)", track);
            Add($"    profile: audit JSON ({audit.Length / 1024:N0} KiB)", json);
            Add("    profile: SaveChanges (INSERTs + commit)", save);
        }

        return steps.Select(s => new Measurement(s.Key, s.Value, null));
    }
}
