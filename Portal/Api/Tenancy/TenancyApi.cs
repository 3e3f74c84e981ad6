namespace Portal.Api.Tenancy;

/// <summary>The API's tenants, projects, members.</summary>
public static class TenancyApi
{
    public static RouteGroupBuilder MapTenancyApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
