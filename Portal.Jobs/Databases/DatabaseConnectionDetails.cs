namespace Portal.Jobs.Databases;

// Placeholder until the app-secret reader lands (same shape); replaced at merge.
public sealed record DatabaseConnectionDetails(string Host, string ReadOnlyHost, int Port, string Database, string User, string Password, string Uri, string ReadOnlyUri)
{
    public static RemoteResult<DatabaseConnectionDetails> FromAppSecret(System.Text.Json.Nodes.JsonObject secret, string ns, string clusterName) =>
        new RemoteError(RemoteErrorKind.Unexpected, "Reading the app secret is not built yet.");

    public override string ToString() => $"DatabaseConnectionDetails {{ Host = {Host}, Database = {Database}, User = {User}, Password = *** }}";
}
