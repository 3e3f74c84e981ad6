using System.Text.Json;
using Portal.Api.Common;
using Portal.Domain.Auditing;

namespace Portal.Api.Auditing;

/// <summary>The API's audit trail: every command, allowed or refused, newest first. Platform readers, as on the Audit page.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-entries", ListAsync).WithTags("Audit").WithName("listAuditEntries").WithSummary("The audit trail, newest first (platform readers)")
            .Produces<ApiPage<AuditEntryResource>>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, AuditQueries audit, AuditOutcome? outcome, string? search, int? pageSize, string? pageToken)
    {
        if (!ApiPaging.TryRead(pageToken, pageSize, search, out var page, out var problem, outcome)) return problem!;
        var rows = await audit.ListAsync(http.Actor(), page, outcome, http.RequestAborted);
        return ApiResults.Answer(http, rows, p => TypedResults.Ok(ApiPaging.Answer(p, page, AuditEntryResource.From, search, outcome)));
    }
}

/// <summary>
/// One audited command. <see cref="Parameters"/> is what was asked, as recorded (never a secret: commands record
/// secrets as "set" or "unchanged"); <see cref="Reason"/> is the refusal's message when the outcome is not success.
/// </summary>
public sealed record AuditEntryResource(Guid Id, DateTimeOffset At, string ActorName, string Action, string TargetType, string TargetName,
    JsonElement Parameters, AuditOutcome Outcome, string? Reason)
{
    public static AuditEntryResource From(AuditRow row) => new(row.Id, row.At, row.ActorName, row.Action, row.TargetType, row.TargetName,
        Parse(row.Parameters), row.Outcome, row.Reason);

    private static JsonElement Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var fallback = JsonDocument.Parse(JsonSerializer.Serialize(new { text = json }));
            return fallback.RootElement.Clone();
        }
    }
}
