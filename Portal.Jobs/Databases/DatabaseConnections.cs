using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Domain.ServiceConfigs;
using Portal.Jobs.ServiceConfigs;

namespace Portal.Jobs.Databases;

/// <summary>
/// Reveals a database's connection details on a person's explicit request: the domain authorizes and audits the
/// request, then the details are read from the operator's <c>-app</c> secret on the platform's cluster. They are handed
/// to the caller only: never stored, logged or put in a message.
/// </summary>
public sealed class DatabaseConnections(DatabaseService databases, ServiceConfigService configs, PlatformClusters clusters)
{
    public async Task<Result<DatabaseConnectionDetails>> RevealAsync(Actor actor, Guid databaseId, CancellationToken ct = default)
    {
        var authorized = await databases.AuthorizeRevealAsync(actor, databaseId, ct);
        if (!authorized.Succeeded) return authorized.Refusal!;
        var location = authorized.Value!;
        var platform = await configs.FindPlatformAsync(location.PlatformId, ct);
        if (platform is null) return Refusal.NotFound("The database's platform");
        var client = await clusters.WorkloadClusterAsync(platform, ct);
        if (!client.Succeeded) return Refusal.Conflict($"Could not reach the platform's cluster to read the connection details: {client.Error!.Message}");
        var secret = await client.Value!.GetAsync("v1", "Secret", location.Namespace, $"{location.Name}-app", ct);
        if (!secret.Succeeded)
            return Refusal.Conflict(secret.IsNotFound
                ? $"The operator has not written the database's connection secret ({location.Name}-app) yet; it appears once the primary is up."
                : $"Could not read the connection secret: {secret.Error!.Message}");
        var details = DatabaseConnectionDetails.FromAppSecret(secret.Value!, location.Namespace, location.Name);
        return details.Succeeded ? details.Value! : Refusal.Conflict($"The connection secret is not as the operator writes it: {details.Error!.Message}");
    }
}
