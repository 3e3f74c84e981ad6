using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Portal.Tests.Integration.Keycloak;

/// <summary>
/// The test OpenID Provider (<c>tools/test-oidc</c>: npm's oidc-provider shaped like a Keycloak realm) as a child
/// process on a free 127.0.0.1 port. Its signing key lives in a file per test run, so restarts keep the same key.
/// Stopped by closing its stdin (it exits), killed by process id when it does not.
/// Seed users: alice (/tenants/acme), bob (/tenants/globex), carol (realm role portal-platform-admin),
/// dave (/tenants/initech, a tenant that does not exist), erin (/tenants/acme/admins, /tenants/globex/viewers).
/// </summary>
public sealed class TestOidcServer : IAsyncDisposable
{
    public const string Realm = "portal";
    private static readonly string KeyFile = Path.Combine(Path.GetTempPath(), "portal-test-oidc", $"run-{Environment.ProcessId}", "signing-key.json");

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly HttpClient _admin;

    private TestOidcServer(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
        BaseAddress = issuer[..issuer.IndexOf("/realms/", StringComparison.Ordinal)];
        _admin = new HttpClient { BaseAddress = new Uri($"{BaseAddress}/admin/realms/{Realm}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The realm URL, e.g. <c>http://127.0.0.1:41234/realms/portal</c>: Portal's <c>Keycloak:Authority</c>.</summary>
    public string Issuer { get; }
    public string BaseAddress { get; }

    /// <summary>What the provider wrote to stderr (warnings, errors), for failure messages.</summary>
    public string Diagnostics
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public static async Task<TestOidcServer> StartAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tools", "test-oidc");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
            throw new InvalidOperationException($"The test OpenID Provider is not installed. Run: npm ci --prefix {folder} (./test.sh does this).");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "server.mjs", "--port", "0", "--realm", Realm, "--key-file", KeyFile })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");

        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();

        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) != ready || ready.Result is not { } line)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The test OpenID Provider did not start. stderr: {stderr}");
        }
        using var json = JsonDocument.Parse(line);
        var server = new TestOidcServer(process, json.RootElement.GetProperty("issuer").GetString()!);
        lock (stderr) server._stderr.Append(stderr);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (server._stderr) server._stderr.AppendLine(e.Data);
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return server;
    }

    /// <summary>Registers (or replaces) a confidential client with its redirect URIs.</summary>
    public async Task RegisterClientAsync(string clientId, string secret, string portalBaseAddress)
    {
        var response = await _admin.PutAsJsonAsync($"clients/{clientId}", new
        {
            secret,
            redirectUris = new[] { $"{portalBaseAddress}/signin-keycloak" },
            postLogoutRedirectUris = new[] { $"{portalBaseAddress}/signout-callback-keycloak" },
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Creates or changes a user; omitted fields keep their value.</summary>
    public async Task SetUserAsync(string username, string[]? groups = null, string[]? realmRoles = null, string? email = null, string? name = null)
    {
        var body = new Dictionary<string, object>();
        if (groups is not null) body["groups"] = groups;
        if (realmRoles is not null) body["realmRoles"] = realmRoles;
        if (email is not null) body["email"] = email;
        if (name is not null) body["name"] = name;
        (await _admin.PutAsJsonAsync($"users/{username}", body)).EnsureSuccessStatusCode();
    }

    /// <summary>The Keycloak-style subject (a UUID) of a user.</summary>
    public async Task<string> SubjectOfAsync(string username)
    {
        using var json = JsonDocument.Parse(await _admin.GetStringAsync($"users/{username}"));
        return json.RootElement.GetProperty("sub").GetString()!;
    }

    /// <summary>Keycloak's "Add to ID token" switch of the roles and groups mappers (off: those claims only in userinfo).</summary>
    public async Task SetIdTokenMappersAsync(bool on) =>
        (await _admin.PostAsJsonAsync("settings", new { idTokenMappers = on })).EnsureSuccessStatusCode();

    /// <summary>Restores the seed users and settings.</summary>
    public async Task ResetAsync() => (await _admin.PostAsync("reset", null)).EnsureSuccessStatusCode();

    /// <summary>What happened at the provider: logins, failed logins, cancels, logouts.</summary>
    public async Task<IReadOnlyList<string>> EventTypesAsync()
    {
        using var json = JsonDocument.Parse(await _admin.GetStringAsync("events"));
        return json.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToList();
    }

    public static string PasswordOf(string username) => $"{username}-password";

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (Portal.sln) was not found above " + AppContext.BaseDirectory);
    }
}
