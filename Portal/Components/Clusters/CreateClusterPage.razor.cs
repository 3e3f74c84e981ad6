using Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Identity;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using Portal.Jobs.Clusters;

namespace Portal.Components.Clusters;

public sealed partial class CreateClusterPage
{
    private static readonly IReadOnlyList<string> StepTitles = ["Project & name", "Service Config", "Kubernetes version", "Control plane", "Node pools", "Review"];

    /// <summary>Pre-selects a project, as a project's page links here (<c>clusters/new?project=…</c>).</summary>
    [SupplyParameterFromQuery(Name = "project")] public string? ProjectQueryText { get; set; }
    private Guid? ProjectQuery => QueryValues.Id(ProjectQueryText, "project", Logger);
    [Inject] private ILogger<CreateClusterPage> Logger { get; set; } = default!;

    [Inject] private ClusterService Clusters { get; set; } = default!;
    [Inject] private ClusterCommands Commands { get; set; } = default!;
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
    private IReadOnlyList<PlacementOption>? _placements;
    private Refusal? _placementRefusal;
    private Guid? _configId;
    private string? _version;
    private ControlPlaneType _controlPlane = ControlPlaneType.Standalone;
    private int _replicas = 3;
    private Guid? _controlPlaneFlavorId;
    private readonly List<PoolDraft> _pools = [new() { Name = "workers", NodeCount = 3 }];

    private IReadOnlyList<PreflightCheck>? _checks;
    private Refusal? _checksRefusal;
    private bool _checking;

    private PlacementOption? Placement => _placements?.FirstOrDefault(p => p.ServiceConfigId == _configId);
    private ProjectOptionLabel? Project => _projects?.FirstOrDefault(p => p.Id == _projectId);

    private FieldKey[] PoolFields => [Fields.Pools, .. Enumerable.Range(0, _pools.Count).SelectMany(i => Fields.Pool(i).All)];

    protected override async Task OnInitializedAsync()
    {
        var projects = await Clusters.ProjectsForCreateAsync(await CurrentActor.GetAsync());
        _multipleTenants = projects.Select(p => p.TenantId).Distinct().Count() > 1;
        _projects = projects.Select(p => new ProjectOptionLabel(p.Id, p.Name, $"{p.TenantName} / {p.Name}", p.TenantName)).ToList();
        _projectId = _projects.FirstOrDefault(p => p.Id == ProjectQuery)?.Id ?? (_projects.Count == 1 ? _projects[0].Id : null);
    }

    private CreateClusterRequest BuildRequest() => new(_projectId, _configId, _name, _version, _controlPlane,
        _controlPlane == ControlPlaneType.Hosted ? Limits.HostedControlPlaneReplicas : _replicas,
        _controlPlane == ControlPlaneType.Hosted ? null : _controlPlaneFlavorId,
        _pools.Select(p => p.ToRequest()).ToList());

    private string? ProjectLabel(Guid? id) => _projects?.FirstOrDefault(p => p.Id == id) is { } project
        ? _multipleTenants ? project.TenantAndName : project.Name
        : null;

    /// <summary>Enter in the name field goes on, as a form's Enter would.</summary>
    private async Task NameKeyUp(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && !_busy) await NextAsync();
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
        // Versions and flavors belong to the infrastructure: choices made for another one do not carry over.
        _version = Placement?.Versions.FirstOrDefault()?.Version;
        _controlPlaneFlavorId = null;
        foreach (var pool in _pools) pool.FlavorId = null;
    }

    private void SetVersion(string version)
    {
        _version = version;
        _refusal = null;
    }

    private void SetControlPlane(ControlPlaneType type)
    {
        _controlPlane = type;
        _refusal = null;
        if (type == ControlPlaneType.Hosted) _controlPlaneFlavorId = null;
    }

    private async Task NextAsync()
    {
        _refusal = null;
        _busy = true;
        try
        {
            var validated = await Clusters.ValidateAsync(await CurrentActor.GetAsync(), BuildRequest(), (ClusterWizardStep)_step);
            if (!validated.Succeeded)
            {
                _refusal = validated.Refusal;
                return;
            }
            _step++;
            switch ((ClusterWizardStep)_step)
            {
                case ClusterWizardStep.Placement when _placements is null:
                    await LoadPlacementsAsync();
                    break;
                case ClusterWizardStep.Review:
                    _checks = null;
                    _checksRefusal = null;
                    _busy = false;
                    await RunChecksAsync();
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task LoadPlacementsAsync()
    {
        var placements = await Clusters.PlacementsAsync(await CurrentActor.GetAsync(), _projectId!.Value);
        _placements = placements.Value ?? [];
        _placementRefusal = placements.Refusal;
        if (_placements.Count == 1 && _configId is null) PlacementChanged(_placements[0].ServiceConfigId);
    }

    private async Task RunChecksAsync()
    {
        _checking = true;
        _checks = null;
        _checksRefusal = null;
        StateHasChanged();
        try
        {
            var result = await Commands.PreflightAsync(await CurrentActor.GetAsync(), BuildRequest());
            _checks = result.Value;
            _checksRefusal = result.Refusal;
        }
        finally
        {
            _checking = false;
        }
    }

    private void Back()
    {
        _refusal = null;
        _step--;
    }

    private void Cancel() => Navigation.NavigateTo("clusters");

    private async Task CreateAsync()
    {
        _refusal = null;
        if (_checking) return;
        if (_checks is null && _checksRefusal is null) await RunChecksAsync();
        if (_checksRefusal is not null)
        {
            _refusal = _checksRefusal;
            return;
        }
        if (_checks!.FirstOrDefault(c => c.Status == PreflightStatus.Failed) is { } failed)
        {
            _refusal = Refusal.Conflict($"Creation is blocked: {failed.Name} failed. {failed.Message}");
            return;
        }
        _busy = true;
        try
        {
            var created = await Commands.CreateAsync(await CurrentActor.GetAsync(), BuildRequest());
            if (!created.Succeeded)
            {
                _refusal = created.Refusal;
                return;
            }
            Snackbar.Add($"Cluster {_name?.Trim()} is being created; its progress shows on its page.", Severity.Success);
            Navigation.NavigateTo($"clusters/{created.Value}");
        }
        finally
        {
            _busy = false;
        }
    }
}

/// <summary>A project in the wizard's drop-down, named with its tenant when the person belongs to several.</summary>
public sealed record ProjectOptionLabel(Guid Id, string Name, string TenantAndName, string TenantName);
