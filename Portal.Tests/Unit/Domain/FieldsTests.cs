using System.Reflection;
using System.Text.RegularExpressions;
using Portal.Domain.Common;

namespace Portal.Tests.Unit.Domain;

/// <summary>Field keys are a contract (pages match on them, an API will report them): distinct, API-shaped codes.</summary>
public sealed partial class FieldsTests
{
    private static IReadOnlyList<FieldKey> Declared() =>
        typeof(Fields).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(FieldKey))
            .Select(f => (FieldKey)f.GetValue(null)!).ToList();

    [Fact]
    public void Fields_EveryKey_HasItsOwnCode()
    {
        var codes = Declared().Select(k => k.Code).ToList();
        Assert.True(codes.Count > 40);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Fields_EveryCode_IsCamelCaseAndDotted()
    {
        foreach (var key in Declared().Concat(Fields.Pool(3).All))
            Assert.Matches(CodeShape(), key.Code);
    }

    [Fact]
    public void Pool_ByIndex_NamesTheItemOfTheRequestsPools()
    {
        Assert.Equal(new FieldKey("pools[0].flavor"), Fields.Pool(0).Flavor);
        Assert.Equal("pools[2].autoscaler.max", Fields.Pool(2).AutoscalerMax.Code);
        Assert.NotEqual(Fields.Pool(0).Name, Fields.Pool(1).Name);
        Assert.Equal(Fields.Name, Fields.SinglePool.Name);
    }

    [GeneratedRegex(@"^[a-z][A-Za-z]*(\[\d+\])?(\.[a-z][A-Za-z]*(\[\d+\])?)*$")]
    private static partial Regex CodeShape();
}
