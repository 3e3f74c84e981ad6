using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Tenancy;
using Portal.Identity;

namespace Portal.Components.Tenancy;

public partial class ProjectsGrid
{
    [Inject] private TenancyService Tenancy { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>Only this tenant's projects; null lists every project the user can see.</summary>
    [Parameter] public Guid? TenantId { get; set; }
    /// <summary>Whether the user may create projects (in this tenant, or in at least one tenant).</summary>
    [Parameter] public bool CanCreate { get; set; }
    [Parameter] public EventCallback Changed { get; set; }

    private MudDataGrid<ProjectRow>? _grid;
    private string? _search;

    // The grid cancels a superseded load through its token; the query is short, so it runs to the end rather than

    // surfacing an OperationCanceledException in the circuit.

    private async Task<GridData<ProjectRow>> LoadAsync(GridState<ProjectRow> state, CancellationToken _)
    {
        var page = await Tenancy.ListProjectsAsync(await CurrentActor.GetAsync(), TenantId,
            new PageRequest(state.Page * state.PageSize, state.PageSize, _search));
        return new GridData<ProjectRow> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task SearchChanged(string? search)
    {
        _search = search;
        if (_grid is not null) await _grid.FirstPageAsync();
    }

    private async Task ReloadAsync()
    {
        if (_grid is not null) await _grid.ReloadServerData();
        await Changed.InvokeAsync();
    }

    private async Task CreateAsync()
    {
        bool created;
        if (TenantId is { } tenantId)
        {
            created = await Dialogs.EditNameAsync("New project", async (name, description) =>
                await Tenancy.CreateProjectAsync(await CurrentActor.GetAsync(), tenantId, name, description), saveText: "Create project");
        }
        else
        {
            var tenants = await Tenancy.ManageableTenantsAsync(await CurrentActor.GetAsync());
            created = await Dialogs.OpenFormAsync<ProjectCreateDialog>("New project", new()
            {
                [nameof(ProjectCreateDialog.Tenants)] = tenants,
                [nameof(ProjectCreateDialog.Save)] = (Func<Guid?, string?, string?, Task<Result>>)(async (tenant, name, description) =>
                    tenant is null
                        ? Refusal.Invalid(Fields.Tenant, "Choose the tenant the project belongs to.")
                        : await Tenancy.CreateProjectAsync(await CurrentActor.GetAsync(), tenant.Value, name, description)),
            });
        }

        if (created)
        {
            Snackbar.Add("Project created", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(ProjectRow project)
    {
        if (await Dialogs.EditNameAsync($"Edit project {project.Name}", async (name, description) =>
                await Tenancy.UpdateProjectAsync(await CurrentActor.GetAsync(), project.Id, project.Version, name, description),
                project.Name, project.Description))
        {
            Snackbar.Add("Project saved", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(ProjectRow project)
    {
        // The command runs in the dialog: a refusal (a cluster created meanwhile) stays there with its reason.
        if (await Dialogs.ConfirmByTypingAsync("Delete project", $"Delete project '{project.Name}' of {project.TenantName}? This cannot be undone.",
                project.Name, "Delete project", async () => await Tenancy.DeleteProjectAsync(await CurrentActor.GetAsync(), project.Id)))
        {
            Snackbar.Add($"Project {project.Name} deleted", Severity.Success);
            await ReloadAsync();
        }
    }
}
