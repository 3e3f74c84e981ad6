using MudBlazor;

namespace Portal.Components.Infrastructures;

public static class DataGridPaging
{
    /// <summary>
    /// Reloads a server-paged grid from its first page. MudDataGrid keeps its page index when a filter changes
    /// (page 2 would stay "21-40" of a shorter list), and moving to the first page reloads only when the page changes.
    /// </summary>
    public static Task FirstPageAsync<T>(this MudDataGrid<T>? grid)
    {
        if (grid is null) return Task.CompletedTask;
        if (grid.CurrentPage == 0) return grid.ReloadServerData();
        grid.NavigateTo(Page.First);
        return Task.CompletedTask;
    }
}
