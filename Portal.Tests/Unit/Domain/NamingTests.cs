using Portal.Domain.Common;

namespace Portal.Tests.Unit.Domain;

public sealed class NamingTests
{
    [Fact]
    public void List_NoNames_IsEmpty()
    {
        Assert.Equal("", Naming.List([]));
    }

    [Fact]
    public void List_FiveOrFewer_NamesAllSortedIgnoringCase()
    {
        Assert.Equal("alpha, Bravo, charlie, Delta, echo", Naming.List(["echo", "Delta", "charlie", "Bravo", "alpha"]));
    }

    [Fact]
    public void List_MoreThanFive_NamesTheFirstFiveAndCountsTheRest()
    {
        var names = Enumerable.Range(1, 8).Select(i => $"zone-{i}");

        Assert.Equal("zone-1, zone-2, zone-3, zone-4, zone-5 and 3 more", Naming.List(names));
    }
}
