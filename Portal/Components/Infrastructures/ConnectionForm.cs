using Portal.Domain.Common;
using Portal.Domain.Infrastructures;

namespace Portal.Components.Infrastructures;

/// <summary>The editable connection fields of the registration wizard and the edit dialog (the secret is kept apart).</summary>
public sealed class ConnectionForm
{
    public string? AuthUrl { get; set; }
    public string? RegionName { get; set; }
    public EndpointInterfaceKind Interface { get; set; } = EndpointInterfaceKind.Public;
    public CredentialKind CredentialKind { get; set; } = CredentialKind.ApplicationCredential;
    public string? ApplicationCredentialId { get; set; }
    public string? UserName { get; set; }
    public string? UserDomain { get; set; } = "Default";
    public string? ProjectName { get; set; }
    public string? ProjectDomain { get; set; } = "Default";
    public string? CaBundlePem { get; set; }

    public ConnectionSettings ToSettings() =>
        new(AuthUrl ?? "", RegionName, Interface, CredentialKind, ApplicationCredentialId, UserName, UserDomain, ProjectName, ProjectDomain, CaBundlePem);

    public static ConnectionForm From(ConnectionSettings settings) => new()
    {
        AuthUrl = settings.AuthUrl,
        RegionName = settings.RegionName,
        Interface = settings.Interface,
        CredentialKind = settings.CredentialKind,
        ApplicationCredentialId = settings.ApplicationCredentialId,
        UserName = settings.UserName,
        UserDomain = settings.UserDomain ?? "Default",
        ProjectName = settings.ProjectName,
        ProjectDomain = settings.ProjectDomain ?? "Default",
        CaBundlePem = settings.CaBundlePem,
    };

    /// <summary>The fields <see cref="ConnectionFields"/> shows refusals under (a form shows any other refusal as its own).</summary>
    public static readonly FieldKey[] FieldKeys =
    [
        Fields.AuthUrl, Fields.RegionName, Fields.Interface, Fields.ApplicationCredentialId, Fields.ApplicationCredentialSecret, Fields.UserName,
        Fields.UserDomain, Fields.ProjectName, Fields.ProjectDomain, Fields.Password, Fields.CaBundle,
    ];

    public static readonly IReadOnlyList<Option<EndpointInterfaceKind>> Interfaces =
    [
        new(EndpointInterfaceKind.Public, "public"),
        new(EndpointInterfaceKind.Internal, "internal"),
        new(EndpointInterfaceKind.Admin, "admin"),
    ];

    public sealed record Option<T>(T Value, string Text);
}
