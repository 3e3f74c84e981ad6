using MudBlazor;

namespace Portal.Components.Shared;

/// <summary>Server-paged grids and their filters.</summary>
public static class DataGridPaging
{
    /// <summary>
    /// Shows the first page again after a filter changed. MudDataGrid keeps its page index when the data changes (page 2
    /// would stay "21-40" of a shorter list): moving to page 0 reloads by itself; on page 0 already, reload here.
    /// A grid not rendered yet (null reference) has nothing to reload.
    /// </summary>
    public static Task FirstPageAsync<T>(this MudDataGrid<T>? grid)
    {
        if (grid is null) return Task.CompletedTask;
        if (grid.CurrentPage == 0) return grid.ReloadServerData();
        grid.NavigateTo(Page.First);
        return Task.CompletedTask;
    }
}
