using System.Text;
using System.Text.Json.Nodes;
using Portal.Jobs;
using Portal.Jobs.Databases;

namespace Portal.Tests.Unit.Databases;

/// <summary>Connection details from CloudNativePG's <c>{name}-app</c> Secret, without ever showing the password.</summary>
public sealed class DatabaseConnectionDetailsTests
{
    private const string Ns = "pg-0f1e2d3c4b5a";
    private const string Password = "Zq8Lr2vXw0pNcY4t";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>The keys CloudNativePG writes into the app Secret (pkg/specs/secrets.go), base64 as the API returns them.</summary>
    private static JsonObject DataSecret(string password = Password, string? omit = null)
    {
        var values = new Dictionary<string, string>
        {
            ["username"] = "orders_owner",
            ["user"] = "orders_owner",
            ["password"] = password,
            ["dbname"] = "orders",
            ["host"] = "orders-rw",
            ["port"] = "5432",
            ["pgpass"] = $"orders-rw:5432:orders:orders_owner:{password}\n",
            ["uri"] = $"postgresql://orders_owner:{password}@orders-rw.{Ns}:5432/orders",
        };
        var data = new JsonObject();
        foreach (var (key, value) in values.Where(kv => kv.Key != omit && !(omit == "username" && kv.Key == "user")))
            data[key] = B64(value);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "orders-app", ["namespace"] = Ns },
            ["type"] = "kubernetes.io/basic-auth",
            ["data"] = data,
        };
    }

    [Fact]
    public void FromAppSecret_Base64Data_ReadsDetailsWithQualifiedHosts()
    {
        var result = DatabaseConnectionDetails.FromAppSecret(DataSecret(), Ns, "orders");

        Assert.True(result.Succeeded);
        var details = result.Value;
        Assert.Equal($"orders-rw.{Ns}.svc", details.Host);
        Assert.Equal($"orders-ro.{Ns}.svc", details.ReadOnlyHost);
        Assert.Equal(5432, details.Port);
        Assert.Equal("orders", details.Database);
        Assert.Equal("orders_owner", details.User);
        Assert.Equal(Password, details.Password);
        Assert.Equal($"postgresql://orders_owner:{Password}@orders-rw.{Ns}.svc:5432/orders", details.Uri);
        Assert.Equal($"postgresql://orders_owner:{Password}@orders-ro.{Ns}.svc:5432/orders", details.ReadOnlyUri);
    }

    [Fact]
    public void FromAppSecret_StringData_ReadsDetails()
    {
        var secret = new JsonObject
        {
            ["kind"] = "Secret",
            ["stringData"] = new JsonObject { ["user"] = "app", ["password"] = Password, ["dbname"] = "app", ["port"] = "5433" },
        };

        var result = DatabaseConnectionDetails.FromAppSecret(secret, Ns, "shop");

        Assert.True(result.Succeeded);
        Assert.Equal("app", result.Value.User);
        Assert.Equal(5433, result.Value.Port);
        Assert.Equal($"postgresql://app:{Password}@shop-rw.{Ns}.svc:5433/app", result.Value.Uri);
    }

    [Fact]
    public void FromAppSecret_SpecialCharactersInPassword_ArePercentEncodedInUris()
    {
        const string awkward = "p@ss:w/rd?#%&= ü";

        var details = DatabaseConnectionDetails.FromAppSecret(DataSecret(awkward), Ns, "orders").Value!;

        Assert.Equal(awkward, details.Password);
        Assert.Equal($"postgresql://orders_owner:p%40ss%3Aw%2Frd%3F%23%25%26%3D%20%C3%BC@orders-rw.{Ns}.svc:5432/orders", details.Uri);
        var parsed = new Uri(details.Uri);
        Assert.Equal($"orders-rw.{Ns}.svc", parsed.Host);
        Assert.Equal(5432, parsed.Port);
        Assert.Equal(awkward, Uri.UnescapeDataString(parsed.UserInfo.Split(':')[1]));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("dbname")]
    [InlineData("username")]
    public void FromAppSecret_MissingKey_IsMalformedNamingTheKeyWithoutValues(string key)
    {
        var result = DatabaseConnectionDetails.FromAppSecret(DataSecret(omit: key), Ns, "orders");

        Assert.False(result.Succeeded);
        Assert.Equal(RemoteErrorKind.Malformed, result.Error.Kind);
        Assert.Contains($"'{key}'", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("orders_owner", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromAppSecret_NotBase64_IsMalformedWithoutTheValue()
    {
        var secret = DataSecret();
        secret["data"]!["password"] = "%%not-base64 " + Password;

        var result = DatabaseConnectionDetails.FromAppSecret(secret, Ns, "orders");

        Assert.Equal(RemoteErrorKind.Malformed, result.Error!.Kind);
        Assert.Contains("'password'", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromAppSecret_BadPort_IsMalformed()
    {
        var secret = DataSecret();
        secret["data"]!["port"] = B64("54x2");

        var result = DatabaseConnectionDetails.FromAppSecret(secret, Ns, "orders");

        Assert.Equal(RemoteErrorKind.Malformed, result.Error!.Kind);
        Assert.Contains("'port'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Details_HidesPasswordAndUris()
    {
        var details = DatabaseConnectionDetails.FromAppSecret(DataSecret(), Ns, "orders").Value!;

        var text = details.ToString();

        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
        Assert.Contains($"Host = orders-rw.{Ns}.svc", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, DatabaseConnectionDetails.FromAppSecret(DataSecret(), Ns, "orders").ToString(), StringComparison.Ordinal);
    }
}
