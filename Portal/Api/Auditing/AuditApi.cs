namespace Portal.Api.Auditing;

/// <summary>The API's audit entries.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
