using Microsoft.AspNetCore.Components;

namespace Portal.Components.Shared;

/// <summary>
/// A MudBlazor icon as plain SVG markup with MudBlazor's icon classes, for grid cells: a MudIcon or MudIconButton per
/// row is a live component on every circuit, while this is markup only.
/// </summary>
public static class PlainIcon
{
    public static MarkupString Svg(string icon, string size = "small") =>
        new($"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-{size}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">{icon}</svg>");
}
