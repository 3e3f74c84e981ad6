using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Domain.Clusters;
using Portal.Domain.Common;

namespace Portal.Domain.Databases;

/// <summary>A CPU and memory size a database's instances run with: requests and limits alike (Guaranteed QoS).</summary>
public sealed record ComputeSize(string Name, int CpuMillicores, int MemoryMiB)
{
    public string Describe() => $"{Name} ({Cpu} vCPU, {MemoryMiB / 1024.0:0.#} GiB)";

    private string Cpu => (CpuMillicores / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>How often scheduled backups run. Each has a plain-words description and CloudNativePG's six-field schedule.</summary>
public enum BackupFrequency
{
    Daily = 0,
    Every12Hours = 1,
    Every6Hours = 2,
    Weekly = 3,
}

/// <summary>A database's scheduled backups: how often, at which UTC hour (and weekday for weekly), and how long they are kept.</summary>
public sealed record BackupPlan(BackupFrequency Frequency, int Hour, DayOfWeek Day, int RetentionDays)
{
    /// <summary>The time between two scheduled backups: the age past which a backup is late (see <see cref="DatabaseRules.StaleBackupFactor"/>).</summary>
    public TimeSpan Interval => Frequency switch
    {
        BackupFrequency.Every6Hours => TimeSpan.FromHours(6),
        BackupFrequency.Every12Hours => TimeSpan.FromHours(12),
        BackupFrequency.Weekly => TimeSpan.FromDays(7),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>CloudNativePG's schedule: six fields, seconds first (robfig/cron), all in UTC.</summary>
    public string Cron => Frequency switch
    {
        BackupFrequency.Every6Hours => $"0 0 {string.Join(',', Enumerable.Range(0, 4).Select(i => (Hour % 6) + 6 * i))} * * *",
        BackupFrequency.Every12Hours => $"0 0 {Hour % 12},{Hour % 12 + 12} * * *",
        BackupFrequency.Weekly => $"0 0 {Hour} * * {(int)Day}",
        _ => $"0 0 {Hour} * * *",
    };

    /// <summary>"Every day at 02:00 UTC, kept for 7 days".</summary>
    public string Describe() => Frequency switch
    {
        BackupFrequency.Every6Hours => $"Every 6 hours from {Hour % 6:00}:00 UTC",
        BackupFrequency.Every12Hours => $"Every 12 hours, at {Hour % 12:00}:00 and {Hour % 12 + 12:00}:00 UTC",
        BackupFrequency.Weekly => $"Every {Day} at {Hour:00}:00 UTC",
        _ => $"Every day at {Hour:00}:00 UTC",
    } + $", kept for {RetentionDays} {(RetentionDays == 1 ? "day" : "days")}";
}

/// <summary>
/// The rules of managed PostgreSQL that depend on nothing but the values: names, sizes, versions, backup schedules.
/// Each refusal names the field and says what is allowed. The catalogues here (compute sizes, PostgreSQL versions) are
/// the one place those choices are listed.
/// </summary>
public static partial class DatabaseRules
{
    /// <summary>The compute sizes a database can run with, smallest first.</summary>
    public static IReadOnlyList<ComputeSize> ComputeSizes { get; } =
    [
        new("small", 500, 1024),
        new("medium", 1000, 2048),
        new("large", 2000, 4096),
        new("xlarge", 4000, 8192),
    ];

    /// <summary>
    /// The PostgreSQL versions Portal deploys, per major, oldest first: the last entry of each is the newest minor, which
    /// new databases get and minor updates move to. Images are CloudNativePG's operand images of those versions.
    /// </summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> PostgresVersions { get; } = new Dictionary<int, IReadOnlyList<string>>
    {
        [14] = ["14.17", "14.18"],
        [15] = ["15.12", "15.13"],
        [16] = ["16.8", "16.9"],
        [17] = ["17.4", "17.5"],
    };

    /// <summary>The first CloudNativePG release that upgrades a major version in place (with pg_upgrade).</summary>
    public const string InPlaceMajorUpgradeOperator = "1.26.0";

    /// <summary>A backup older than this many schedule intervals is late: list and detail warn, whatever the operator reports.</summary>
    public const int StaleBackupFactor = 2;

    /// <summary>Names PostgreSQL keeps for itself or CloudNativePG uses: not usable as the initial database or its owner.</summary>
    private static readonly HashSet<string> ReservedDatabases = ["postgres", "template0", "template1"];
    private static readonly HashSet<string> ReservedRoles = ["postgres", "streaming_replica", "cnpg_pooler_pgbouncer", "public"];

    /// <summary>The PostgreSQL majors a platform whose operator runs <paramref name="operatorVersion"/> offers, oldest first.</summary>
    public static IReadOnlyList<int> MajorsFor(string? operatorVersion) => operatorVersion is null ? [] : [.. PostgresVersions.Keys.Order()];

    /// <summary>The newest minor of <paramref name="major"/> (what new databases and minor updates get).</summary>
    public static string LatestOf(int major) => PostgresVersions[major][^1];

    public static int MajorOf(string version) => int.Parse(version.Split('.')[0], CultureInfo.InvariantCulture);

    /// <summary>Whether the operator at <paramref name="operatorVersion"/> upgrades majors in place.</summary>
    public static bool OperatorUpgradesMajorsInPlace(string? operatorVersion) =>
        Version.TryParse(operatorVersion, out var running) && running >= Version.Parse(InPlaceMajorUpgradeOperator);

    public static ComputeSize? Compute(string? name) => ComputeSizes.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Database names name Kubernetes objects: a lowercase DNS label that starts with a letter.</summary>
    public static Result<string> Name(string? raw) => ClusterRules.DnsLabel(raw, Fields.Name, "database", Limits.DatabaseNameMaxLength);

    public static Result<int> Instances(int? instances) =>
        instances is null
            ? Refusal.Invalid(Fields.Instances, $"The number of instances is required: {Limits.MinDatabaseInstances} to {Limits.MaxDatabaseInstances}.")
            : instances is >= Limits.MinDatabaseInstances and <= Limits.MaxDatabaseInstances
                ? instances.Value
                : Refusal.Invalid(Fields.Instances, $"A database runs {Limits.MinDatabaseInstances} to {Limits.MaxDatabaseInstances} instances (1 has no high availability); {instances} is outside that range.");

    public static Result<ComputeSize> ComputeSize(string? name) =>
        Compute(name) is { } size
            ? size
            : Refusal.Invalid(Fields.Compute, $"Choose a compute size: {string.Join(", ", ComputeSizes.Select(c => c.Name))}.");

    public static Result<int> Storage(int? gib) =>
        gib is null
            ? Refusal.Invalid(Fields.StorageGiB, $"The storage size is required: {Limits.MinDatabaseStorageGiB} to {Limits.MaxDatabaseStorageGiB} GiB.")
            : gib is >= Limits.MinDatabaseStorageGiB and <= Limits.MaxDatabaseStorageGiB
                ? gib.Value
                : Refusal.Invalid(Fields.StorageGiB, $"Storage is {Limits.MinDatabaseStorageGiB} to {Limits.MaxDatabaseStorageGiB} GiB per instance; {gib} GiB is outside that range.");

    /// <summary>The initial database's name inside PostgreSQL: a plain lowercase identifier, not one PostgreSQL keeps for itself.</summary>
    public static Result<string> DatabaseName(string? raw) => Identifier(raw, Fields.DatabaseName, "database name", ReservedDatabases);

    /// <summary>The owner role: a plain lowercase identifier, not a role PostgreSQL or the operator keeps for itself.</summary>
    public static Result<string> OwnerName(string? raw)
    {
        var checkedName = Identifier(raw, Fields.OwnerName, "owner name", ReservedRoles);
        if (checkedName.Succeeded && checkedName.Value!.StartsWith("pg_", StringComparison.Ordinal))
            return Refusal.Invalid(Fields.OwnerName, "Role names starting with pg_ are reserved by PostgreSQL. Choose another owner name.");
        return checkedName;
    }

    public static Result<BackupPlan?> Backups(bool enabled, BackupFrequency? frequency, int? hour, DayOfWeek? day, int? retentionDays)
    {
        if (!enabled) return (BackupPlan?)null;
        if (frequency is null || !Enum.IsDefined(frequency.Value)) return Refusal.Invalid(Fields.BackupSchedule, "Choose how often backups run.");
        if (hour is null or < 0 or > 23) return Refusal.Invalid(Fields.BackupHour, "Choose the hour (UTC, 0 to 23) backups start at.");
        if (frequency == BackupFrequency.Weekly && (day is null || !Enum.IsDefined(day.Value)))
            return Refusal.Invalid(Fields.BackupDay, "Choose the weekday weekly backups run on.");
        if (retentionDays is null)
            return Refusal.Invalid(Fields.BackupRetentionDays, $"Say how many days backups are kept: {Limits.MinBackupRetentionDays} to {Limits.MaxBackupRetentionDays}.");
        if (retentionDays is < Limits.MinBackupRetentionDays or > Limits.MaxBackupRetentionDays)
            return Refusal.Invalid(Fields.BackupRetentionDays, $"Backups are kept {Limits.MinBackupRetentionDays} to {Limits.MaxBackupRetentionDays} days; {retentionDays} is outside that range.");
        var plan = new BackupPlan(frequency.Value, hour.Value, day ?? DayOfWeek.Sunday, retentionDays.Value);
        if (plan.Interval > TimeSpan.FromDays(retentionDays.Value))
            return Refusal.Invalid(Fields.BackupRetentionDays, $"Weekly backups kept for {retentionDays} days would leave days with no backup to restore from. Keep them at least 7 days.");
        return plan;
    }

    /// <summary>
    /// The PostgreSQL version a major upgrade from <paramref name="currentVersion"/> moves to, or the refusal: only newer
    /// majors the platform offers, one major at a time (each step is a separate pg_upgrade Portal checks before the
    /// next), on an operator that upgrades in place.
    /// </summary>
    public static Result<string> MajorUpgradeTarget(string currentVersion, int? targetMajor, string? operatorVersion)
    {
        var current = MajorOf(currentVersion);
        if (targetMajor is null) return Refusal.Invalid(Fields.PostgresVersion, "Choose the major version to upgrade to.");
        if (!OperatorUpgradesMajorsInPlace(operatorVersion))
            return Refusal.Invalid(Fields.PostgresVersion, $"The platform's CloudNativePG {operatorVersion ?? "operator"} cannot upgrade a major version in place; that needs {InPlaceMajorUpgradeOperator} or newer. Ask a platform admin to upgrade the platform's operator.");
        if (targetMajor <= current) return Refusal.Invalid(Fields.PostgresVersion, $"PostgreSQL {targetMajor} is not newer than the {current} the database runs; major versions cannot be downgraded.");
        if (!MajorsFor(operatorVersion).Contains(targetMajor.Value))
            return Refusal.Invalid(Fields.PostgresVersion, $"PostgreSQL {targetMajor} is not offered by the platform. Offered: {string.Join(", ", MajorsFor(operatorVersion))}.");
        if (targetMajor > current + 1)
            return Refusal.Invalid(Fields.PostgresVersion, $"Major upgrades go one version at a time: from {current} the database can move to {current + 1}, then on from there.");
        return LatestOf(targetMajor.Value);
    }

    private static Result<string> Identifier(string? raw, FieldKey field, string what, HashSet<string> reserved)
    {
        var value = raw?.Trim() ?? "";
        if (value.Length == 0) return Refusal.Invalid(field, $"The {what} is required.");
        if (value.Length > Limits.PostgresIdentifierMaxLength) return Refusal.Invalid(field, $"The {what} has at most {Limits.PostgresIdentifierMaxLength} characters.");
        if (!IdentifierShape().IsMatch(value))
            return Refusal.Invalid(field, $"The {what} uses lowercase letters, digits and underscores and starts with a letter or underscore, for example 'app' or 'orders_db'.");
        if (reserved.Contains(value)) return Refusal.Invalid(field, $"'{value}' is reserved by PostgreSQL. Choose another {what}.");
        return value;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierShape();
}
