using Portal.Domain.Common;

namespace Portal.Tests.Support;

/// <summary>Readable assertions on domain results: <c>result.ShouldSucceed()</c>, <c>result.ShouldBeRefused(kind, field)</c>.</summary>
public static class ResultAssertions
{
    public static T ShouldSucceed<T>(this Result<T> result)
    {
        Assert.True(result.Succeeded, $"Expected success, but it was refused: {result.Refusal}");
        return result.Value!;
    }

    public static void ShouldSucceed(this Result result) =>
        Assert.True(result.Succeeded, $"Expected success, but it was refused: {result.Refusal}");

    /// <summary>Asserts a refusal of <paramref name="kind"/>; when <paramref name="field"/> is given, also its field.</summary>
    public static Refusal ShouldBeRefused(this Result result, RefusalKind kind, FieldKey? field = null)
    {
        Assert.False(result.Succeeded, $"Expected a {kind} refusal, but the request succeeded.");
        var refusal = result.Refusal!;
        Assert.Equal(kind, refusal.Kind);
        if (field is not null)
            Assert.Equal(field, refusal.Field);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Message), "A refusal must say why.");
        return refusal;
    }
}
