using System.Text;
using Portal.Domain.Clusters;
using Portal.Domain.Common;
using Portal.Domain.Databases;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Domain;

public sealed class HiddenCharactersTests
{
    [Theory]
    [InlineData("Acme\u202Eevil", "Name contains a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE), which changes the order in which the text is shown; remove it.")]
    [InlineData("Acme\u202Aevil", "Name contains a bidirectional control character (U+202A LEFT-TO-RIGHT EMBEDDING), which changes the order in which the text is shown; remove it.")]
    [InlineData("Acme\u2066evil", "Name contains a bidirectional control character (U+2066 LEFT-TO-RIGHT ISOLATE), which changes the order in which the text is shown; remove it.")]
    [InlineData("Acme\u2069", "Name contains a bidirectional control character (U+2069 POP DIRECTIONAL ISOLATE), which changes the order in which the text is shown; remove it.")]
    [InlineData("\u200EAcme", "Name contains a bidirectional control character (U+200E LEFT-TO-RIGHT MARK), which changes the order in which the text is shown; remove it.")]
    [InlineData("Ac\u200Fme", "Name contains a bidirectional control character (U+200F RIGHT-TO-LEFT MARK), which changes the order in which the text is shown; remove it.")]
    [InlineData("Ac\u061Cme", "Name contains a bidirectional control character (U+061C ARABIC LETTER MARK), which changes the order in which the text is shown; remove it.")]
    public void Name_BidirectionalControl_IsRefusedNamingTheCharacter(string raw, string message)
    {
        Assert.Equal(message, NameRules.Name(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Name).Message);
    }

    [Theory]
    [InlineData("Ac\u200Bme", "U+200B ZERO WIDTH SPACE")]
    [InlineData("Ac\u200Cme", "U+200C ZERO WIDTH NON-JOINER")]
    [InlineData("Ac\u200Dme", "U+200D ZERO WIDTH JOINER")]
    [InlineData("Ac\u2060me", "U+2060 WORD JOINER")]
    [InlineData("Ac\u2063me", "U+2063 INVISIBLE SEPARATOR")]
    [InlineData("Ac\u2064me", "U+2064 INVISIBLE PLUS")]
    [InlineData("\uFEFFAcme", "U+FEFF ZERO WIDTH NO-BREAK SPACE")]
    [InlineData("Ac\u00ADme", "U+00AD SOFT HYPHEN")]
    [InlineData("Ac\u180Eme", "U+180E MONGOLIAN VOWEL SEPARATOR")]
    [InlineData("Ac\u034Fme", "U+034F COMBINING GRAPHEME JOINER")]
    [InlineData("Acme\uFE0F", "U+FE0F VARIATION SELECTOR-16")]
    [InlineData("Ac\u3164me", "U+3164 HANGUL FILLER")]
    [InlineData("Ac\u2800me", "U+2800 BRAILLE PATTERN BLANK")]
    [InlineData("Acme\U000E0041", "U+E0041")]
    public void Name_InvisibleCharacter_IsRefusedNamingTheCharacter(string raw, string character)
    {
        var refusal = NameRules.Name(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal($"Name contains an invisible character ({character}); remove it.", refusal.Message);
    }

    [Theory]
    [InlineData("eu\u0085west", "U+0085 NEXT LINE")]
    [InlineData("eu\u2028west", "U+2028 LINE SEPARATOR")]
    [InlineData("eu\u001Bwest", "U+001B ESCAPE")]
    public void Name_ControlCharacter_IsRefusedNamingTheCharacter(string raw, string character)
    {
        var refusal = NameRules.Name(raw).ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal($"Name must not contain control characters such as tabs or line breaks (it has {character}); remove it.", refusal.Message);
    }

    [Fact]
    public void Name_GivenLabel_UsesItInTheMessage()
    {
        var refusal = NameRules.Name("Ann\u200B", Fields.DisplayName, "Display name").ShouldBeRefused(RefusalKind.Invalid, Fields.DisplayName);

        Assert.Equal("Display name contains an invisible character (U+200B ZERO WIDTH SPACE); remove it.", refusal.Message);
    }

    [Theory]
    [InlineData("Zürich Nord")]
    [InlineData("東京 リージョン")]
    [InlineData("שלום עולם")]
    [InlineData("مرحبا")]
    [InlineData("Café\u0301")]
    [InlineData("Team 42 \u00A0Ops")]
    public void Name_VisibleTextInAnyScript_IsKept(string raw)
    {
        Assert.Equal(raw, NameRules.Name(raw).ShouldSucceed());
    }

    [Fact]
    public void ClusterName_InvisibleCharacter_IsRefusedNamingItRatherThanTheShape()
    {
        var refusal = ClusterRules.ClusterName("web\u200B-prod").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.Equal("The cluster name contains an invisible character (U+200B ZERO WIDTH SPACE); remove it.", refusal.Message);
    }

    [Fact]
    public void DatabaseName_BidirectionalControl_IsRefusedNamingIt()
    {
        var refusal = DatabaseRules.Name("orders\u202E").ShouldBeRefused(RefusalKind.Invalid, Fields.Name);

        Assert.StartsWith("The database name contains a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE)", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnnamedCharacter_GivesItsCodePoint()
    {
        Assert.Equal("U+2061 FUNCTION APPLICATION", HiddenCharacters.Describe(new Rune(0x2061)));
        Assert.Equal("U+E0020", HiddenCharacters.Describe(new Rune(0xE0020)));
    }
}
