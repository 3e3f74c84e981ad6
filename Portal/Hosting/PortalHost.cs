using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Api.Common;
using Portal.Components;
using Portal.Components.Account;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Regions;
using Portal.Domain.Tenancy;
using Portal.Identity;
using Portal.Identity.Keycloak;
using Portal.Jobs;
using Portal.Jobs.Clusters;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Jobs.Kubernetes;
using Portal.Jobs.OpenStack;
using Portal.Jobs.Operations;
using Hangfire;
using Hangfire.Dashboard;
using MudBlazor;
using MudBlazor.Services;

namespace Portal.Hosting;

/// <summary>The composition root: every service, the middleware order, and first-start initialisation.</summary>
public static class PortalHost
{
    /// <summary>The folder under the data folder where the demo cloud keeps its state.</summary>
    public const string DemoStateFolderName = "demo";

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        // MudBlazor's and the app's static files come from the build's static-web-assets manifest when run from
        // build output in any environment; a published app serves them from wwwroot and this is a no-op.
        builder.WebHost.UseStaticWebAssets();
        // No "Server: Kestrel" header: answers do not say what serves them.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var dataPath = options.ResolveDataPath(builder.Environment.ContentRootPath);
        // Readable by the portal's user only, and so is everything created in it (DataFolder).
        var tightened = DataFolder.Prepare(dataPath);
        // Portal:Database:Provider and ConnectionStrings:Portal; a wrong or missing setting stops the start here.
        var data = PortalDataOptions.FromSettings(builder.Configuration[PortalDataOptions.ProviderSetting],
            builder.Configuration.GetConnectionString(PortalDataOptions.ConnectionStringName), dataPath);

        var services = builder.Services;
        services.AddSingleton(options);
        if (data.SqliteFile is { } sqliteFile)
            services.AddSingleton(_ => SqliteFileLock.Acquire(sqliteFile)); // taken first thing in InitializePortalAsync
        // The domain (database, data protection, local accounts, domain services) and the outside world (clouds,
        // Kubernetes, the operations engine, platforms, managed Kubernetes): the same registrations the tests use.
        // Api:MaxTokenLifetimeDays; registered before the domain, which otherwise uses its built-in maximum.
        services.AddSingleton(builder.Configuration.GetSection(Portal.Domain.Api.ApiTokenOptions.Section).Get<Portal.Domain.Api.ApiTokenOptions>()
            ?? new Portal.Domain.Api.ApiTokenOptions());
        services.AddPortalDomain(data)
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        // Portal:DataProtection:CertificatePath: the key ring in the database is encrypted with this certificate.
        var keyRing = builder.Configuration.GetSection(KeyRingProtectionOptions.Section).Get<KeyRingProtectionOptions>() ?? new KeyRingProtectionOptions();
        KeyRingProtection.Apply(services, keyRing);
        services.AddSingleton(new StartupNotes(tightened, keyRing.IsConfigured));
        // The demo cloud keeps its clusters in the data folder's "demo" folder, so a restart finds them as they were
        // (deleting that folder, with the portal stopped, resets the demo).
        var demoState = Path.Combine(dataPath, DemoStateFolderName);
        services.AddDemoCloud(new DemoCloudOptions { StateFolder = demoState }, new DemoKubernetesOptions { StateFolder = demoState });
        services.AddPortalJobs(new PortalJobsOptions
        {
            Clusters = builder.Configuration.GetSection("Clusters").Get<ClusterOperationOptions>(),
            Databases = builder.Configuration.GetSection("Databases").Get<Portal.Jobs.Databases.DatabaseOperationOptions>(),
            // The engine's limit on operations running at once in this process (each waiting step holds one).
            Operations = builder.Configuration.GetValue<int?>("Operations:MaxConcurrency") is { } limit ? options => options.MaxConcurrency = limit : null,
        });

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        // API tokens for /api/v1 only; pages keep the cookie as their one scheme (the default above).
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, Portal.Api.ApiTokenAuthenticationHandler>(
            Portal.Api.ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddApiRateLimiting(builder.Configuration.GetSection(ApiRateLimitOptions.Section).Get<ApiRateLimitOptions>() ?? new ApiRateLimitOptions());
        services.AddApiDocument();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "Portal.Auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        // Every request checks the session's security stamp: a sign-out, a password or role change, or a lock (each writes
        // a new stamp) ends every other session of the account at its next request, on every replica.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        var signInOptions = builder.Configuration.GetSection(SignInThrottleOptions.Section).Get<SignInThrottleOptions>() ?? new SignInThrottleOptions();
        services.AddSingleton(signInOptions);
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<LocalSignIn>();
        builder.AddKeycloak(); // Keycloak SSO next to local accounts, when Keycloak:Authority and Keycloak:ClientId are set
        services.AddAuthorization(options =>
        {
            Policies.Configure(options);
            Portal.Api.ApiEndpoints.ConfigurePolicy(options);
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddScoped<CurrentActor>();
        services.Configure<BootstrapAdminOptions>(builder.Configuration.GetSection(BootstrapAdminOptions.Section));

        // A pasted kubeconfig or clouds.yaml travels in one circuit message: the limit admits every text within its own
        // limit, so an oversized paste reaches the parser and is refused with a reason instead of dropping the circuit.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = Limits.CircuitMessageBytes);
        services.AddMudServices(mud =>
        {
            // Toasts rise from the bottom right: never over the app bar or a page's header buttons.
            mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            mud.SnackbarConfiguration.PreventDuplicates = false;
            mud.SnackbarConfiguration.VisibleStateDuration = 6000;
            mud.SnackbarConfiguration.ShowCloseIcon = true;
        });
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "Portal.Antiforgery";
            a.Cookie.HttpOnly = true;
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database").AddOperationsEngineCheck();
        return builder;
    }

    /// <summary>
    /// Claims a SQLite file for this process, creates or upgrades the database, imports data-protection key files of
    /// earlier versions, and makes sure a platform admin exists.
    /// </summary>
    public static async Task InitializePortalAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Startup");
        var data = app.Services.GetRequiredService<PortalDataOptions>();
        // Before anything touches the file: a second process on it stops here with a message (PortalStartupException).
        _ = app.Services.GetService<SqliteFileLock>();
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var pending = (await db.Database.GetPendingMigrationsAsync()).Count();
            if (pending > 0)
                logger.LogInformation("Preparing the database: applying {Count} migration(s) to {Provider} database {Database}",
                    pending, data.Provider, db.Database.GetDbConnection().DataSource);
            await DatabaseSetup.MigrateAsync(db);
            // Before anything protects or unprotects data, or the key ring would begin with a new key.
            await LegacyKeyImport.ImportAsync(db, data.LegacyKeysFolder, logger);
            if (app.Services.GetRequiredService<StartupNotes>().KeyRingEncrypted
                && await KeyRingProtection.EnsureEncryptedDefaultKeyAsync(app.Services, db, app.Services.GetRequiredService<TimeProvider>()))
                logger.LogWarning("Made a new data-protection key, encrypted with the configured certificate: the newest key was stored "
                    + "unencrypted. Credentials stored before stay readable with the older key; enter them again to protect them with the certificate");
            // The key ring gets its first key now, not inside some command's transaction.
            app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("Portal.Startup").Protect("ready");
        }

        var notes = app.Services.GetRequiredService<StartupNotes>();
        foreach (var entry in notes.Tightened)
            logger.LogWarning("{Path} was readable by other users; it is now readable by the portal's user only", entry);
        if (!notes.KeyRingEncrypted && !app.Environment.IsDevelopment())
            logger.LogWarning("The data-protection keys in the database are not encrypted at rest: whoever copies the database can decrypt "
                + "the stored credentials. Set Portal:DataProtection:CertificatePath (see the README, \"Protecting the data\")");

        var bootstrap = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BootstrapAdminOptions>>().Value;
        var created = await BootstrapAdmin.EnsureAsync(app.Services, bootstrap, app.Services.GetRequiredService<TimeProvider>());
        if (created is not null)
        {
            logger.LogInformation("Created the bootstrap platform admin {Email}", created.Email);
            if (created.GeneratedPassword is not null)
            {
                // Shown once on the console only, never through the logging pipeline.
                Console.WriteLine();
                Console.WriteLine("  Portal created the first platform admin account:");
                Console.WriteLine($"    email:    {created.Email}");
                Console.WriteLine($"    password: {created.GeneratedPassword}");
                Console.WriteLine("  This password is shown only now. Sign in and change it under your account menu.");
                Console.WriteLine();
            }
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(see the server's listening addresses above)";
            logger.LogInformation("Portal is ready at {Addresses}. Sign in at /account/login. Data folder: {DataPath}",
                addresses, app.Services.GetRequiredService<PortalOptions>().ResolveDataPath(app.Environment.ContentRootPath));
        });
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error",
                CreateScopeForErrors = true,
                // A request the server could not read (a missing antiforgery token, a malformed form) is the client's
                // fault: 400, logged in one line by the error page, not a 500 with a stack trace.
                StatusCodeSelector = error => error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
                SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
            });
            app.UseHsts();
        }

        app.UseMiddleware<RequestLogging>();
        app.UseStatusCodePagesWithReExecute("/not-found");
        // The API answers every error as a problem document, never with the pages' HTML.
        app.UseWhen(http => ApiPaths.IsApi(http.Request.Path), api => api.UseMiddleware<ApiErrorMiddleware>().UseApiRequestBuffering());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapKeycloakEndpoints();
        app.MapPortalApi();
        // Hangfire's own view of the engine's jobs, behind the portal's sign-in: platform readers see it, only platform
        // admins may act in it (it shows job arguments, exceptions and stack traces). The history lives at /operations.
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.PlatformReader, "/jobs", new DashboardOptions
        {
            Authorization = [],
            AppPath = "/operations",
            DashboardTitle = "Portal jobs",
            DisplayStorageConnectionString = false,
            IsReadOnlyFunc = context => !context.GetHttpContext().User.HasClaim(Policies.PlatformRoleClaim, nameof(PlatformRole.Admin)),
        }, app.Services.GetRequiredService<OperationsEngine>().Storage);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

/// <summary>What the composition root found while setting up, reported once the logger is available.</summary>
public sealed record StartupNotes(IReadOnlyList<string> Tightened, bool KeyRingEncrypted);
