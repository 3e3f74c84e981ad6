using System.Diagnostics;
using Portal.Domain.Data;

namespace Portal.Tests.Integration.Domain;

/// <summary>
/// One portal process per SQLite file. The other process is util-linux's <c>flock</c>, which uses the same kind of
/// lock (flock(2)) as .NET's <see cref="FileShare.None"/> on Linux.
/// </summary>
public sealed class SqliteFileLockTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-tests", $"lock-{Guid.NewGuid():N}");
    private readonly string _database;

    public SqliteFileLockTests()
    {
        Directory.CreateDirectory(_folder);
        _database = Path.Combine(_folder, DatabaseSetup.DatabaseFileName);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Acquire_Held_KeepsAnotherProcessOut()
    {
        using var held = SqliteFileLock.Acquire(_database);

        Assert.Equal(_database + ".lock", held.Path);
        Assert.False(await OtherProcessCanLockAsync(held.Path));
    }

    [Fact]
    public async Task Acquire_AnotherProcessHoldsTheFile_RefusesSayingSoAndPointingToPostgreSql()
    {
        using var other = Process.Start(new ProcessStartInfo("flock", ["--nonblock", _database + ".lock", "--command", "echo locked; sleep 30"])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("locked", await other.StandardOutput.ReadLineAsync());

            var error = Assert.Throws<PortalStartupException>(() => SqliteFileLock.Acquire(_database));

            Assert.Contains($"Another portal process uses the database {_database}", error.Message);
            Assert.Contains("use PostgreSQL (Portal:Database:Provider=PostgreSQL)", error.Message);
        }
        finally
        {
            other.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Dispose_TwoHoldersInOneProcess_ReleasesOnlyAfterTheLast()
    {
        // Two hosts of the portal in one process (the browser tests' TestServer and Kestrel) share the lock.
        var first = SqliteFileLock.Acquire(_database);
        var second = SqliteFileLock.Acquire(_database);

        first.Dispose();
        Assert.False(await OtherProcessCanLockAsync(second.Path));

        second.Dispose();
        Assert.True(await OtherProcessCanLockAsync(second.Path));
        using var again = SqliteFileLock.Acquire(_database); // a restart in the same process
    }

    private static async Task<bool> OtherProcessCanLockAsync(string path)
    {
        using var flock = Process.Start(new ProcessStartInfo("flock", ["--nonblock", path, "true"]))!;
        await flock.WaitForExitAsync();
        return flock.ExitCode == 0;
    }
}
