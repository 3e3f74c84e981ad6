using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Operations;

namespace Portal.Domain.ServiceConfigs;

public sealed record PlatformSummary(Guid Id, PlatformKind Kind, bool Enabled, PlatformState State, string StateReason,
    string? ExternalNetworkName, PostgresMode? PostgresMode, string? OperatorVersion);

public sealed record ServiceConfigRow(Guid Id, Guid InfrastructureId, string Name, string Description, bool OfferedToAllTenants,
    IReadOnlyList<Guid> OfferedTenantIds, IReadOnlyList<string> OfferedTenantNames, IReadOnlyList<PlatformSummary> Platforms, int Version);

public sealed record PlatformDetail(Guid Id, Guid ServiceConfigId, string ServiceConfigName, Guid InfrastructureId, string InfrastructureName,
    PlatformKind Kind, bool Enabled, PlatformState State, string StateReason, string? ExternalNetworkId, string? ExternalNetworkName,
    PostgresMode? PostgresMode, string? OperatorVersion, string? TargetOperatorVersion, bool HasKubeconfig, string? ClusterServer,
    DateTimeOffset CreatedAt, int Version)
{
    /// <summary>The backup object store (no secret): destination, endpoint, access key id; null when none is configured.</summary>
    public BackupStoreView? BackupStore { get; init; }

    /// <summary>The operator versions it can be upgraded to, oldest first (<see cref="ServicePlatform.UpgradeVersions"/>).</summary>
    public IReadOnlyList<string> UpgradeVersions { get; init; } = [];
    /// <summary>Why an upgrade would be refused now, or null (<see cref="ServicePlatform.CheckUpgrade"/>).</summary>
    public string? WhyNotUpgrade { get; init; }
    /// <summary>Why a delete would be refused for the platform's state now, or null (<see cref="ServicePlatform.CheckDelete"/>); what depends on it is checked when deleting.</summary>
    public string? WhyNotDelete { get; init; }

    public string Title => Kind == PlatformKind.Mks ? "MKS network platform" : "PostgreSQL platform";
}

/// <summary>A platform's backup object store as pages show it: never the secret key.</summary>
public sealed record BackupStoreView(string DestinationPath, string? EndpointUrl, string AccessKeyId);

/// <summary>A platform's backup object store with its secret key, for the engine only.</summary>
public sealed record BackupStoreSecret(string DestinationPath, string? EndpointUrl, string AccessKeyId, string SecretAccessKey)
{
    public override string ToString() => $"BackupStoreSecret {{ DestinationPath = {DestinationPath}, AccessKeyId = {AccessKeyId}, SecretAccessKey = *** }}";
}

/// <summary>A platform change that started an operation: the platform and the operation (the engine hears of it when the change commits).</summary>
public sealed record StartedOperation(Guid PlatformId, Guid OperationId);

/// <summary>
/// Service Configs and their platforms: the rules (one platform per kind, PostgreSQL needs MKS, Managed needs
/// an enabled MKS, ordered deletion) and their persistence. Platform changes that run in the cluster are
/// recorded as an Operation (with the steps its kind declares, <see cref="PlatformOperations"/>) in the same
/// transaction; the commit hands it to the engine.
/// </summary>
public sealed partial class ServiceConfigService(IDbContextFactory<PortalDbContext> dbFactory, CommandRunner commands, SecretProtector secrets, TimeProvider clock)
{
    public const string PlatformTargetType = "ServicePlatform";

    public async Task<Result<IReadOnlyList<ServiceConfigRow>>> ListAsync(Actor actor, Guid infrastructureId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var configs = await db.ServiceConfigs.AsNoTracking().Where(s => s.InfrastructureId == infrastructureId).OrderBy(s => s.Name)
            .Select(s => new
            {
                s.Id, s.InfrastructureId, s.Name, s.Description, s.OfferedToAllTenants, s.Version,
                Offers = s.Offers.Select(o => new { o.TenantId, o.Tenant!.Name }).ToList(),
                Platforms = s.Platforms.OrderBy(p => p.Kind).Select(p => new PlatformSummary(p.Id, p.Kind, p.Enabled, p.State, p.StateReason,
                    p.ExternalNetworkName, p.PostgresMode, p.OperatorVersion)).ToList(),
            })
            .ToListAsync(ct);
        return configs.Select(s => new ServiceConfigRow(s.Id, s.InfrastructureId, s.Name, s.Description, s.OfferedToAllTenants,
            s.Offers.Select(o => o.TenantId).ToList(), s.Offers.Select(o => o.Name).Order().ToList(), s.Platforms, s.Version)).ToList();
    }

    public Task<Result<Guid>> CreateAsync(Actor actor, Guid infrastructureId, string? name, string? description, bool offeredToAll,
        IReadOnlyCollection<Guid> tenantIds, CancellationToken ct = default)
    {
        var subject = new AuditSubject("service-config.create", "ServiceConfig", null, name?.Trim() ?? "", new { infrastructureId, name, description, offeredToAll, tenantIds });
        return commands.RunSerializedOnAsync<Guid>(actor, subject, [ParentLock.Infrastructure(infrastructureId)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can create Service Configs.");
            var infrastructure = await db.Infrastructures.SingleOrDefaultAsync(i => i.Id == infrastructureId, ct);
            if (infrastructure is null) return Refusal.NotFound("The infrastructure");
            var created = ServiceConfig.Create(infrastructureId, name, description, clock.GetUtcNow());
            if (!created.Succeeded) return created.Refusal!;
            var config = created.Value!;
            if (await db.ServiceConfigs.Named(config.Name).AnyAsync(s => s.InfrastructureId == infrastructureId, ct))
                return Refusal.Conflict($"'{infrastructure.Name}' already has a Service Config named '{config.Name}'.", Fields.Name);
            if (await UnknownTenantAsync(db, tenantIds, ct) is { } unknown) return unknown;
            var offered = config.OfferTo(offeredToAll, tenantIds);
            if (!offered.Succeeded) return offered.Refusal!;
            db.ServiceConfigs.Add(config);
            return config.Id;
        }, id => subject with { TargetId = id.ToString() }, ct);
    }

    public Task<Result> UpdateAsync(Actor actor, Guid id, int expectedVersion, string? name, string? description, bool offeredToAll,
        IReadOnlyCollection<Guid> tenantIds, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("service-config.update", "ServiceConfig", id.ToString(), name?.Trim() ?? "",
            new { name, description, offeredToAll, tenantIds }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can change Service Configs.");
            var config = await db.ServiceConfigs.Include(s => s.Offers).SingleOrDefaultAsync(s => s.Id == id, ct);
            if (config is null) return Refusal.NotFound("The Service Config");
            if (db.Expect(config, expectedVersion, $"Service Config '{config.Name}'") is { } stale) return stale;
            var renamed = config.Rename(name, description);
            if (!renamed.Succeeded) return renamed;
            if (await db.ServiceConfigs.Named(config.Name).AnyAsync(s => s.Id != id && s.InfrastructureId == config.InfrastructureId, ct))
                return Refusal.Conflict($"This infrastructure already has a Service Config named '{config.Name}'.", Fields.Name);
            if (await UnknownTenantAsync(db, tenantIds, ct) is { } unknown) return unknown;
            return config.OfferTo(offeredToAll, tenantIds);
        }, ct);

    public Task<Result> DeleteAsync(Actor actor, Guid id, CancellationToken ct = default) =>
        // Serialized on the Service Config with platform creation in it.
        commands.RunSerializedOnAsync(actor, new AuditSubject("service-config.delete", "ServiceConfig", id.ToString(), ""), [ParentLock.ServiceConfig(id)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete Service Configs.");
            var config = await db.ServiceConfigs.Include(s => s.Platforms).SingleOrDefaultAsync(s => s.Id == id, ct);
            if (config is null) return Refusal.NotFound("The Service Config");
            if (config.Platforms.Count > 0)
                return Refusal.Conflict($"Service Config '{config.Name}' still has platforms: {Naming.List(config.Platforms.Select(p => p.Describe()))}. Delete them first (PostgreSQL before MKS).");
            db.ServiceConfigs.Remove(config);
            return Result.Ok();
        }, ct);

    public async Task<Result<PlatformDetail>> GetPlatformAsync(Actor actor, Guid platformId, CancellationToken ct = default)
    {
        if (!actor.CanReadPlatform) return Refusal.Forbidden();
        var detail = await FindPlatformAsync(platformId, ct);
        return detail is null ? Refusal.NotFound("The platform") : detail;
    }

    /// <summary>A platform as the engine's operations read it (no actor: not for pages).</summary>
    public async Task<PlatformDetail?> FindPlatformAsync(Guid platformId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var p = await db.ServicePlatforms.AsNoTracking().Include(p => p.ServiceConfig).ThenInclude(c => c!.Infrastructure)
            .SingleOrDefaultAsync(p => p.Id == platformId, ct);
        if (p is null) return null;
        return new PlatformDetail(p.Id, p.ServiceConfigId, p.ServiceConfig!.Name, p.ServiceConfig.InfrastructureId, p.ServiceConfig.Infrastructure!.Name,
            p.Kind, p.Enabled, p.State, p.StateReason, p.ExternalNetworkId, p.ExternalNetworkName, p.PostgresMode, p.OperatorVersion,
            p.TargetOperatorVersion, p.ProtectedKubeconfig != null, p.ClusterServer, p.CreatedAt, p.Version)
        {
            UpgradeVersions = p.UpgradeVersions,
            WhyNotUpgrade = p.CheckUpgrade()?.Message,
            WhyNotDelete = p.CheckDelete()?.Message,
            BackupStore = p.BackupDestinationPath is null ? null : new BackupStoreView(p.BackupDestinationPath, p.BackupEndpointUrl, p.BackupAccessKeyId ?? ""),
        };
    }

    /// <summary>The platform's backup object store with its secret key decrypted, for server code that writes it into a cluster. Never hand it to a page.</summary>
    public async Task<BackupStoreSecret?> GetBackupStoreAsync(Guid platformId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.ServicePlatforms.AsNoTracking().Where(p => p.Id == platformId)
            .Select(p => new { p.BackupDestinationPath, p.BackupEndpointUrl, p.BackupAccessKeyId, p.ProtectedBackupSecretKey }).SingleOrDefaultAsync(ct);
        if (stored?.BackupDestinationPath is null || stored.ProtectedBackupSecretKey is null) return null;
        return new BackupStoreSecret(stored.BackupDestinationPath, stored.BackupEndpointUrl, stored.BackupAccessKeyId ?? "", secrets.Unprotect(stored.ProtectedBackupSecretKey));
    }

    /// <summary>
    /// Sets the object store the platform's databases back up to. A blank secret key keeps the stored one. Databases pick
    /// up a change the next time their spec is applied (any day-2 action, or a resync).
    /// </summary>
    public Task<Result> ConfigureBackupStoreAsync(Actor actor, Guid platformId, int expectedVersion, string? destinationPath, string? endpointUrl,
        string? accessKeyId, string? secretAccessKey, CancellationToken ct = default) =>
        commands.RunAsync(actor, new AuditSubject("postgres-platform.backup-store", PlatformTargetType, platformId.ToString(), "PostgreSQL platform",
            new { destinationPath, endpointUrl, accessKeyId, secretAccessKey = string.IsNullOrEmpty(secretAccessKey) ? null : "(redacted)" }), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can configure a platform's backup object store.");
            var platform = await db.ServicePlatforms.SingleOrDefaultAsync(p => p.Id == platformId, ct);
            if (platform is null) return Refusal.NotFound("The platform");
            if (db.Expect(platform, expectedVersion, $"The {platform.Describe()}") is { } stale) return stale;
            var destination = destinationPath?.Trim() ?? "";
            if (!Uri.TryCreate(destination, UriKind.Absolute, out var destinationUri) || destinationUri.Scheme != "s3" || destinationUri.Host.Length == 0)
                return Refusal.Invalid(Fields.BackupDestination, "Give the destination as s3://bucket or s3://bucket/path.");
            var endpoint = string.IsNullOrWhiteSpace(endpointUrl) ? null : endpointUrl.Trim();
            if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("https" or "http")))
                return Refusal.Invalid(Fields.BackupEndpoint, "The endpoint is an http or https URL such as https://s3.example.com, or empty for AWS S3.");
            var keyId = accessKeyId?.Trim() ?? "";
            if (keyId.Length is 0 or > 128 || keyId.Any(char.IsWhiteSpace))
                return Refusal.Invalid(Fields.BackupAccessKeyId, "The access key id is required (up to 128 characters, no spaces).");
            if (secretAccessKey is { Length: > 256 }) return Refusal.Invalid(Fields.BackupSecretKey, "The secret access key has at most 256 characters.");
            return platform.SetBackupStore(destination.TrimEnd('/'), endpoint, keyId, string.IsNullOrEmpty(secretAccessKey) ? null : secrets.Protect(secretAccessKey));
        }, ct);

    /// <summary>Whether any operation on the platform completed the named step (e.g. installed the operator).</summary>
    public async Task<bool> HasSucceededStepAsync(Guid platformId, string stepName, CancellationToken ct = default)
    {
        var target = platformId.ToString();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OperationSteps.AnyAsync(s => s.Name == stepName && s.State == StepState.Succeeded
            && db.Operations.Any(o => o.Id == s.OperationId && o.TargetType == PlatformTargetType && o.TargetId == target), ct);
    }

    /// <summary>The infrastructure a Service Config belongs to.</summary>
    public async Task<Guid?> InfrastructureOfAsync(Guid serviceConfigId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ServiceConfigs.Where(s => s.Id == serviceConfigId).Select(s => (Guid?)s.InfrastructureId).SingleOrDefaultAsync(ct);
    }

    /// <summary>The external network of a Service Config's MKS platform: the single source of it for every cluster.</summary>
    public async Task<string?> MksNetworkAsync(Guid serviceConfigId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ServicePlatforms.Where(p => p.ServiceConfigId == serviceConfigId && p.Kind == PlatformKind.Mks)
            .Select(p => p.ExternalNetworkId).SingleOrDefaultAsync(ct);
    }

    /// <summary>The platform's kubeconfig, decrypted, for server code that talks to its cluster. Never hand it to a page.</summary>
    public async Task<string?> GetKubeconfigAsync(Guid platformId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.ServicePlatforms.AsNoTracking().Where(p => p.Id == platformId).Select(p => p.ProtectedKubeconfig).SingleOrDefaultAsync(ct);
        return stored is null ? null : secrets.Unprotect(stored);
    }

    /// <summary>Adds the MKS network platform; the caller has checked that the cloud lists the network.</summary>
    public Task<Result<Guid>> CreateMksPlatformAsync(Actor actor, Guid serviceConfigId, string? networkId, string? networkName, CancellationToken ct = default)
    {
        var subject = new AuditSubject("mks-platform.create", PlatformTargetType, null, "MKS network platform", new { serviceConfigId, networkId, networkName });
        return commands.RunSerializedOnAsync<Guid>(actor, subject, [ParentLock.ServiceConfig(serviceConfigId)], async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can add platforms.");
            var config = await db.ServiceConfigs.Include(s => s.Platforms).SingleOrDefaultAsync(s => s.Id == serviceConfigId, ct);
            if (config is null) return Refusal.NotFound("The Service Config");
            if (config.Platforms.Any(p => p.Kind == PlatformKind.Mks))
                return Refusal.Conflict($"Service Config '{config.Name}' already has an MKS network platform; there is at most one per kind.");
            if (string.IsNullOrWhiteSpace(networkId)) return Refusal.Invalid(Fields.ExternalNetwork, "Choose the external network clusters attach to.");
            var platform = ServicePlatform.CreateMks(serviceConfigId, networkId.Trim(), string.IsNullOrWhiteSpace(networkName) ? networkId.Trim() : networkName.Trim(), clock.GetUtcNow());
            db.ServicePlatforms.Add(platform);
            return platform.Id;
        }, id => subject with { TargetId = id.ToString() }, ct);
    }

    /// <summary>
    /// Adds a PostgreSQL platform in the given mode and records its create operation. Needs an MKS platform in the
    /// Service Config (enabled, for Managed); Managed tools and External need a kubeconfig the caller validated.
    /// </summary>
    public Task<Result<StartedOperation>> CreatePostgresPlatformAsync(Actor actor, Guid serviceConfigId, PostgresMode mode, string? operatorVersion,
        string? kubeconfig, string? clusterServer, CancellationToken ct = default)
    {
        var parameters = new { serviceConfigId, mode = mode.ToString(), operatorVersion, kubeconfig = kubeconfig is null ? null : "(redacted)", clusterServer };
        var subject = new AuditSubject("postgres-platform.create", PlatformTargetType, null, "PostgreSQL platform", parameters);
        // Serialized on the Service Config (its MKS platform, deleted or disabled at the same moment) and on the cluster
        // the operator goes to (another platform claiming it at the same moment).
        IReadOnlyList<ParentLock> parents = mode == PostgresMode.ManagedTools && clusterServer is not null
            ? [ParentLock.ServiceConfig(serviceConfigId), ParentLock.OperatorServer(clusterServer)]
            : [ParentLock.ServiceConfig(serviceConfigId)];
        // Encrypted before the serialized transaction (see InfrastructureService.RegisterAsync).
        var kubeconfigProtected = mode != PostgresMode.Managed && !string.IsNullOrWhiteSpace(kubeconfig) ? secrets.Protect(kubeconfig) : null;
        return commands.RunSerializedOnAsync<StartedOperation>(actor, subject, parents, async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can add platforms.");
            if (!Enum.IsDefined(mode)) return Refusal.Invalid(Fields.Mode, "Choose Managed, Managed tools or External.");
            var config = await db.ServiceConfigs.Include(s => s.Platforms).SingleOrDefaultAsync(s => s.Id == serviceConfigId, ct);
            if (config is null) return Refusal.NotFound("The Service Config");
            if (config.Platforms.Any(p => p.Kind == PlatformKind.PostgreSql))
                return Refusal.Conflict($"Service Config '{config.Name}' already has a PostgreSQL platform; there is at most one per kind.");
            var mks = config.Platforms.SingleOrDefault(p => p.Kind == PlatformKind.Mks);
            if (mks is null)
                return Refusal.Conflict($"Add the MKS network platform to '{config.Name}' first: every PostgreSQL platform builds on it.");
            if (mode == PostgresMode.Managed && !mks.Enabled)
                return Refusal.Conflict($"The MKS network platform of '{config.Name}' is disabled, so no new Managed PostgreSQL platform can use it. Enable it first, or choose another mode.");
            var version = operatorVersion ?? ServicePlatform.PostgresOperatorVersions[^1];
            if (!ServicePlatform.PostgresOperatorVersions.Contains(version))
                return Refusal.Invalid(Fields.OperatorVersion, $"Choose one of the supported operator versions: {string.Join(", ", ServicePlatform.PostgresOperatorVersions)}.");
            if (mode != PostgresMode.Managed && string.IsNullOrWhiteSpace(kubeconfig))
                return Refusal.Invalid(Fields.Kubeconfig, "Paste or upload the kubeconfig of the cluster.");
            if (mode == PostgresMode.ManagedTools && clusterServer is not null)
            {
                // One operator per cluster: a second platform installing it would take over (and on delete remove) the first's.
                var sharing = await db.ServicePlatforms.Where(p => p.PostgresMode == PostgresMode.ManagedTools && p.ClusterServer == clusterServer)
                    .Select(p => p.ServiceConfig!.Name).FirstOrDefaultAsync(ct);
                if (sharing is not null)
                    return Refusal.Conflict($"The PostgreSQL platform of Service Config '{sharing}' already manages the operator on {clusterServer}. Use that Service Config, or another cluster.", Fields.Kubeconfig);
            }
            var now = clock.GetUtcNow();
            var platform = ServicePlatform.CreatePostgres(serviceConfigId, mode, version,
                kubeconfigProtected, mode == PostgresMode.Managed ? null : clusterServer, now);
            db.ServicePlatforms.Add(platform);
            var operation = PlatformOperations.Of(PlatformOperations.CreatePostgres)
                .NewOperation(Target(platform, config.Name), new { mode = mode.ToString(), operatorVersion }, actor, now);
            db.Operations.Add(operation);
            return new StartedOperation(platform.Id, operation.Id);
        }, started => subject with { TargetId = started.PlatformId.ToString() }, ct);
    }

    public Task<Result> SetEnabledAsync(Actor actor, Guid platformId, int expectedVersion, bool enabled, CancellationToken ct = default) =>
        // Serialized on the Service Config with cluster, database and platform creation that check the platform is enabled.
        commands.RunSerializedOnAsync(actor, new AuditSubject(enabled ? "platform.enable" : "platform.disable", PlatformTargetType, platformId.ToString(), ""),
            db => ConfigOfPlatformAsync(db, platformId, ct), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can enable or disable platforms.");
            var platform = await db.ServicePlatforms.SingleOrDefaultAsync(p => p.Id == platformId, ct);
            if (platform is null) return Refusal.NotFound("The platform");
            if (db.Expect(platform, expectedVersion, $"The {platform.Describe()}") is { } stale) return stale;
            platform.SetEnabled(enabled);
            return Result.Ok();
        }, ct);

    public Task<Result<Guid>> UpgradeAsync(Actor actor, Guid platformId, int expectedVersion, string? version, CancellationToken ct = default)
    {
        var subject = new AuditSubject("postgres-platform.upgrade", PlatformTargetType, platformId.ToString(), "", new { version });
        return commands.RunAsync<Guid>(actor, subject, async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can upgrade platforms.");
            var platform = await db.ServicePlatforms.Include(p => p.ServiceConfig).SingleOrDefaultAsync(p => p.Id == platformId, ct);
            if (platform is null) return Refusal.NotFound("The platform");
            if (db.Expect(platform, expectedVersion, $"The {platform.Describe()}") is { } stale) return stale;
            var upgrade = platform.BeginUpgrade(version ?? "");
            if (!upgrade.Succeeded) return upgrade.Refusal!;
            var operation = PlatformOperations.Of(PlatformOperations.UpgradePostgres)
                .NewOperation(Target(platform, platform.ServiceConfig!.Name), new { version }, actor, clock.GetUtcNow());
            db.Operations.Add(operation);
            return operation.Id;
        }, ct: ct);
    }

    /// <summary>
    /// Deletes a platform in order: the MKS platform only once no PostgreSQL platform builds on it (it is data only
    /// and goes at once); a PostgreSQL platform through a delete operation (returned), which removes the row at its end.
    /// </summary>
    public Task<Result<Guid?>> DeletePlatformAsync(Actor actor, Guid platformId, CancellationToken ct = default)
    {
        var subject = new AuditSubject("platform.delete", PlatformTargetType, platformId.ToString(), "");
        // Serialized on the Service Config: deleting the MKS platform checks that no PostgreSQL platform builds on it and
        // no cluster uses it; the PostgreSQL platform, that no database runs on it. Their creation takes the same lock.
        return commands.RunSerializedOnAsync<Guid?>(actor, subject, db => ConfigOfPlatformAsync(db, platformId, ct), async db =>
        {
            if (!actor.IsPlatformAdmin) return Refusal.Forbidden("Only platform admins can delete platforms.");
            var platform = await db.ServicePlatforms.Include(p => p.ServiceConfig).SingleOrDefaultAsync(p => p.Id == platformId, ct);
            if (platform is null) return Refusal.NotFound("The platform");
            if (platform.Kind == PlatformKind.Mks)
            {
                if (await db.ServicePlatforms.AnyAsync(p => p.ServiceConfigId == platform.ServiceConfigId && p.Kind == PlatformKind.PostgreSql, ct))
                    return Refusal.Conflict($"The PostgreSQL platform of '{platform.ServiceConfig!.Name}' builds on this MKS network platform. Delete the PostgreSQL platform first.");
                var clusters = await db.Clusters.Where(c => c.ServiceConfigId == platform.ServiceConfigId).OrderBy(c => c.Name).Select(c => c.Name).Take(6).ToListAsync(ct);
                if (clusters.Count > 0)
                    return Refusal.Conflict($"Managed Kubernetes clusters attach to the external network of this MKS network platform: {Naming.List(clusters.Take(5))}{(clusters.Count > 5 ? " and more" : "")}. " +
                        "Their owners must delete them first; to stop new clusters here, disable the platform instead.");
                db.ServicePlatforms.Remove(platform);
                return (Guid?)null;
            }

            var databases = await db.Databases.Where(d => d.PlatformId == platform.Id).OrderBy(d => d.Name).Select(d => d.Name).Take(6).ToListAsync(ct);
            if (databases.Count > 0)
                return Refusal.Conflict($"Managed PostgreSQL databases run on this platform: {Naming.List(databases.Take(5))}{(databases.Count > 5 ? " and more" : "")}. " +
                    "Their owners must delete them first; to stop new databases here, disable the platform instead.");
            var deleting = platform.BeginDelete();
            if (!deleting.Succeeded) return deleting.Refusal!;
            var operation = PlatformOperations.Of(PlatformOperations.DeletePostgres)
                .NewOperation(Target(platform, platform.ServiceConfig!.Name), null, actor, clock.GetUtcNow());
            db.Operations.Add(operation);
            return operation.Id;
        }, ct: ct);
    }

    /// <summary>The Service Config a platform belongs to, as the lock its changes take (none when it is gone).</summary>
    private static async Task<IReadOnlyList<ParentLock>> ConfigOfPlatformAsync(PortalDbContext db, Guid platformId, CancellationToken ct) =>
        await db.ServicePlatforms.Where(p => p.Id == platformId).Select(p => p.ServiceConfigId).ToListAsync(ct) is [var configId]
            ? [ParentLock.ServiceConfig(configId)] : [];

    /// <summary>Removes a deleted PostgreSQL platform's row at the end of its delete operation (idempotent).</summary>
    public async Task RemovePlatformAsync(Guid platformId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ServicePlatforms.Where(p => p.Id == platformId).ExecuteDeleteAsync(ct);
    }

    public static OperationTarget Target(ServicePlatform platform, string serviceConfigName) =>
        new(PlatformTargetType, platform.Id.ToString(), $"{platform.Describe()} of {serviceConfigName}");

    private static async Task<Refusal?> UnknownTenantAsync(PortalDbContext db, IReadOnlyCollection<Guid> tenantIds, CancellationToken ct)
    {
        if (tenantIds.Count == 0) return null;
        var known = await db.Tenants.CountAsync(t => tenantIds.Contains(t.Id), ct);
        return known == tenantIds.Distinct().Count() ? null : Refusal.Invalid(Fields.Tenants, "One of the chosen tenants no longer exists. Reload and choose again.");
    }
}
