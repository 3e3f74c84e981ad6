using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Identity;

namespace Portal.Components.Users;

public partial class UsersPage
{
    [Inject] private UserAdminService Users { get; set; } = default!;
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private MudDataGrid<UserRow>? _grid;
    private string? _search;
    private Actor? _actor;
    private Refusal? _refusal;

    protected override async Task OnInitializedAsync() => _actor = await CurrentActor.GetAsync();

    // The grid cancels a superseded load through its token; the query is short, so it runs to the end rather than

    // surfacing an OperationCanceledException in the circuit.

    private async Task<GridData<UserRow>> LoadAsync(GridState<UserRow> state, CancellationToken _)
    {
        var page = await Users.ListUsersAsync(_actor ?? await CurrentActor.GetAsync(), new PageRequest(state.Page * state.PageSize, state.PageSize, _search));
        _refusal = page.Refusal;
        return new GridData<UserRow> { Items = page.Value?.Items ?? [], TotalItems = page.Value?.Total ?? 0 };
    }

    private async Task SearchChanged(string? search)
    {
        _search = search;
        if (_grid is not null) await _grid.FirstPageAsync();
    }

    private async Task ReloadAsync()
    {
        if (_grid is not null) await _grid.ReloadServerData();
    }

    private async Task CreateAsync()
    {
        if (await Dialogs.OpenFormAsync<UserCreateDialog>("New user", new()
            {
                [nameof(UserCreateDialog.Save)] = (Func<string?, string?, string?, PlatformRole, Task<Result>>)(async (email, name, password, role) =>
                    await Users.CreateUserAsync(await CurrentActor.GetAsync(), email, name, password, role)),
            }))
        {
            Snackbar.Add("User created", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ChangeRoleAsync(UserRow user, ChangeEventArgs e)
    {
        if (!Enum.TryParse<PlatformRole>(e.Value?.ToString(), out var role) || role == user.PlatformRole) return;
        var result = await Users.ChangePlatformRoleAsync(await CurrentActor.GetAsync(), user.Id, role);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add($"{user.Email}: {role.Describe()}", Severity.Success);
        await ReloadAsync();
    }

    private async Task UnlockAsync(UserRow user)
    {
        var result = await Users.UnlockAsync(await CurrentActor.GetAsync(), user.Id);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add($"{user.Email} unlocked", Severity.Success);
        await ReloadAsync();
    }

    private async Task LockAsync(UserRow user)
    {
        if (!await Dialogs.ConfirmAsync("Lock account",
                $"Lock {user.Email}? Every session of the account ends now, and it cannot sign in until a platform admin unlocks it.", "Lock account"))
            return;
        var result = await Users.LockAsync(await CurrentActor.GetAsync(), user.Id);
        _refusal = result.Refusal;
        if (result.Succeeded) Snackbar.Add($"{user.Email} locked; its sessions have ended", Severity.Success);
        await ReloadAsync();
    }
}
