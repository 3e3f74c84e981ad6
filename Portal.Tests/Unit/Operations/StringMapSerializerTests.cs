using System.Collections.Specialized;
using System.Text;
using Portal.Jobs.Operations.Scheduling;

namespace Portal.Tests.Unit.Operations;

public sealed class StringMapSerializerTests
{
    private readonly StringMapSerializer _serializer = new();

    [Fact]
    public void Serialize_JobDataProperties_WritesAFlatJsonObjectThatReadsBack()
    {
        var properties = new NameValueCollection { ["operationId"] = "3f2c7c1e-0000-0000-0000-000000000001", ["note"] = "ünïcode \"quoted\"", ["empty"] = null };

        var bytes = _serializer.Serialize(properties);
        var back = _serializer.DeSerialize<NameValueCollection>(bytes)!;

        Assert.StartsWith("{", Encoding.UTF8.GetString(bytes));
        Assert.Equal(properties.AllKeys.Order(), back.AllKeys.Order());
        Assert.Equal("ünïcode \"quoted\"", back["note"]);
        Assert.Equal("3f2c7c1e-0000-0000-0000-000000000001", back["operationId"]);
        Assert.Null(back["empty"]);
    }

    [Fact]
    public void Serialize_AnObject_IsRefusedWithAReason()
    {
        var error = Assert.Throws<NotSupportedException>(() => _serializer.Serialize(new Uri("https://example.test")));

        Assert.Contains("strings only", error.Message);
    }

    [Fact]
    public void DeSerialize_AnotherType_IsRefused()
    {
        Assert.Throws<NotSupportedException>(() => _serializer.DeSerialize<Uri>("{}"u8.ToArray()));
    }
}
