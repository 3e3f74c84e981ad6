namespace Portal.Components.Shared;

/// <summary>How sizes read on every page.</summary>
public static class Units
{
    public static string Ram(int megabytes) => megabytes switch
    {
        0 => "—",
        < 1024 => $"{megabytes} MB",
        _ when megabytes % 1024 == 0 => $"{megabytes / 1024} GB",
        _ => $"{megabytes / 1024.0:0.#} GB",
    };
}
