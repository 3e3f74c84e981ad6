namespace Portal.Api.Databases;

/// <summary>The API's PostgreSQL databases and their connection details.</summary>
public static class DatabasesApi
{
    public static RouteGroupBuilder MapDatabasesApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
