using Portal.Domain.Databases;

namespace Portal.Components.Databases;

/// <summary>The wizard's backup choices as typed; the server judges them (<see cref="DatabaseRules.Backups"/>).</summary>
public sealed class BackupDraft
{
    public bool Enabled { get; set; } = true;
    public BackupFrequency Frequency { get; set; } = BackupFrequency.Daily;
    public int Hour { get; set; } = 2;
    public DayOfWeek Day { get; set; } = DayOfWeek.Sunday;
    public int? RetentionDays { get; set; } = 7;

    /// <summary>The plan in words when it is whole, else null (the server says what is missing).</summary>
    public string? Preview => !Enabled ? "Off: no scheduled backups, and no point-in-time restore."
        : RetentionDays is { } days ? new BackupPlan(Frequency, Hour, Day, days).Describe() : null;
}
