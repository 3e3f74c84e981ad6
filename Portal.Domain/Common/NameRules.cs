using System.Text.RegularExpressions;

namespace Portal.Domain.Common;

/// <summary>The rules every human-given name and description follows.</summary>
public static partial class NameRules
{
    /// <summary>Trims a name and checks it; returns the normalized name or a field-level refusal.</summary>
    public static Result<string> Name(string? raw) => Name(raw, Fields.Name, "Name");

    /// <summary>Trims a name given in the field <paramref name="field"/>, which messages call <paramref name="label"/>.</summary>
    public static Result<string> Name(string? raw, FieldKey field, string label, int maxLength = Limits.NameMaxLength)
    {
        var value = raw?.Trim() ?? "";
        if (value.Length == 0)
            return Refusal.Invalid(field, $"{label} is required.");
        if (HiddenCharacters.WhyNot(value, label) is { } hidden)
            return Refusal.Invalid(field, hidden);
        if (value.Length > maxLength)
            return Refusal.Invalid(field, $"{label} must be at most {maxLength} characters (it has {value.Length}).");
        return value;
    }

    /// <summary>A name and an optional description, checked together (the pair most entities carry).</summary>
    public static Result<NamedText> NameAndDescription(string? name, string? description)
    {
        var validName = Name(name);
        if (!validName.Succeeded) return validName.Refusal!;
        var validDescription = Description(description);
        if (!validDescription.Succeeded) return validDescription.Refusal!;
        return new NamedText(validName.Value!, validDescription.Value!);
    }

    /// <summary>Optional free text; line breaks and tabs are allowed, other control characters are not.</summary>
    public static Result<string> Description(string? raw)
    {
        var value = raw?.Trim() ?? "";
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            return Refusal.Invalid(Fields.Description, "Description must not contain control characters.");
        if (value.Length > Limits.DescriptionMaxLength)
            return Refusal.Invalid(Fields.Description, $"Description must be at most {Limits.DescriptionMaxLength} characters (it has {value.Length}).");
        return value;
    }

    /// <summary>Derives a URL-safe slug from a display name: lower-case letters, digits and single hyphens.</summary>
    public static string SlugFrom(string? name)
    {
        var lowered = (name ?? "").Trim().ToLowerInvariant();
        var slug = NonSlugCharacters().Replace(lowered, "-").Trim('-');
        if (slug.Length > Limits.SlugMaxLength)
            slug = slug[..Limits.SlugMaxLength].TrimEnd('-');
        return slug;
    }

    public static Result<string> Slug(string? raw)
    {
        var value = raw?.Trim() ?? "";
        if (value.Length == 0)
            return Refusal.Invalid(Fields.Slug, "Slug is required.");
        if (value.Length > Limits.SlugMaxLength)
            return Refusal.Invalid(Fields.Slug, $"Slug must be at most {Limits.SlugMaxLength} characters (it has {value.Length}).");
        if (!SlugPattern().IsMatch(value))
            return Refusal.Invalid(Fields.Slug, "Slug may contain only lower-case letters, digits and single hyphens, and must start and end with a letter or digit.");
        return value;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugCharacters();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}

/// <summary>A validated name and description.</summary>
public readonly record struct NamedText(string Name, string Description);
