using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Clusters;
using Portal.Jobs.Clusters;

namespace Portal.Tests.Unit.Clusters;

/// <summary>
/// The add-on manifest templates: every shipped template fills for a real cluster, placeholders are strict, values cannot
/// change a manifest's shape, and YAML 1.1 look-alikes never turn a string into a boolean or a number.
/// </summary>
public sealed class ManifestTemplatesTests
{
    private static readonly Guid ClusterId = Guid.Parse("3c9a7e21-5b4d-4f80-9e6a-1d2c3b4a5f60");

    /// <summary>A Standalone cluster with one fixed pool and one autoscaled pool, so every template has a use.</summary>
    private static ClusterManifestSpec Cluster(ControlPlaneType controlPlane = ControlPlaneType.Standalone) =>
        new(ClusterId, "analytics", "1.33.2-1", controlPlane, 3, controlPlane == ControlPlaneType.Standalone ? "m1.large" : null,
            "0b6c7a52-3f1e-5d4a-9c8b-7e6f5a4b3c2d", "9f8e7d6c-5b4a-5392-8170-6f5e4d3c2b1a",
            [
                new(Guid.Parse("11111111-2222-4333-8444-555555555555"), "workers", "m1.large", "img", "1.33.2-1", 2, null, null),
                new(Guid.Parse("66666666-7777-4888-9999-aaaaaaaaaaaa"), "burst", "c2.xlarge", "img", "1.33.2-1", 1, 0, 4),
            ]);

    private static Dictionary<string, string> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    // ---- The shipped templates ------------------------------------------------------------------------------------

    public static TheoryData<string> TemplateNames() => [.. ManifestTemplates.Names];

    [Fact]
    public void Names_Embedded_AreTheSixAddonTemplates() =>
        Assert.Equal(
            ["cinder-csi.yaml", "cluster-autoscaler.yaml", "flannel.yaml", "openstack-ccm-daemonset.yaml", "openstack-ccm-deployment.yaml", "openstack-ccm-rbac.yaml"],
            ManifestTemplates.Names);

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public void Render_EveryEmbeddedTemplateForARepresentativeCluster_FillsEveryPlaceholder(string name)
    {
        var objects = ManifestTemplates.Render(name, ClusterManifests.AddonTemplateValues(Cluster()));

        Assert.NotEmpty(objects);
        var json = new JsonArray([.. objects.Select(o => (JsonNode)o)]).ToJsonString();
        Assert.DoesNotContain("${", json);
        Assert.All(objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(Text(o["apiVersion"])));
            Assert.False(string.IsNullOrEmpty(Text(o["kind"])));
            Assert.False(string.IsNullOrEmpty(Text(o["metadata"]?["name"])));
        });
    }

    [Fact]
    public void AddonObjects_BothControlPlanes_FillEveryTemplateWithTheClusterValues()
    {
        foreach (var controlPlane in new[] { ControlPlaneType.Standalone, ControlPlaneType.Hosted })
        {
            var spec = Cluster(controlPlane);
            var text = string.Concat(ClusterManifests.AddonObjects(spec).Concat(ClusterManifests.AutoscalerObjects(spec)).Select(o => o.ToJsonString()));

            Assert.DoesNotContain("${", text);
            Assert.Contains("--cluster-name=analytics", text);
            Assert.Contains("registry.k8s.io/provider-os/openstack-cloud-controller-manager:v1.33.0", text);
            Assert.Contains("registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0", text);
            Assert.Contains(AddonImages.Flannel, text);
        }
    }

    [Fact]
    public void AddonObjects_QuotedTrueInTheTemplates_StaysAStringAndPlainFalseABoolean()
    {
        var manifests = ClusterManifests.AddonObjects(Cluster())
            .Where(o => Text(o["kind"]) == "ConfigMap")
            .SelectMany(cm => ((JsonObject)cm["data"]!).Select(kv => JsonNode.Parse(Text(kv.Value)!)!.AsArray()))
            .SelectMany(list => list.Select(n => n!.AsObject()))
            .ToList();

        var ccm = manifests.Single(m => Text(m["metadata"]?["name"]) == "openstack-cloud-controller-manager" && Text(m["kind"]) == "DaemonSet");
        var toleration = ccm["spec"]!["template"]!["spec"]!["tolerations"]![0]!;
        Assert.Equal(JsonValueKind.String, toleration["value"]!.GetValueKind());
        Assert.Equal("true", Text(toleration["value"]));
        var storageClass = manifests.Single(m => Text(m["kind"]) == "StorageClass");
        Assert.Equal(JsonValueKind.String, storageClass["metadata"]!["annotations"]!["storageclass.kubernetes.io/is-default-class"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, storageClass["allowVolumeExpansion"]!.GetValueKind());
        var flannel = manifests.Single(m => Text(m["metadata"]?["name"]) == "kube-flannel-ds");
        Assert.Equal(JsonValueKind.False, flannel["spec"]!["template"]!["spec"]!["containers"]![0]!["securityContext"]!["privileged"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, ccm["spec"]!["template"]!["spec"]!["securityContext"]!["runAsUser"]!.GetValueKind());
    }

    [Fact]
    public void Text_UnknownTemplate_Throws() =>
        Assert.Throws<ManifestTemplateException>(() => ManifestTemplates.Text("calico.yaml"));

    // ---- Placeholders ---------------------------------------------------------------------------------------------

    private const string ConfigMapTemplate =
        "apiVersion: v1\n" +
        "kind: ConfigMap\n" +
        "metadata:\n" +
        "  name: \"${name}\"\n" +
        "data:\n" +
        "  plain: \"${value}\"\n" +
        "  flag: \"--value=${value}\"\n" +
        "  config.json: |-\n" +
        "    {\n" +
        "      \"value\": \"${value}\"\n" +
        "    }\n";

    [Fact]
    public void Fill_UnknownPlaceholder_ThrowsNamingItAndItsLine()
    {
        var error = Assert.Throws<ManifestTemplateException>(() =>
            ManifestTemplates.RenderText("test.yaml", ConfigMapTemplate, Values(("name", "settings"))));

        Assert.Contains("${value}", error.Message);
        Assert.Contains("line 6", error.Message);
    }

    [Theory]
    [InlineData("  name: \"${cluster-name}\"\n")]
    [InlineData("  name: \"${name\"\n")]
    [InlineData("  name: \"${}\"\n")]
    [InlineData("  name: \"${ name }\"\n")]
    public void Fill_MalformedPlaceholder_Throws(string line) =>
        Assert.Throws<ManifestTemplateException>(() =>
            ManifestTemplates.Fill("test.yaml", "metadata:\n" + line, Values(("name", "x"), ("cluster-name", "x"))));

    [Theory]
    [InlineData("  name: ${name}\n")]
    [InlineData("  name: '${name}'\n")]
    [InlineData("  # the name is \"${name}\"\n")]
    [InlineData("  name: x # \"${name}\"\n")]
    public void Fill_PlaceholderOutsideDoubleQuotes_Throws(string line)
    {
        var error = Assert.Throws<ManifestTemplateException>(() =>
            ManifestTemplates.Fill("test.yaml", "metadata:\n" + line, Values(("name", "x"))));

        Assert.Contains("double-quoted", error.Message);
    }

    [Fact]
    public void Fill_ValueThatLooksLikeAPlaceholder_IsNotExpandedAgain()
    {
        var objects = ManifestTemplates.RenderText("test.yaml", ConfigMapTemplate, Values(("name", "settings"), ("value", "${name}")));

        Assert.Equal("${name}", Text(objects[0]["data"]?["plain"]));
    }

    [Theory]
    [InlineData("quote \" inside")]
    [InlineData("colon: and space")]
    [InlineData("new\nline")]
    [InlineData("\"\nkind: Secret\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"evil")]
    [InlineData("\", \"injected\": \"yes")]
    [InlineData("back\\slash\\\" and \\n escapes")]
    [InlineData("tab\tcarriage\rreturn")]
    [InlineData("next line\u0085line separator\u2028paragraph\u2029end")]
    [InlineData("# not a comment & *not-an-alias !not-a-tag {flow: [x]}")]
    [InlineData("unicode é ✓ 🚀")]
    [InlineData("")]
    public void Render_ValueWithYamlSpecialCharacters_RoundTripsAsOneStringEverywhere(string value)
    {
        var objects = ManifestTemplates.RenderText("test.yaml", ConfigMapTemplate, Values(("name", "settings"), ("value", value)));

        var configMap = Assert.Single(objects);
        Assert.Equal(["apiVersion", "kind", "metadata", "data"], configMap.Select(kv => kv.Key));
        var data = configMap["data"]!.AsObject();
        Assert.Equal(["plain", "flag", "config.json"], data.Select(kv => kv.Key));
        Assert.Equal(value, Text(data["plain"]));
        Assert.Equal("--value=" + value, Text(data["flag"]));
        var config = JsonNode.Parse(Text(data["config.json"])!)!.AsObject();
        Assert.Equal(["value"], config.Select(kv => kv.Key));
        Assert.Equal(value, Text(config["value"]));
        Assert.Equal("settings", Text(configMap["metadata"]?["name"]));
    }

    // ---- YAML reading ---------------------------------------------------------------------------------------------

    private static JsonObject Spec(string body) =>
        ManifestTemplates.RenderText("test.yaml", "apiVersion: v1\nkind: Example\nmetadata:\n  name: x\nspec:\n" + body, Values())[0]["spec"]!.AsObject();

    [Theory]
    [InlineData("on")]
    [InlineData("yes")]
    [InlineData("No")]
    [InlineData("y")]
    [InlineData("0755")]
    [InlineData("8080")]
    [InlineData("1.10")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("1e3")]
    [InlineData("2026-12-06")]
    public void Render_QuotedScalarsThatLookLikeOtherTypes_StayStrings(string text)
    {
        var spec = Spec($"  double: \"{text}\"\n  single: '{text}'\n  list: [\"{text}\"]\n");

        Assert.Equal(JsonValueKind.String, spec["double"]!.GetValueKind());
        Assert.Equal(text, Text(spec["double"]));
        Assert.Equal(text, Text(spec["single"]));
        Assert.Equal(text, Text(spec["list"]![0]));
    }

    [Fact]
    public void Render_PlainScalars_AreReadByTheUnambiguousRules()
    {
        var spec = Spec("  replicas: 3\n  port: 8080\n  negative: -1\n  enabled: true\n  privileged: False\n  empty:\n  tilde: ~\n  cpu: 100m\n  version: 0.3.1\n  path: /run/xtables.lock\n");

        Assert.Equal(3, spec["replicas"]!.GetValue<int>());
        Assert.Equal(8080L, spec["port"]!.GetValue<long>());
        Assert.Equal(-1, spec["negative"]!.GetValue<int>());
        Assert.True(spec["enabled"]!.GetValue<bool>());
        Assert.False(spec["privileged"]!.GetValue<bool>());
        Assert.True(spec.ContainsKey("empty") && spec["empty"] is null);
        Assert.True(spec.ContainsKey("tilde") && spec["tilde"] is null);
        Assert.Equal("100m", Text(spec["cpu"]));
        Assert.Equal("0.3.1", Text(spec["version"]));
        Assert.Equal("/run/xtables.lock", Text(spec["path"]));
    }

    [Theory]
    [InlineData("on")]
    [InlineData("Off")]
    [InlineData("yes")]
    [InlineData("N")]
    [InlineData("0755")]
    [InlineData("0x1F")]
    [InlineData("0o17")]
    [InlineData("+1")]
    [InlineData("1_000")]
    [InlineData("1:30")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(".inf")]
    [InlineData(".NaN")]
    [InlineData("2026-12-06")]
    [InlineData("99999999999999999999")]
    public void Render_PlainScalarYaml11AndYaml12ReadDifferently_ThrowsAskingForQuotes(string text)
    {
        var error = Assert.Throws<ManifestTemplateException>(() => Spec($"  value: {text}\n"));

        Assert.Contains("double quotes", error.Message);
        Assert.Contains("line 6", error.Message);
    }

    [Theory]
    [InlineData("  a: &shared x\n  b: *shared\n")]
    [InlineData("  a: 1\n  a: 2\n")]
    [InlineData("  a: !!int \"3\"\n")]
    [InlineData("  on: x\n")]
    [InlineData("  a: [unclosed\n")]
    public void Render_YamlTheTemplatesDoNotUse_Throws(string body) =>
        Assert.Throws<ManifestTemplateException>(() => Spec(body));

    [Theory]
    [InlineData("- just a list\n")]
    [InlineData("kind: Example\nmetadata:\n  name: no-api-version\n")]
    [InlineData("# only a comment\n")]
    public void Render_DocumentThatIsNotAKubernetesObject_Throws(string template) =>
        Assert.Throws<ManifestTemplateException>(() => ManifestTemplates.RenderText("test.yaml", template, Values()));
}
