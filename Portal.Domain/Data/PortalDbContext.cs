using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Infrastructures;
using Portal.Domain.Operations;
using Portal.Domain.Regions;
using Portal.Domain.ServiceConfigs;
using Portal.Domain.Tenancy;

namespace Portal.Domain.Data;

/// <summary>
/// The portal's one database: identity, tenancy, placement, the audit trail, the action history (operations) and the
/// data-protection keys. One model for SQLite and PostgreSQL; what differs per provider is decided here.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// The collation that orders names ignoring case, as SQLite's NOCASE does in the entity configurations: ICU's root
    /// collation. It is deterministic, so LIKE still works on those columns (a nondeterministic one makes LIKE throw).
    /// </summary>
    public const string PostgreSqlNameCollation = "und-x-icu";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<TenantMembership> Memberships => Set<TenantMembership>();
    public DbSet<Region> Regions => Set<Region>();
    public DbSet<Zone> Zones => Set<Zone>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Infrastructure> Infrastructures => Set<Infrastructure>();
    public DbSet<FlavorEntry> Flavors => Set<FlavorEntry>();
    public DbSet<ImageEntry> Images => Set<ImageEntry>();
    public DbSet<ServiceConfig> ServiceConfigs => Set<ServiceConfig>();
    public DbSet<ServicePlatform> ServicePlatforms => Set<ServicePlatform>();
    public DbSet<Operation> Operations => Set<Operation>();
    public DbSet<OperationStep> OperationSteps => Set<OperationStep>();
    public DbSet<UnmatchedDirectoryGroup> UnmatchedDirectoryGroups => Set<UnmatchedDirectoryGroup>();
    public DbSet<Portal.Domain.Clusters.KubernetesCluster> Clusters => Set<Portal.Domain.Clusters.KubernetesCluster>();
    public DbSet<Portal.Domain.Clusters.NodePool> NodePools => Set<Portal.Domain.Clusters.NodePool>();
    public DbSet<Portal.Domain.Databases.ManagedDatabase> Databases => Set<Portal.Domain.Databases.ManagedDatabase>();
    public DbSet<Portal.Domain.Clusters.StateTransition> StateTransitions => Set<Portal.Domain.Clusters.StateTransition>();
    public DbSet<Portal.Domain.Api.ApiToken> ApiTokens => Set<Portal.Domain.Api.ApiToken>();
    public DbSet<Portal.Domain.Api.ServiceAccount> ServiceAccounts => Set<Portal.Domain.Api.ServiceAccount>();
    public DbSet<Portal.Domain.Api.IdempotencyRecord> IdempotencyRecords => Set<Portal.Domain.Api.IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        // The entity configurations name SQLite's NOCASE for columns ordered by name; PostgreSQL has no such collation.
        if (!Database.IsSqlite())
        {
            foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetDeclaredProperties())
                         .Where(p => p.GetCollation() == "NOCASE"))
                property.SetCollation(PostgreSqlNameCollation);
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Timestamps are stored in UTC on both providers (see UtcTimestamps).
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcBinaryDateTimeOffsetConverter>();
        else
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampRows();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampRows();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Keeps each named row's folded name current (see <see cref="NameKey"/>), and increments the version of
    /// every updated versioned row; EF puts the original version in the
    /// UPDATE's WHERE clause, so a writer holding a stale version changes nothing and gets a conflict.
    /// </summary>
    private void StampRows()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State != EntityState.Modified) continue;
            // What a row records of the outside world (for example what a cloud reports back) is not a change anyone
            // could conflict with: saving only that leaves the version as it is.
            if (entry.Entity is IHasObservations observed && entry.Properties
                    .Where(p => p.IsModified && p.Metadata.Name != nameof(IVersioned.Version))
                    .All(p => observed.ObservationProperties.Contains(p.Metadata.Name)))
                continue;
            entry.Entity.Version = entry.Property(e => e.Version).OriginalValue + 1;
        }

        // Every cluster or node pool state change is recorded in the same commit.
        Portal.Domain.Clusters.StateTransition.RecordChanges(this);

        foreach (var entry in ChangeTracker.Entries<INamed>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
                entry.Property(NameKey.Property).CurrentValue = NameKey.For(entry.Entity.Name);
        }
    }
}
