using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Integration.Web.Infrastructure;

/// <summary>
/// Talking to the portal as a browser without JavaScript would: GET a form, read its hidden fields, POST it.
/// Use a client from <see cref="PortalWebFactory.CreatePortalClient"/> (keeps cookies, no auto-redirect).
/// <code>
/// var client = factory.CreatePortalClient();
/// var response = await PortalHttp.SignInAsync(client, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
/// PortalHttp.AssertRedirect(response, "/");
/// </code>
/// </summary>
public static partial class PortalHttp
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string AuthCookieName = "Portal.Auth";
    public const string AntiforgeryFieldName = "__RequestVerificationToken";

    /// <summary>Signs in through the real sign-in form; returns the POST's response (a redirect when it worked).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var path = returnUrl is null ? LoginPath : $"{LoginPath}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var form = await GetFormAsync(client, path);
        Assert.Equal("login", form.Fields.GetValueOrDefault("_handler"));
        form.Fields["Input.Email"] = email;
        form.Fields["Input.Password"] = password;
        return await client.PostAsync(path, new FormUrlEncodedContent(form.Fields));
    }

    /// <summary>Signs in and fails the test unless the portal accepted the credentials.</summary>
    public static async Task SignInOrFailAsync(HttpClient client, string email, string password)
    {
        using var response = await SignInAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || !SetsCookie(response, AuthCookieName))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Sign-in as {email} did not succeed: {(int)response.StatusCode} {response.StatusCode}. " +
                $"Message on the page: {FormError(body) ?? "(none)"}");
        }
    }

    /// <summary>
    /// Signs out as the account menu's form does: a POST with the antiforgery token of a signed-in page. The token is
    /// taken from the (static) change-password form by default: the menu's own form is rendered only once the menu is
    /// opened, so a prerendered page carries none.
    /// </summary>
    public static async Task<HttpResponseMessage> SignOutAsync(HttpClient client, string fromPage = "/account/change-password")
    {
        var html = await GetHtmlAsync(client, fromPage);
        var token = HiddenInputs(html).GetValueOrDefault(AntiforgeryFieldName)
            ?? throw new InvalidOperationException($"{fromPage} has no antiforgery token (is the client signed in?).");
        return await client.PostAsync(LogoutPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [AntiforgeryFieldName] = token,
            ["returnUrl"] = "",
        }));
    }

    /// <summary>GETs a page (must answer 200) and returns its HTML.</summary>
    public static async Task<string> GetHtmlAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET {path} answered {(int)response.StatusCode} {response.StatusCode} (Location: {response.Headers.Location}).");
        return html;
    }

    /// <summary>GETs a page and returns its first form's hidden fields (antiforgery token, <c>_handler</c>, ...).</summary>
    public static async Task<HtmlForm> GetFormAsync(HttpClient client, string path)
    {
        var html = await GetHtmlAsync(client, path);
        var fields = HiddenInputs(html);
        Assert.True(fields.ContainsKey(AntiforgeryFieldName), $"GET {path} rendered no {AntiforgeryFieldName} field.");
        return new HtmlForm(html, fields);
    }

    /// <summary>The hidden inputs of a page, by name (first occurrence wins), values HTML-decoded.</summary>
    public static Dictionary<string, string> HiddenInputs(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attributes(input.Value);
            if (!string.Equals(attributes.GetValueOrDefault("type"), "hidden", StringComparison.OrdinalIgnoreCase)) continue;
            if (attributes.GetValueOrDefault("name") is not { Length: > 0 } name) continue;
            fields.TryAdd(name, attributes.GetValueOrDefault("value") ?? "");
        }
        return fields;
    }

    /// <summary>The text of the page's form-level error (<c>role="alert"</c>), or null.</summary>
    public static string? FormError(string html)
    {
        var match = AlertBlock().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value).Trim() : null;
    }

    /// <summary>True when the response sets (not deletes) the named cookie.</summary>
    public static bool SetsCookie(HttpResponseMessage response, string name) =>
        SetCookieHeader(response, name) is { } header && !header.StartsWith($"{name}=;", StringComparison.Ordinal);

    /// <summary>The raw Set-Cookie header for the named cookie, or null.</summary>
    public static string? SetCookieHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal))
            : null;

    /// <summary>Asserts a 302 whose Location has the given path; returns the Location as a relative URI string.</summary>
    public static string AssertRedirect(HttpResponseMessage response, string expectedPath)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"Expected 302 to {expectedPath}, got {(int)response.StatusCode} {response.StatusCode}.");
        var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException("The redirect has no Location header.");
        var absolute = location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location);
        Assert.Equal(expectedPath, absolute.AbsolutePath);
        return absolute.PathAndQuery;
    }

    /// <summary>A query-string value from a URI or path-and-query, decoded.</summary>
    public static string? QueryValue(string pathAndQuery, string key)
    {
        var query = pathAndQuery.IndexOf('?') is var i and >= 0 ? pathAndQuery[(i + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (string.Equals(Uri.UnescapeDataString(parts[0]), key, StringComparison.OrdinalIgnoreCase))
                return parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
        }
        return null;
    }

    private static Dictionary<string, string> Attributes(string tag)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in AttributePattern().Matches(tag))
        {
            var value = attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                : attribute.Groups["bare"].Value;
            attributes.TryAdd(attribute.Groups["name"].Value, WebUtility.HtmlDecode(value));
        }
        return attributes;
    }

    [GeneratedRegex(@"<input\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex(@"(?<name>[\w:.-]+)\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s>]+))")]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"<div[^>]*role=""alert""[^>]*>(?<text>.*?)</div>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex AlertBlock();
}

/// <summary>A page's HTML and the hidden fields of its form, ready to add visible fields to and POST.</summary>
public sealed record HtmlForm(string Html, Dictionary<string, string> Fields);
