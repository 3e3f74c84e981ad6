using Portal.Domain.ServiceConfigs;

namespace Portal.Components.ServiceConfigs;

public static class Modes
{
    public static string Describe(PostgresMode? mode) => mode switch
    {
        PostgresMode.Managed => "Managed",
        PostgresMode.ManagedTools => "Managed tools",
        PostgresMode.External => "External",
        null => "",
        _ => mode.ToString()!,
    };
}
