using Microsoft.AspNetCore.Identity;
using Zxcvbn.Matcher;
using ZxcvbnMatch = Zxcvbn.Match;

namespace Portal.Domain.Identity;

/// <summary>
/// Length over composition (NIST SP 800-63B): beyond the minimum length (<see cref="IdentitySettings"/>), a password is
/// refused when it is easy to guess — built on one of the most used passwords, a repeated character, a sequence or a
/// keyboard walk, or on the account's own email or the portal's name — and the message says which.
/// </summary>
public sealed class PasswordStrengthValidator : IPasswordValidator<PortalUser>
{
    /// <summary>zxcvbn's scale runs 0–4; below this a password falls to an online or offline guessing attack quickly.</summary>
    public const int MinimumScore = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        var context = ContextWords(user);
        var result = Zxcvbn.Zxcvbn.MatchPassword(password, context);
        if (result.Score >= MinimumScore) return Task.FromResult(IdentityResult.Success);
        return Task.FromResult(IdentityResult.Failed(new IdentityError
        {
            Code = "PasswordTooGuessable",
            Description = $"This password is too easy to guess: {Why(result.MatchSequence, context)} Use a longer phrase of unrelated words.",
        }));
    }

    private static List<string> ContextWords(PortalUser user)
    {
        var words = new List<string> { "portal" };
        if (user.Email is { Length: > 0 } email)
        {
            words.Add(email);
            words.AddRange(email.Split('@', '.', '-', '_', '+').Where(part => part.Length >= 3));
        }
        if (user.DisplayName is { Length: > 0 } name) words.AddRange(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(part => part.Length >= 3));
        return words;
    }

    private static string Why(IEnumerable<ZxcvbnMatch> matches, IReadOnlyCollection<string> context)
    {
        foreach (var match in matches)
        {
            switch (match)
            {
                case DictionaryMatch { DictionaryName: "user_inputs" } own:
                    return $"it contains '{own.Token}', which is part of your email, your name or the portal's name.";
                case DictionaryMatch { DictionaryName: "passwords" } common:
                    return $"it is built on '{common.Token}', one of the most used passwords.";
            }
        }
        var pattern = matches.Select(m => m.Pattern).FirstOrDefault(p => p is "repeat" or "sequence" or "spatial" or "date");
        return pattern switch
        {
            "repeat" => "it repeats the same characters.",
            "sequence" => "it is built on a sequence such as 1234 or abcd.",
            "spatial" => "it is built on a keyboard pattern such as qwerty.",
            "date" => "it is built on a date.",
            _ => "it is made of common words and patterns.",
        };
    }
}
