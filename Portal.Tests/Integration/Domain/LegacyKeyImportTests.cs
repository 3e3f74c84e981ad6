using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Tests.Support;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// Earlier versions kept the data-protection keys as files in the data folder's <c>keys</c> directory; secrets they
/// encrypted must stay readable once the keys live in the database.
/// </summary>
public sealed class LegacyKeyImportTests : IAsyncLifetime
{
    private const string Secret = "cloud-password-from-last-year";
    private ScratchDatabase _store = null!;

    public async Task InitializeAsync() => _store = await ScratchDatabase.CreateAsync("keys");

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private string KeysFolder => _store.Options().LegacyKeysFolder!;

    [Fact]
    public async Task ImportAsync_KeyFilesAndNoKeysInTheDatabase_ImportsThemAndOldSecretsStayReadable()
    {
        var protectedSecret = ProtectTheWayEarlierVersionsDid();
        var log = new ListLogger();

        await using (var db = _store.NewContext())
            Assert.Equal(1, await LegacyKeyImport.ImportAsync(db, KeysFolder, log));

        await using var services = PortalServices();
        Assert.Equal(Secret, services.GetRequiredService<SecretProtector>().Unprotect(protectedSecret));
        Assert.Contains(log.Messages, m => m.StartsWith("Imported 1 data-protection key file(s) from " + KeysFolder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Protect_KeysInTheDatabase_AnotherProcessOnTheSameDatabaseReadsTheSecret()
    {
        string protectedSecret;
        await using (var first = PortalServices())
            protectedSecret = first.GetRequiredService<SecretProtector>().Protect(Secret);

        await using var second = PortalServices();

        Assert.Equal(Secret, second.GetRequiredService<SecretProtector>().Unprotect(protectedSecret));
        await using var db = _store.NewContext();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        Assert.False(Directory.Exists(KeysFolder)); // nothing written to the folder any more
    }

    [Fact]
    public async Task ImportAsync_DatabaseHasKeysAlready_ImportsNothing()
    {
        ProtectTheWayEarlierVersionsDid();
        await using (var services = PortalServices())
            services.GetRequiredService<SecretProtector>().Protect("a new secret"); // the database's own key

        await using var db = _store.NewContext();
        Assert.Equal(0, await LegacyKeyImport.ImportAsync(db, KeysFolder, new ListLogger()));
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task ImportAsync_NoKeysFolder_ImportsNothing()
    {
        await using var db = _store.NewContext();

        Assert.Equal(0, await LegacyKeyImport.ImportAsync(db, KeysFolder, new ListLogger()));
        Assert.Equal(0, await db.DataProtectionKeys.CountAsync());
    }

    /// <summary>The earlier registration: keys as XML files in the folder, the same application name.</summary>
    private string ProtectTheWayEarlierVersionsDid()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName(_store.Options().ApplicationName).PersistKeysToFileSystem(new DirectoryInfo(KeysFolder));
        services.AddSingleton<SecretProtector>();
        using var provider = services.BuildServiceProvider();
        var protectedSecret = provider.GetRequiredService<SecretProtector>().Protect(Secret);
        Assert.Single(Directory.GetFiles(KeysFolder, "*.xml"));
        return protectedSecret;
    }

    /// <summary>The portal's own registration on this database.</summary>
    private ServiceProvider PortalServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalDomain(_store.Options());
        return services.BuildServiceProvider();
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
