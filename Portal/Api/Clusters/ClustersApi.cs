namespace Portal.Api.Clusters;

/// <summary>The API's Kubernetes clusters, node pools and kubeconfigs.</summary>
public static class ClustersApi
{
    public static RouteGroupBuilder MapClustersApi(this RouteGroupBuilder api)
    {
        return api;
    }
}
