using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.DemoCloud.Kubernetes;

/// <summary>
/// The demo Kubernetes API's saved state: every cluster (the management cluster and the workload clusters) with its
/// objects, and the simulated controllers' timing markers — when each step of each object started — so that an object
/// half-way through provisioning carries on where it was after a restart (time that passed while the portal was
/// stopped counts, as it would for a real cloud) instead of starting its step again or jumping ahead. Injected
/// failures and queued rejections are test aids and are not saved.
/// </summary>
public sealed partial class DemoKubernetesApi
{
    /// <summary>The layout of the saved document; a file with another one is set aside, not guessed at.</summary>
    internal const int StateFormat = 1;

    /// <summary>Changes whenever any cluster changes, or a cluster comes or goes (each change moves a cluster's revision).</summary>
    internal object StateStamp() => string.Join(',', Clusters.Select(c => $"{c.Host}={c.Revision.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Every cluster and the timing markers, as the document to save; Secrets go through <paramref name="protect"/>.</summary>
    internal JsonObject CaptureState(Func<string, string> protect)
    {
        var clusters = new JsonArray();
        foreach (var cluster in Clusters)
            clusters.Add(cluster.CaptureState(protect));
        var markers = new JsonObject();
        foreach (var (key, since) in _markers.OrderBy(m => m.Key, StringComparer.Ordinal))
            markers[key] = since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return new JsonObject { ["format"] = StateFormat, ["clusters"] = clusters, ["markers"] = markers };
    }

    /// <summary>
    /// Replaces the clusters and markers with a saved state. Everything is read (and unprotected) before anything is
    /// replaced, so a document that turns out to be unusable (<see cref="InvalidDataException"/>, or the protector's
    /// exception) leaves the API as it was.
    /// </summary>
    internal void RestoreState(JsonObject state, Func<string, string> unprotect)
    {
        if (DemoKubeJson.Number(state["format"]) != StateFormat)
            throw new InvalidDataException($"its format is not {StateFormat}");
        if (state["clusters"] is not JsonArray savedClusters)
            throw new InvalidDataException("it has no clusters");
        var clusters = savedClusters.Select(c => DemoKubeCluster.ParseState(c, unprotect)).ToList();
        foreach (var cluster in clusters)
        {
            if (!IsDemo(new Uri($"https://{cluster.Host}")))
                throw new InvalidDataException($"{cluster.Host} is not a demo cluster host");
        }
        var markers = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (state["markers"] is JsonObject savedMarkers)
        {
            foreach (var (key, value) in savedMarkers)
            {
                if (!DateTimeOffset.TryParse(DemoKubeJson.Text(value), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since))
                    throw new InvalidDataException($"marker {key} has no valid time");
                markers[key] = since;
            }
        }

        lock (_tickLock)
        {
            foreach (var host in _clusters.Keys.Where(h => clusters.All(c => !string.Equals(c.Host, h, StringComparison.OrdinalIgnoreCase))).ToList())
                RemoveCluster(host);
            foreach (var saved in clusters)
                AddCluster(saved.Host, saved.Name).RestoreState(saved);
            _markers.Clear();
            foreach (var (key, since) in markers)
                _markers[key] = since;
        }
    }
}
