using Microsoft.AspNetCore.Identity;
using Portal.Domain.Identity;

namespace Portal.Tests.Unit.Identity;

public sealed class PasswordStrengthValidatorTests
{
    private static readonly PortalUser User = new() { Email = "grace.hopper@acme.test", DisplayName = "Grace Hopper" };

    [Theory]
    [InlineData("password1234", "one of the most used passwords")]
    [InlineData("P@ssw0rd12345", "one of the most used passwords")]
    [InlineData("iloveyou2024!", "one of the most used passwords")]
    [InlineData("aaaaaaaaaaaaaaaa", "repeats the same characters")]
    [InlineData("123456789012", "sequence")]
    [InlineData("grace.hopper2024", "part of your email, your name or the portal's name")]
    public async Task Validate_GuessablePassword_IsRefusedSayingWhy(string password, string why)
    {
        var result = await new PasswordStrengthValidator().ValidateAsync(null!, User, password);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Password", error.Code);
        Assert.Contains(why, error.Description);
    }

    [Theory]
    [InlineData("correct-horse-battery-staple")]
    [InlineData("Zq8Lr2vXw0pN")]
    [InlineData("violet tractor under seven lanterns")]
    public async Task Validate_LongUnrelatedWordsOrRandomCharacters_AreAccepted(string password)
    {
        var result = await new PasswordStrengthValidator().ValidateAsync(null!, User, password);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
