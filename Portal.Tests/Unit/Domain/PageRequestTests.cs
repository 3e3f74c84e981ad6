using Portal.Domain.Common;

namespace Portal.Tests.Unit.Domain;

public sealed class PageRequestTests
{
    [Fact]
    public void Defaults_StartAtTheTopWithTheDefaultPageSize()
    {
        var page = new PageRequest();

        Assert.Equal(0, page.SafeSkip);
        Assert.Equal(Limits.DefaultPageSize, page.SafeTake);
        Assert.Null(page.SafeSearch);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(int.MinValue, 0)]
    [InlineData(40, 40)]
    public void SafeSkip_Negative_IsClampedToZero(int skip, int expected)
    {
        Assert.Equal(expected, new PageRequest(Skip: skip).SafeSkip);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(50, 50)]
    [InlineData(Limits.MaxPageSize, Limits.MaxPageSize)]
    [InlineData(Limits.MaxPageSize + 1, Limits.MaxPageSize)]
    [InlineData(int.MaxValue, Limits.MaxPageSize)]
    public void SafeTake_OutOfRange_IsClampedBetweenOneAndTheMaximum(int take, int expected)
    {
        Assert.Equal(expected, new PageRequest(Take: take).SafeTake);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("  fra ", "fra")]
    public void SafeSearch_BlankIsNoSearchAndTextIsTrimmed(string? search, string? expected)
    {
        Assert.Equal(expected, new PageRequest(Search: search).SafeSearch);
    }
}
