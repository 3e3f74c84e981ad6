using System.Text;
using Microsoft.Playwright;
using Portal.Tests.E2E.Infrastructure;
using Portal.Tests.Unit.Kubernetes;
using Xunit.Abstractions;

namespace Portal.Tests.E2E;

/// <summary>
/// Large pastes and file uploads in the connection form: a paste well past the circuit's default message size arrives
/// and fills the form, a clouds.yaml and a CA bundle can be uploaded instead, and a file over the limit is refused with
/// its size and the limit rather than ignored.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PastedTextUploadTests(PortalBrowserFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    private const string AuthUrl = "https://keystone.big.example:5000/v3";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.SetViewportSizeAsync(1366, 1500);
    }

    /// <summary>A clouds.yaml of about <paramref name="kilobytes"/> KB: a real entry after many comment lines.</summary>
    private static string LargeCloudsYaml(int kilobytes)
    {
        var text = new StringBuilder();
        while (text.Length < kilobytes * 1024)
            text.Append("# This clouds.yaml carries the long comments some dashboards write into the file they offer.\n");
        text.Append($"""
            clouds:
              big:
                auth:
                  auth_url: {AuthUrl}
                  application_credential_id: "app-big-1"
                  application_credential_secret: "big-secret-9d1f"
                region_name: RegionBig
                auth_type: v3applicationcredential
            """);
        return text.ToString();
    }

    private async Task<InfrastructureWizardScreen> OpenOpenStackFormAsync()
    {
        await SignInAsAdminAsync();
        var wizard = new InfrastructureWizardScreen(Page);
        await wizard.StartFromListAsync();
        await wizard.FillNameAsync("Large paste");
        await wizard.ChooseOpenStackAsync();
        return wizard;
    }

    [Fact]
    public Task Pasting_a_40_KB_clouds_yaml_fills_the_connection_form() => RunAsync(async page =>
    {
        var wizard = await OpenOpenStackFormAsync();

        await wizard.PasteConnectionAsync(LargeCloudsYaml(40));

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Filled from clouds.yaml 'big'." })).ToBeVisibleAsync();
        await Expect(wizard.AuthUrlField).ToHaveValueAsync(AuthUrl);
        await Expect(wizard.RegionNameField).ToHaveValueAsync("RegionBig");
        await SnapshotAsync("large-paste-filled");
    });

    [Fact]
    public Task Uploading_a_clouds_yaml_and_a_CA_bundle_fills_the_connection_form() => RunAsync(async page =>
    {
        var wizard = await OpenOpenStackFormAsync();
        await wizard.PasteSummary.ClickAsync();

        await page.Locator("#conn-paste-file").SetInputFilesAsync(new FilePayload
        {
            Name = "clouds.yaml",
            MimeType = "application/yaml",
            Buffer = Encoding.UTF8.GetBytes(LargeCloudsYaml(40)),
        });

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Filled from clouds.yaml 'big'." })).ToBeVisibleAsync();
        await Expect(wizard.AuthUrlField).ToHaveValueAsync(AuthUrl);

        using var pki = new KubeTestPki();
        await page.Locator("#conn-ca-file").SetInputFilesAsync(new FilePayload
        {
            Name = "ca.pem",
            MimeType = "application/x-pem-file",
            Buffer = Encoding.UTF8.GetBytes(pki.AuthorityPem),
        });

        await Expect(page.Locator("#conn-ca-state")).ToHaveTextAsync("Custom CA bundle (1 certificate)");
        await SnapshotAsync("uploads-filled");
    });

    [Fact]
    public Task Uploading_a_file_over_the_limit_says_its_size_and_the_limit() => RunAsync(async page =>
    {
        var wizard = await OpenOpenStackFormAsync();
        await wizard.PasteSummary.ClickAsync();

        await page.Locator("#conn-paste-file").SetInputFilesAsync(new FilePayload
        {
            Name = "huge-clouds.yaml",
            MimeType = "application/yaml",
            Buffer = Encoding.UTF8.GetBytes(LargeCloudsYaml(300)),
        });

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The file huge-clouds.yaml is 300" })).ToContainTextAsync("may be at most 256 KB");
        await Expect(wizard.AuthUrlField).ToHaveValueAsync("");
    });

    [Fact]
    public Task Uploading_a_binary_file_as_a_CA_bundle_says_it_is_not_text() => RunAsync(async page =>
    {
        await OpenOpenStackFormAsync();

        await page.Locator("#conn-ca-file").SetInputFilesAsync(new FilePayload
        {
            Name = "ca.der",
            MimeType = "application/octet-stream",
            Buffer = [0x30, 0x82, 0x03, 0x0A, 0x30, 0x82, 0x01, 0xF2, 0xA0, 0x03, 0x02, 0x01, 0x02, 0xFF, 0xFE],
        });

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The CA bundle file is not UTF-8 text" })).ToBeVisibleAsync();
        await Expect(page.Locator("#conn-ca-state")).ToHaveCountAsync(0);
    });
}
