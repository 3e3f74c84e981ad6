using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Jobs.OpenStack;

namespace Portal.Jobs.Infrastructures;

/// <summary>What a registered infrastructure's cloud lists right now, as catalog specs.</summary>
public sealed record CloudListing(IReadOnlyList<FlavorSpec> Flavors, IReadOnlyList<ImageSpec> Images, IReadOnlyList<OsNetwork> ExternalNetworks);

/// <summary>Reads a registered infrastructure's cloud with its stored (decrypted server-side only) credentials.</summary>
public sealed class CloudCatalogReader(InfrastructureService infrastructures, IOpenStackClientFactory clients, CloudProviders cloudProviders)
{
    public async Task<Result<CloudListing>> ReadAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default)
    {
        if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can read a cloud's catalog.");
        var stored = await infrastructures.GetCredentialsAsync(infrastructureId, ct);
        if (stored is not { } credentials) return Refusal.NotFound("The infrastructure");
        var client = clients.Create(cloudProviders.For(credentials.Provider).Connection(credentials.Connection, credentials.Secret));

        var flavorsTask = client.ListFlavorsAsync(ct);
        var imagesTask = client.ListImagesAsync(ct);
        var networksTask = client.ListExternalNetworksAsync(ct);
        await Task.WhenAll(flavorsTask, imagesTask, networksTask);
        foreach (var error in new[] { flavorsTask.Result.Error, imagesTask.Result.Error, networksTask.Result.Error })
        {
            if (error is not null)
                return Refusal.Conflict($"The cloud could not be read: {error.Message}");
        }

        return new CloudListing(
            flavorsTask.Result.Value!.Select(f => f.ToSpec()).ToList(),
            imagesTask.Result.Value!.Select(i => i.ToSpec()).ToList(),
            networksTask.Result.Value!);
    }
}
