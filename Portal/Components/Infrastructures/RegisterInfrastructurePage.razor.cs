using Microsoft.AspNetCore.Components;
using Portal.Domain.Catalog;
using Portal.Domain.Common;
using Portal.Domain.Infrastructures;
using Portal.Identity;
using Portal.Jobs.Infrastructures;
using MudBlazor;

namespace Portal.Components.Infrastructures;

public partial class RegisterInfrastructurePage
{
    private static readonly IReadOnlyList<string> StepTitles = ["Provider & connection", "Validate", "Placement", "Catalog seed", "Review"];
    private static readonly FieldKey[] Step0Fields = [Fields.Name, Fields.Description, .. ConnectionForm.FieldKeys];
    private static readonly FieldKey[] PlacementFields = [Fields.Region, Fields.Zone, Fields.NewRegionName, Fields.NewZoneName];

    [Inject] private InfrastructureService Infrastructures { get; set; } = default!;
    [Inject] private ConnectionProbe Probe { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private int _step;
    private bool _busy;
    private Refusal? _refusal;

    private string? _name;
    private string? _description;
    private InfrastructureProvider _provider = InfrastructureProvider.Demo;
    private readonly ConnectionForm _connection = new();
    // Held on the server for the wizard's lifetime; never rendered back to the browser.
    private string? _secret;

    private ProbeReport? _report;
    private readonly PlacementChoice _placement = new();
    private readonly HashSet<string> _seedFlavors = [];
    private readonly HashSet<string> _seedImages = [];

    private bool CanNext => _step != 1 || _report?.Succeeded == true;

    private void SetProvider(InfrastructureProvider provider)
    {
        _provider = provider;
        _refusal = null;
    }

    private async Task NextAsync()
    {
        _refusal = null;
        switch (_step)
        {
            case 0:
                if (await CheckFirstStepAsync() is { } refusal)
                {
                    _refusal = refusal;
                    return;
                }
                _step = 1;
                await ProbeAsync();
                return;
            case 2:
                if (await CheckPlacementAsync() is { } placementRefusal)
                {
                    _refusal = placementRefusal;
                    return;
                }
                break;
        }
        _step++;
    }

    private void Back()
    {
        _refusal = null;
        _step--;
    }

    private void Cancel() => Navigation.NavigateTo("infrastructures");

    private async Task<Refusal?> CheckFirstStepAsync()
    {
        var name = NameRules.Name(_name);
        if (!name.Succeeded) return name.Refusal;
        var description = NameRules.Description(_description);
        if (!description.Succeeded) return description.Refusal;
        if (await Infrastructures.IsNameTakenAsync(_name))
            return Refusal.Conflict($"An infrastructure named '{name.Value}' already exists.", Fields.Name);
        if (_provider == InfrastructureProvider.OpenStack)
        {
            var settings = _connection.ToSettings().Validate(_secret is not null);
            if (!settings.Succeeded) return settings.Refusal;
        }
        return null;
    }

    /// <summary>
    /// The placement step asks the domain, as registration will: a region or zone typed here under an existing name is
    /// refused now, under its field, not at the last step.
    /// </summary>
    private async Task<Refusal?> CheckPlacementAsync()
    {
        if (_placement.Check() is { } incomplete) return incomplete;
        _busy = true;
        try
        {
            var checkedPlacement = await Infrastructures.CheckPlacementAsync(await CurrentActor.GetAsync(), _placement.ToPlacement());
            return checkedPlacement.Refusal;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ProbeAsync()
    {
        _busy = true;
        _report = null;
        StateHasChanged();
        try
        {
            var settings = _provider == InfrastructureProvider.OpenStack ? _connection.ToSettings().Validate(true).Value : null;
            _report = await Probe.ProbeAsync(_provider, settings, _secret);
            // A new listing invalidates picks made against the previous one.
            _seedFlavors.IntersectWith(_report.Flavors.Select(f => f.Id));
            _seedImages.IntersectWith(_report.Images.Select(i => i.Id));
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RegisterAsync()
    {
        if (_report is null) return;
        _busy = true;
        try
        {
            var settings = _provider == InfrastructureProvider.OpenStack ? _connection.ToSettings() : null;
            var request = new RegistrationRequest(_name, _description, _provider, _placement.ToPlacement(), settings,
                _provider == InfrastructureProvider.OpenStack ? _secret : null, _report.ToCheck(),
                _report.Flavors.Where(f => _seedFlavors.Contains(f.Id)).Select(f => f.ToSpec()).ToList(),
                _report.Images.Where(i => _seedImages.Contains(i.Id)).Select(i => i.ToSpec()).ToList());
            var result = await Infrastructures.RegisterAsync(await CurrentActor.GetAsync(), request);
            if (result.Succeeded)
            {
                _secret = null;
                Snackbar.Add($"Infrastructure {_name?.Trim()} registered", Severity.Success);
                Navigation.NavigateTo($"infrastructures/{result.Value}");
                return;
            }
            _refusal = result.Refusal;
        }
        finally
        {
            _busy = false;
        }
    }
}
