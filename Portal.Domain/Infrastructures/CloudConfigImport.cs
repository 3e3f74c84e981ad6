using System.Text.RegularExpressions;
using Portal.Domain.Common;
using YamlDotNet.RepresentationModel;

namespace Portal.Domain.Infrastructures;

/// <summary>Connection details read from a file an OpenStack user already has, plus the secret when the file holds one.</summary>
public sealed record ImportedCloudConfig(ConnectionSettings Settings, string? Secret, string Source, IReadOnlyList<string> Notes);

/// <summary>
/// Fills the registration form from a pasted <c>clouds.yaml</c> entry or an openrc file, the two formats
/// OpenStack users download from their dashboard. Only fills; the form is validated as if typed.
/// </summary>
public static partial class CloudConfigImport
{
    public static Result<ImportedCloudConfig> Parse(string? text, string? cloudName = null)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Refusal.Invalid(Fields.Paste, "Paste the contents of a clouds.yaml file or an openrc file.");
        var checkedText = UserText.Check(text, UserTextKind.CloudConfig);
        if (!checkedText.Succeeded) return checkedText.Refusal!;
        return OpenRcLine().IsMatch(text) ? ParseOpenRc(text) : ParseCloudsYaml(text, cloudName);
    }

    private static Result<ImportedCloudConfig> ParseOpenRc(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in OpenRcLine().Matches(text))
            values[match.Groups["key"].Value] = Unquote(match.Groups["value"].Value.Trim());

        var notes = new List<string>();
        string? Get(params string[] keys) => keys.Select(k => values.GetValueOrDefault(k)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v) && !v.Contains('$'));

        var authUrl = Get("OS_AUTH_URL");
        if (authUrl is null) return Refusal.Invalid(Fields.Paste, "The openrc file has no OS_AUTH_URL.");
        var appId = Get("OS_APPLICATION_CREDENTIAL_ID");
        var isAppCredential = appId is not null || string.Equals(Get("OS_AUTH_TYPE"), "v3applicationcredential", StringComparison.OrdinalIgnoreCase);
        string? secret;
        ConnectionSettings settings;
        if (isAppCredential)
        {
            secret = Get("OS_APPLICATION_CREDENTIAL_SECRET");
            settings = new ConnectionSettings(authUrl, Get("OS_REGION_NAME"), Interface(Get("OS_INTERFACE", "OS_ENDPOINT_TYPE")),
                CredentialKind.ApplicationCredential, appId, null, null, null, null, null);
        }
        else
        {
            secret = Get("OS_PASSWORD");
            if (secret is null && text.Contains("OS_PASSWORD_INPUT", StringComparison.Ordinal))
                notes.Add("This openrc asks for the password when sourced; type the password below.");
            settings = new ConnectionSettings(authUrl, Get("OS_REGION_NAME"), Interface(Get("OS_INTERFACE", "OS_ENDPOINT_TYPE")),
                CredentialKind.Password, null, Get("OS_USERNAME"), Get("OS_USER_DOMAIN_NAME") ?? Get("OS_USER_DOMAIN_ID"),
                Get("OS_PROJECT_NAME", "OS_TENANT_NAME"), Get("OS_PROJECT_DOMAIN_NAME") ?? Get("OS_PROJECT_DOMAIN_ID"), null);
        }
        return new ImportedCloudConfig(settings, secret, "openrc", notes);
    }

    private static Result<ImportedCloudConfig> ParseCloudsYaml(string text, string? cloudName)
    {
        var read = UserText.ReadYaml(text, UserTextKind.CloudsYaml);
        if (!read.Succeeded) return read.Refusal!;
        var stream = read.Value!;

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            return Refusal.Invalid(Fields.Paste, "Expected a clouds.yaml file starting with 'clouds:'.");
        YamlMappingNode? cloud;
        string name;
        var notes = new List<string>();
        if (Child(root, "clouds") is YamlMappingNode clouds)
        {
            var entries = clouds.Children.Where(c => c.Value is YamlMappingNode).ToList();
            if (entries.Count == 0) return Refusal.Invalid(Fields.Paste, "The clouds.yaml file lists no clouds.");
            // Keys are plain values (UserText refuses any other), so each names its cloud.
            var chosen = cloudName is null ? entries[0] : entries.FirstOrDefault(e => KeyName(e.Key) == cloudName);
            if (chosen.Key is null) return Refusal.Invalid(Fields.Paste, $"The clouds.yaml file has no cloud named '{cloudName}'.");
            name = KeyName(chosen.Key);
            cloud = (YamlMappingNode)chosen.Value;
            if (entries.Count > 1 && cloudName is null)
                notes.Add($"The file lists {entries.Count} clouds; used the first, '{name}'.");
        }
        else if (Child(root, "auth") is YamlMappingNode)
        {
            cloud = root;
            name = "";
        }
        else
        {
            return Refusal.Invalid(Fields.Paste, "Expected a clouds.yaml file starting with 'clouds:', or an openrc file with 'export OS_AUTH_URL=...'.");
        }

        var auth = Child(cloud, "auth") as YamlMappingNode;
        if (auth is null) return Refusal.Invalid(Fields.Paste, $"The cloud '{name}' has no 'auth' section.");
        string? A(string key) => Scalar(auth, key);
        var authUrl = A("auth_url");
        if (authUrl is null) return Refusal.Invalid(Fields.Paste, $"The cloud '{name}' has no auth_url.");
        var appId = A("application_credential_id");
        var authType = Scalar(cloud, "auth_type");
        var region = Scalar(cloud, "region_name");
        var iface = Interface(Scalar(cloud, "interface"));
        if (appId is not null || string.Equals(authType, "v3applicationcredential", StringComparison.OrdinalIgnoreCase))
        {
            return new ImportedCloudConfig(new ConnectionSettings(authUrl, region, iface, CredentialKind.ApplicationCredential, appId, null, null, null, null, null),
                A("application_credential_secret"), $"clouds.yaml '{name}'", notes);
        }

        var secret = A("password");
        if (secret is null) notes.Add("The file has no password (it is often kept in secure.yaml); type it below.");
        return new ImportedCloudConfig(new ConnectionSettings(authUrl, region, iface, CredentialKind.Password, null,
            A("username"), A("user_domain_name") ?? A("user_domain_id") ?? A("domain_name"),
            A("project_name") ?? A("tenant_name"), A("project_domain_name") ?? A("project_domain_id") ?? A("domain_name"), null),
            secret, $"clouds.yaml '{name}'", notes);
    }

    private static string KeyName(YamlNode key) => (key as YamlScalarNode)?.Value ?? "";

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        Child(node, key) is YamlScalarNode { Value: { } value } && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static EndpointInterfaceKind Interface(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "internal" or "internalurl" => EndpointInterfaceKind.Internal,
        "admin" or "adminurl" => EndpointInterfaceKind.Admin,
        _ => EndpointInterfaceKind.Public,
    };

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;

    [GeneratedRegex(@"^\s*export\s+(?<key>OS_[A-Z_]+)=(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex OpenRcLine();
}
