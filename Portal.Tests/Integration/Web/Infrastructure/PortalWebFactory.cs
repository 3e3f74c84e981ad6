using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web.Infrastructure;

/// <summary>
/// The real Portal application in memory (TestServer), with its own temporary data folder (database and
/// data-protection keys) and a known bootstrap admin. Use one per test class (<c>IClassFixture</c>);
/// the folder is deleted on dispose. <see cref="PortalKestrelFactory"/> adds a real Kestrel port for browsers.
/// </summary>
public class PortalWebFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@portal.test";
    public const string AdminPassword = "correct-horse-battery-staple";
    public const string AdminDisplayName = "Administrator";

    /// <summary>Every user created through <see cref="CreateUserAsync"/> gets this password unless told otherwise.</summary>
    public const string DefaultUserPassword = "user-password-for-tests";

    private readonly bool _ownsDatabase = true;

    public PortalWebFactory()
    {
        // An empty database of the run's provider: the application migrates it at start-up, as in production. On
        // SQLite that is the file in the data folder; on PostgreSQL the settings point the app at its own database.
        Database = ScratchDatabase.CreateAsync(GetType().Name, migrated: false).GetAwaiter().GetResult();
        DataPath = Database.Folder;
    }

    /// <summary>A replica of the portal on <paramref name="sharedDatabase"/>, which the test owns (and drops).</summary>
    protected PortalWebFactory(ScratchDatabase sharedDatabase)
    {
        Database = sharedDatabase;
        DataPath = sharedDatabase.Folder;
        _ownsDatabase = false;
    }

    /// <summary>The temporary <c>Portal:DataPath</c> of this application instance.</summary>
    public string DataPath { get; }

    /// <summary>The application's database (its file is in <see cref="DataPath"/> on SQLite).</summary>
    public ScratchDatabase Database { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Settings given here reach the app as command-line arguments, so Program's builder sees them
        // before AddPortal reads configuration (and they beat appsettings.json).
        builder.UseEnvironment(Environments.Development);
        builder.UseSetting("Portal:DataPath", DataPath);
        if (Database.Provider == DatabaseProvider.PostgreSql)
        {
            builder.UseSetting(PortalDataOptions.ProviderSetting, "PostgreSQL");
            builder.UseSetting(PortalDataOptions.ConnectionStringSetting, Database.ConnectionString);
        }
        builder.UseSetting("BootstrapAdmin:Email", AdminEmail);
        builder.UseSetting("BootstrapAdmin:Password", AdminPassword);
        // Every test signs in from one address: the per-address sign-in throttle is tested with its own settings
        // (SignInThrottleTests), elsewhere it would only get in the way.
        builder.UseSetting("SignIn:AttemptsPerAddressPerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error");
    }

    /// <summary>An HTTP client for the in-memory server that keeps cookies and never follows redirects.</summary>
    public HttpClient CreatePortalClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>The bootstrap admin as a domain <see cref="Actor"/>, for calling domain services directly.</summary>
    public async Task<Actor> AdminActorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail)
            ?? throw new InvalidOperationException("The bootstrap admin was not created.");
        return new Actor(admin.Id, admin.DisplayName, admin.PlatformRole);
    }

    /// <summary>Creates a local account through <see cref="UserAdminService"/> as the bootstrap admin; returns its id.</summary>
    public async Task<string> CreateUserAsync(string email, PlatformRole platformRole = PlatformRole.None,
        string password = DefaultUserPassword, string? displayName = null)
    {
        var service = Services.GetRequiredService<UserAdminService>();
        var result = await service.CreateUserAsync(await AdminActorAsync(), email, displayName, password, platformRole);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Creating test user {email} was refused: {result.Refusal!.Message}");
        return result.Value!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            DeleteDataFolder();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataFolder();
        GC.SuppressFinalize(this);
    }

    private void DeleteDataFolder()
    {
        if (!_ownsDatabase) return;
        // SQLite pools connections; release them so the files can go. Drops the PostgreSQL database too.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(DataPath))
                    Directory.Delete(DataPath, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException) when (attempt < 4)
            {
                Thread.Sleep(100);
            }
        }
    }
}
