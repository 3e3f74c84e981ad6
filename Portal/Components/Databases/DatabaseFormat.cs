using System.Globalization;
using Portal.Domain.Databases;

namespace Portal.Components.Databases;

/// <summary>How the database pages word numbers, times and actions.</summary>
public static class DatabaseFormat
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Instances(int count) => count == 1 ? "1 instance" : $"{count} instances";

    /// <summary>"3/3" ready instances of those asked for.</summary>
    public static string Ready(int ready, int total) => $"{ready}/{total}";

    public static string Compute(string name) => DatabaseRules.Compute(name)?.Describe() ?? name;

    /// <summary>"1 vCPU, 2 GiB RAM": a compute size's resources without its name (empty for an unknown size).</summary>
    public static string Resources(string name) => DatabaseRules.Compute(name) is { } size
        ? $"{(size.CpuMillicores / 1000.0).ToString("0.#", CultureInfo.InvariantCulture)} vCPU, {(size.MemoryMiB / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} GiB RAM"
        : "";

    /// <summary>"3 h 20 min ago" for a backup's age.</summary>
    public static string Age(TimeSpan age) =>
        age.TotalMinutes < 1 ? "just now"
        : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
        : age.TotalDays < 2 ? $"{(int)age.TotalHours} h {age.Minutes} min ago"
        : $"{(int)age.TotalDays} days ago";

    public static string Frequency(BackupFrequency frequency) => frequency switch
    {
        BackupFrequency.Every6Hours => "Every 6 hours",
        BackupFrequency.Every12Hours => "Every 12 hours",
        BackupFrequency.Weekly => "Once a week",
        _ => "Once a day",
    };

    /// <summary>What an operation kind does, in words (the action history shows the kind too).</summary>
    public static string Action(string kind) => kind switch
    {
        DatabaseOperations.Create => "Create database",
        DatabaseOperations.Restore => "Restore into a new database",
        DatabaseOperations.Scale => "Scale instances",
        DatabaseOperations.GrowStorage => "Grow storage",
        DatabaseOperations.ChangeCompute => "Change compute",
        DatabaseOperations.UpdateMinor => "Minor update",
        DatabaseOperations.UpgradeMajor => "Major upgrade",
        DatabaseOperations.Restart => "Restart",
        DatabaseOperations.Switchover => "Switchover",
        DatabaseOperations.Hibernate => "Hibernate",
        DatabaseOperations.Wake => "Wake",
        DatabaseOperations.Backup => "Back up now",
        DatabaseOperations.Resync => "Resync database",
        DatabaseOperations.Delete => "Delete database",
        _ => kind,
    };
}
