using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>The portal's one theme: an indigo accent on calm greys, in a light and a dark palette.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#5c6bc0",
            AppbarBackground = "#283593",
            AppbarText = "#ffffff",
            Background = "#f5f6f8",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1d1f24",
            TextPrimary = "#1d1f24",
            TextSecondary = "#5f6470",
            LinesDefault = "#e3e5ea",
            TableLines = "#e3e5ea",
            Success = "#1e7b34",
            Warning = "#9a6700",
            Error = "#b3261e",
            Info = "#1a5fb4",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#9fa8da",
            AppbarBackground = "#1b1e2b",
            AppbarText = "#e6e8ef",
            Background = "#12141a",
            Surface = "#1c1f27",
            DrawerBackground = "#171a21",
            DrawerText = "#e6e8ef",
            TextPrimary = "#e6e8ef",
            TextSecondary = "#a3a8b6",
            LinesDefault = "#30343f",
            TableLines = "#30343f",
            Success = "#6fcf86",
            Warning = "#e2b340",
            Error = "#f28b82",
            Info = "#8ab4f8",
            // The dark palette's status colours are light: text on them must be dark to stay readable.
            PrimaryContrastText = "#12141a",
            SuccessContrastText = "#12141a",
            InfoContrastText = "#12141a",
            WarningContrastText = "#12141a",
            ErrorContrastText = "#12141a",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px", AppbarHeight = "56px" },
    };
}
