using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Common;
using Portal.Hosting;
using Portal.DemoCloud;
using Portal.DemoCloud.Kubernetes;
using Portal.Tests.Integration.Keycloak;
using Portal.Tests.Integration.Web.Infrastructure;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Web;

/// <summary>What the real application does at start-up with what an earlier version left in its data folder.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Start_DataFolderWithKeyFilesOfAnEarlierVersion_ImportsThemAndSecretsStoredEarlierStayReadable()
    {
        await using var factory = new PortalWebFactory();
        // What earlier versions did: keys as XML files in the data folder's keys directory, application name "Portal".
        var earlier = new ServiceCollection();
        earlier.AddLogging();
        earlier.AddDataProtection().SetApplicationName("Portal").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(factory.DataPath, "keys")));
        earlier.AddSingleton<SecretProtector>();
        string protectedSecret;
        await using (var provider = earlier.BuildServiceProvider())
            protectedSecret = provider.GetRequiredService<SecretProtector>().Protect("cloud-password");

        _ = factory.Server; // starts the application: migrations, then the key import

        Assert.Equal("cloud-password", factory.Services.GetRequiredService<SecretProtector>().Unprotect(protectedSecret));
        await using var db = factory.Database.NewContext();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task Start_DataFolderWhereTheDemoSavedItsState_FindsTheDemoClustersObjectsAsTheyWere()
    {
        var database = await ScratchDatabase.CreateAsync(nameof(StartupTests), migrated: false);
        try
        {
            JsonObject saved;
            var firstLogs = new CapturedLogs(LogLevel.Warning);
            await using (var first = new SharedDataFactory(database, firstLogs))
            {
                var kube = first.Services.GetRequiredService<DemoKubernetesApi>();
                Assert.Equal(Path.Combine(first.DataPath, PortalHost.DemoStateFolderName), kube.Options.StateFolder);
                saved = kube.Default.Apply(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["metadata"] = new JsonObject { ["name"] = "kept", ["namespace"] = "default" },
                    ["stringData"] = new JsonObject { ["password"] = "kept-across-restarts" },
                });
            } // a graceful stop saves the demo a last time

            var file = Path.Combine(database.Folder, PortalHost.DemoStateFolderName, DemoCloudStateHost.KubernetesFileName);
            Assert.True(File.Exists(file), $"the graceful stop saved nothing; the first start logged: {firstLogs.All}");
            Assert.DoesNotContain("kept-across-restarts", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            await using var second = new SharedDataFactory(database);
            var restored = second.Services.GetRequiredService<DemoKubernetesApi>().Get("v1", "Secret", "default", "kept");
            Assert.True(JsonNode.DeepEquals(saved, restored), $"restored: {restored?.ToJsonString()}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await database.DisposeAsync();
        }
    }

    /// <summary>The application on a data folder the test owns, so a second start finds what the first left.</summary>
    /// <param name="logs">Where its warnings go, so that a failure says why the demo's state was not saved.</param>
    private sealed class SharedDataFactory(ScratchDatabase database, CapturedLogs? logs = null) : PortalWebFactory(database)
    {

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (logs is not null)
                builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }
}
