using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Jobs.Kubernetes;

namespace Portal.Jobs.Databases;

/// <summary>
/// How an application in the platform's cluster reaches one database, read from the <c>{name}-app</c> Secret that
/// CloudNativePG writes for the owner. Hosts are fully qualified in-cluster names built here (CloudNativePG's own
/// <c>host</c> key is the bare <c>{name}-rw</c>, which resolves only inside the database's namespace).
/// </summary>
/// <remarks>Holds a password: <see cref="ToString"/> masks it and the URIs, and nothing here logs.</remarks>
public sealed record DatabaseConnectionDetails(
    string Host,
    string ReadOnlyHost,
    int Port,
    string Database,
    string User,
    string Password,
    string Uri,
    string ReadOnlyUri)
{
    /// <summary>PostgreSQL's port, which CloudNativePG's services always use; the Secret's <c>port</c> key wins when present.</summary>
    public const int DefaultPort = 5432;

    /// <summary>
    /// Reads the <c>-app</c> Secret: <c>data</c> (base64, as the API server returns it) and <c>stringData</c> (as a demo
    /// or a freshly built object may hold it; it wins for a key in both). Needs <c>username</c> (or <c>user</c>),
    /// <c>password</c> and <c>dbname</c>; a missing or undecodable key is a Malformed error that names the key and
    /// never a value.
    /// </summary>
    public static RemoteResult<DatabaseConnectionDetails> FromAppSecret(JsonObject secret, string ns, string clusterName)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrWhiteSpace(ns);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterName);

        var secretName = DatabaseManifests.AppSecretName(clusterName);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret["data"] is JsonObject data)
        {
            foreach (var (key, node) in data)
            {
                if (node is not JsonValue || KubeJson.String(data, key) is not { } encoded)
                    continue;
                if (Decode(encoded) is not { } decoded)
                    return Malformed($"Secret {ns}/{secretName}: the value of key '{key}' is not base64.");
                values[key] = decoded;
            }
        }
        if (secret["stringData"] is JsonObject stringData)
        {
            foreach (var (key, _) in stringData)
            {
                if (KubeJson.String(stringData, key) is { } plain)
                    values[key] = plain;
            }
        }

        var user = Value(values, "username") ?? Value(values, "user");
        if (user is null)
            return Malformed($"Secret {ns}/{secretName} has no key 'username'.");
        if (Value(values, "password") is not { } password)
            return Malformed($"Secret {ns}/{secretName} has no key 'password'.");
        if (Value(values, "dbname") is not { } database)
            return Malformed($"Secret {ns}/{secretName} has no key 'dbname'.");
        var port = DefaultPort;
        if (Value(values, "port") is { } portText
            && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535))
        {
            return Malformed($"Secret {ns}/{secretName}: key 'port' is not a TCP port.");
        }

        var host = $"{DatabaseManifests.ReadWriteService(clusterName)}.{ns}.svc";
        var readOnlyHost = $"{DatabaseManifests.ReadOnlyService(clusterName)}.{ns}.svc";
        return new DatabaseConnectionDetails(
            host, readOnlyHost, port, database, user, password,
            BuildUri(user, password, host, port, database),
            BuildUri(user, password, readOnlyHost, port, database));
    }

    /// <summary>
    /// <c>postgresql://user:password@host:port/database</c> with user, password and database percent-encoded, so
    /// characters such as <c>@ : / ? # %</c> in a generated password cannot change how the URI is read.
    /// </summary>
    public static string BuildUri(string user, string password, string host, int port, string database) =>
        string.Create(CultureInfo.InvariantCulture,
            $"postgresql://{System.Uri.EscapeDataString(user)}:{System.Uri.EscapeDataString(password)}@{host}:{port}/{System.Uri.EscapeDataString(database)}");

    /// <summary>Everything but the secrets: the password and the URIs (which embed it) print as <c>***</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"DatabaseConnectionDetails {{ Host = {Host}, ReadOnlyHost = {ReadOnlyHost}, Port = {Port}, Database = {Database}, User = {User}, Password = ***, Uri = ***, ReadOnlyUri = *** }}");

    private static string? Value(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static string? Decode(string encoded)
    {
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
            return null;
        try
        {
            return new UTF8Encoding(false, true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static RemoteResult<DatabaseConnectionDetails> Malformed(string message) =>
        RemoteResult<DatabaseConnectionDetails>.Failure(RemoteErrorKind.Malformed, message);
}
