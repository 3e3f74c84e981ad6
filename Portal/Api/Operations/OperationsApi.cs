namespace Portal.Api.Operations;

/// <summary>The API's operations (the action history), retry and cancel.</summary>
public static class OperationsApi
{
    public static RouteGroupBuilder MapOperationsApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
