using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Tests.Integration.Web.Infrastructure;

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
}
