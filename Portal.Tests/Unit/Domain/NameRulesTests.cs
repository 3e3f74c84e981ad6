using Portal.Domain.Common;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class NameRulesTests
{
    // ---- Name ----

    [Fact]
    public void Name_Null_IsInvalidOnNameAsRequired()
    {
        var refusal = NameRules.Name(null).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("Name is required.", refusal.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("    ")]
    [InlineData("\t \r\n ")]
    public void Name_EmptyOrWhitespace_IsInvalidOnNameAsRequired(string raw)
    {
        var refusal = NameRules.Name(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains("required", refusal.Message);
    }

    [Theory]
    [InlineData("  Frankfurt", "Frankfurt")]
    [InlineData("Frankfurt  ", "Frankfurt")]
    [InlineData("\t Frankfurt \r\n", "Frankfurt")]
    public void Name_SurroundingWhitespace_IsTrimmed(string raw, string expected)
    {
        Assert.Equal(expected, NameRules.Name(raw).ShouldSucceed());
    }

    [Theory]
    [InlineData("eu-west 1 (Frankfurt)")]
    [InlineData("Zürich Nord")]
    [InlineData("a")]
    [InlineData("Team #42: Ops & Dev's")]
    public void Name_PrintableCharactersAndInnerSpaces_AreKeptAsGiven(string raw)
    {
        Assert.Equal(raw, NameRules.Name(raw).ShouldSucceed());
    }

    [Theory]
    [InlineData("eu\twest")]
    [InlineData("eu\nwest")]
    [InlineData("eu\r\nwest")]
    [InlineData("eu\u0007west")]
    [InlineData("eu\u0000west")]
    [InlineData("eu\u001Bwest")]
    [InlineData("eu\u007Fwest")]
    [InlineData("euwest\u0007")]
    public void Name_ControlCharacter_IsInvalidOnName(string raw)
    {
        var refusal = NameRules.Name(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains("control characters", refusal.Message);
    }

    [Fact]
    public void Name_AtMaxLength_IsAccepted()
    {
        var name = new string('n', Limits.NameMaxLength);

        Assert.Equal(name, NameRules.Name(name).ShouldSucceed());
    }

    [Fact]
    public void Name_OverMaxLength_IsInvalidWithTheLimitAndTheLengthInTheMessage()
    {
        var name = new string('n', Limits.NameMaxLength + 1);

        var refusal = NameRules.Name(name).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Contains($"at most {Limits.NameMaxLength} characters", refusal.Message);
        Assert.Contains($"it has {Limits.NameMaxLength + 1}", refusal.Message);
    }

    [Fact]
    public void Name_LengthIsMeasuredAfterTrimming()
    {
        var name = new string('n', Limits.NameMaxLength);

        Assert.Equal(name, NameRules.Name($"   {name}   ").ShouldSucceed());
    }

    [Fact]
    public void Name_CustomFieldAndLimit_AreUsedInTheRefusal()
    {
        var refusal = NameRules.Name(new string('d', 11), Fields.DisplayName, "Display name", maxLength: 10).ShouldBeRefused(RefusalKind.Invalid, Fields.DisplayName);

        Assert.StartsWith("Display name must be at most 10 characters", refusal.Message);
        NameRules.Name("", Fields.DisplayName, "Display name").ShouldBeRefused(RefusalKind.Invalid, Fields.DisplayName);
    }

    // ---- Description ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Description_Missing_IsAcceptedAsEmpty(string? raw)
    {
        Assert.Equal("", NameRules.Description(raw).ShouldSucceed());
    }

    [Fact]
    public void Description_SurroundingWhitespace_IsTrimmed()
    {
        Assert.Equal("Main site", NameRules.Description("  Main site \n").ShouldSucceed());
    }

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("line one\r\nline two")]
    [InlineData("column\tcolumn")]
    public void Description_LineBreaksAndTabs_AreAllowed(string raw)
    {
        Assert.Equal(raw, NameRules.Description(raw).ShouldSucceed());
    }

    [Theory]
    [InlineData("bell\u0007")]
    [InlineData("nul\u0000inside")]
    [InlineData("escape\u001B[31mred")]
    [InlineData("delete\u007F")]
    [InlineData("vertical\u000Btab")]
    public void Description_OtherControlCharacter_IsInvalidOnDescription(string raw)
    {
        var refusal = NameRules.Description(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);

        Assert.Contains("control characters", refusal.Message);
    }

    [Fact]
    public void Description_AtMaxLength_IsAccepted()
    {
        var text = new string('d', Limits.DescriptionMaxLength);

        Assert.Equal(text, NameRules.Description(text).ShouldSucceed());
    }

    [Fact]
    public void Description_OverMaxLength_IsInvalidWithTheLimitAndTheLengthInTheMessage()
    {
        var text = new string('d', Limits.DescriptionMaxLength + 1);

        var refusal = NameRules.Description(text).ShouldBeRefused(RefusalKind.Invalid, Fields.Description);

        Assert.Contains($"at most {Limits.DescriptionMaxLength} characters", refusal.Message);
        Assert.Contains($"it has {Limits.DescriptionMaxLength + 1}", refusal.Message);
    }

    // ---- SlugFrom ----

    [Theory]
    [InlineData("Acme", "acme")]
    [InlineData("Acme Corp", "acme-corp")]
    [InlineData("ACME corp 2", "acme-corp-2")]
    [InlineData("Acme  &  Co.  Ltd", "acme-co-ltd")]
    [InlineData("  --Acme!--  ", "acme")]
    [InlineData("acme_corp.io", "acme-corp-io")]
    [InlineData("Café Zürich", "caf-z-rich")]
    public void SlugFrom_DisplayName_IsLowerCaseLettersDigitsAndSingleHyphens(string name, string expected)
    {
        Assert.Equal(expected, NameRules.SlugFrom(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!!")]
    public void SlugFrom_NothingUsable_IsEmpty(string? name)
    {
        Assert.Equal("", NameRules.SlugFrom(name));
    }

    [Fact]
    public void SlugFrom_LongName_IsCutToSlugMaxLength()
    {
        var slug = NameRules.SlugFrom(new string('a', 100));

        Assert.Equal(new string('a', Limits.SlugMaxLength), slug);
    }

    [Fact]
    public void SlugFrom_CutThatEndsOnAHyphen_DropsTheHyphen()
    {
        // 39 letters, a space, then more: the cut at 40 would end with '-'.
        var slug = NameRules.SlugFrom(new string('a', Limits.SlugMaxLength - 1) + " bcd");

        Assert.Equal(new string('a', Limits.SlugMaxLength - 1), slug);
    }

    [Theory]
    [InlineData("Acme Corp")]
    [InlineData("  Team -- Blue / Ops  ")]
    [InlineData("The Very Long Name Of A Customer Account That Goes On And On")]
    [InlineData("x")]
    public void SlugFrom_AnyNameWithLettersOrDigits_ProducesAValidSlug(string name)
    {
        var slug = NameRules.SlugFrom(name);

        Assert.Equal(slug, NameRules.Slug(slug).ShouldSucceed());
    }

    // ---- Slug ----

    [Theory]
    [InlineData("acme")]
    [InlineData("acme-corp")]
    [InlineData("a1-b2-c3")]
    [InlineData("42")]
    public void Slug_LowerCaseLettersDigitsAndSingleHyphens_IsAccepted(string raw)
    {
        Assert.Equal(raw, NameRules.Slug(raw).ShouldSucceed());
    }

    [Fact]
    public void Slug_SurroundingWhitespace_IsTrimmed()
    {
        Assert.Equal("acme", NameRules.Slug("  acme ").ShouldSucceed());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Slug_Missing_IsInvalidOnSlugAsRequired(string? raw)
    {
        var refusal = NameRules.Slug(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);

        Assert.Equal("Slug is required.", refusal.Message);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("acme corp")]
    [InlineData("acme--corp")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme_corp")]
    [InlineData("acmé")]
    [InlineData("acme.io")]
    public void Slug_OtherCharactersOrHyphenPlacement_IsInvalidOnSlug(string raw)
    {
        var refusal = NameRules.Slug(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);

        Assert.Contains("lower-case letters, digits and single hyphens", refusal.Message);
    }

    [Fact]
    public void Slug_AtMaxLength_IsAccepted()
    {
        var slug = new string('s', Limits.SlugMaxLength);

        Assert.Equal(slug, NameRules.Slug(slug).ShouldSucceed());
    }

    [Fact]
    public void Slug_OverMaxLength_IsInvalidWithTheLengthInTheMessage()
    {
        var refusal = NameRules.Slug(new string('s', Limits.SlugMaxLength + 1)).ShouldBeRefused(RefusalKind.Invalid, Fields.Slug);

        Assert.Contains($"at most {Limits.SlugMaxLength} characters", refusal.Message);
        Assert.Contains($"it has {Limits.SlugMaxLength + 1}", refusal.Message);
    }
}
