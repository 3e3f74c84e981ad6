using Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using Portal.Components.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Identity;

namespace Portal.Components.Databases;

public sealed partial class CreateDatabasePage
{
    private static readonly IReadOnlyList<string> StepTitles =
        ["Project & name", "Service Config", "PostgreSQL version", "Size", "Database & owner", "Backups", "Review"];

    private static readonly FieldKey[] BackupFields = [Fields.Backups, Fields.BackupSchedule, Fields.BackupHour, Fields.BackupDay, Fields.BackupRetentionDays];

    /// <summary>Pre-selects a project, as a project's page links here (<c>databases/new?project=…</c>).</summary>
    [SupplyParameterFromQuery(Name = "project")] public string? ProjectQueryText { get; set; }
    private Guid? ProjectQuery => QueryValues.Id(ProjectQueryText, "project", Logger);
    [Inject] private ILogger<CreateDatabasePage> Logger { get; set; } = default!;

    [Inject] private DatabaseService Databases { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyList<ProjectOptionLabel>? _projects;
    private bool _multipleTenants;
    private int _step;
    private bool _busy;
    private Refusal? _refusal;

    private Guid? _projectId;
    private string? _name;
    private IReadOnlyList<DatabasePlacementOption>? _placements;
    private Refusal? _placementRefusal;
    private Guid? _configId;
    private int? _major;
    private int? _instances = 1;
    private string? _compute = DatabaseRules.ComputeSizes[0].Name;
    private int? _storage = 10;
    private string? _databaseName = "app";
    private string? _ownerName = "app";
    private readonly BackupDraft _backups = new();

    private DatabasePlacementOption? Placement => _placements?.FirstOrDefault(p => p.ServiceConfigId == _configId);

    protected override async Task OnInitializedAsync()
    {
        var projects = await Databases.ProjectsForCreateAsync(await CurrentActor.GetAsync());
        _multipleTenants = projects.Select(p => p.TenantId).Distinct().Count() > 1;
        _projects = projects.Select(p => new ProjectOptionLabel(p.Id, p.Name, $"{p.TenantName} / {p.Name}", p.TenantName)).ToList();
        _projectId = _projects.FirstOrDefault(p => p.Id == ProjectQuery)?.Id ?? (_projects.Count == 1 ? _projects[0].Id : null);
    }

    private CreateDatabaseRequest BuildRequest()
    {
        var backups = _backups.Enabled && (Placement?.HasBackupStore ?? true);
        return new(_projectId, _name, _configId, _major, _instances, _compute, _storage, _databaseName, _ownerName, backups,
            backups ? _backups.Frequency : null, backups ? _backups.Hour : null, backups ? _backups.Day : null, backups ? _backups.RetentionDays : null);
    }

    private string? ProjectLabel(Guid? id) => _projects?.FirstOrDefault(p => p.Id == id) is { } project
        ? _multipleTenants ? project.TenantAndName : project.Name
        : null;

    /// <summary>Enter in the name field goes on, as a form's Enter would.</summary>
    private async Task NameKeyUp(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && !_busy) await NextAsync();
    }

    private void Set(Action change)
    {
        change();
        _refusal = null;
    }

    private void ProjectChanged(Guid? projectId)
    {
        if (projectId == _projectId) return;
        _projectId = projectId;
        _refusal = null;
        // Another project may belong to another tenant, with other Service Configs on offer.
        _placements = null;
        _configId = null;
    }

    private void PlacementChanged(Guid configId)
    {
        if (configId == _configId) return;
        _configId = configId;
        _refusal = null;
        // The newest major the platform offers is preselected; backups follow whether it has an object store.
        _major = Placement?.Majors.Count > 0 ? Placement.Majors[^1] : null;
        _backups.Enabled = Placement?.HasBackupStore ?? false;
    }

    private async Task NextAsync()
    {
        _refusal = null;
        _busy = true;
        try
        {
            var validated = await Databases.ValidateAsync(await CurrentActor.GetAsync(), BuildRequest(), (DatabaseWizardStep)_step);
            if (!validated.Succeeded)
            {
                _refusal = validated.Refusal;
                return;
            }
            _step++;
            if ((DatabaseWizardStep)_step == DatabaseWizardStep.Placement && _placements is null) await LoadPlacementsAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task LoadPlacementsAsync()
    {
        var placements = await Databases.PlacementsAsync(await CurrentActor.GetAsync(), _projectId!.Value);
        _placements = placements.Value ?? [];
        _placementRefusal = placements.Refusal;
        var usable = _placements.Where(p => p.WhyNot is null).ToList();
        if (usable.Count == 1 && _configId is null) PlacementChanged(usable[0].ServiceConfigId);
    }

    private void Back()
    {
        _refusal = null;
        _step--;
    }

    private void Cancel() => Navigation.NavigateTo("databases");

    private async Task CreateAsync()
    {
        _refusal = null;
        _busy = true;
        try
        {
            var created = await Databases.CreateAsync(await CurrentActor.GetAsync(), BuildRequest());
            if (!created.Succeeded)
            {
                _refusal = created.Refusal;
                return;
            }
            Snackbar.Add($"Database {_name?.Trim()} is being created; its progress shows on its page.", Severity.Success);
            Navigation.NavigateTo($"databases/{created.Value!.DatabaseId}");
        }
        finally
        {
            _busy = false;
        }
    }
}
