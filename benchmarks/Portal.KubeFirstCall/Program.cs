using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;

// One fresh process = one measurement: the time from process start to the end of the first VersionAsync (what a
// portal pays on its first call to a cluster: loading and JIT-compiling the client, building it, one round trip),
// then the first call alone, a second call, and the process's working set. Output: one line of key=value pairs.
var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
var clock = Stopwatch.StartNew();
var api = new DemoKubernetesApi();
using var factory = new KubernetesClientFactory(TimeProvider.System, NullLoggerFactory.Instance, new DemoKubernetesServers(api));
var client = factory.Create(DemoKubernetesApi.Kubeconfig).Value!;
var created = clock.Elapsed;
var first = await client.VersionAsync();
var firstDone = clock.Elapsed;
var second = Stopwatch.StartNew();
await client.VersionAsync();
var secondCall = second.Elapsed;
var fromProcessStart = DateTime.UtcNow - processStart;
if (!first.Succeeded)
{
    Console.Error.WriteLine(first.Error);
    return 1;
}
string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
Console.WriteLine($"create_ms={Ms(created)} first_call_ms={Ms(firstDone - created)} first_total_ms={Ms(firstDone)} " +
                  $"from_process_start_ms={Ms(fromProcessStart)} second_call_ms={Ms(secondCall)} " +
                  $"working_set_mb={(Environment.WorkingSet / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)}");
return 0;
