namespace Portal.Api.Platform;

/// <summary>The API's regions and zones, infrastructures, catalog entries, Service Configs and platforms.</summary>
public static class PlatformApi
{
    public static RouteGroupBuilder MapPlatformApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
