namespace Portal.Components.Shared;

/// <summary>How a state badge reads: the palette colour it takes in the light and dark themes.</summary>
public enum BadgeTone
{
    Neutral,
    Success,
    Info,
    Warning,
    Error,
    Muted,
}
