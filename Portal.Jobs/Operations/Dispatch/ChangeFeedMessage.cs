using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Domain.Operations;

namespace Portal.Jobs.Operations.Dispatch;

/// <summary>
/// One NOTIFY of the change feed: the replica it comes from and what changed there. Names fields one by one (ids,
/// kinds, states — what pages filter on) so that nothing else, such as an operation's parameters or a step's message,
/// can ever travel: every listener on the database can read it. Short field names keep about 35 operation changes
/// within one NOTIFY.
/// </summary>
internal sealed record ChangeFeedMessage
{
    /// <summary>The wire format's version: a replica ignores messages of another (a rolling upgrade reloads pages once it is done).</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// The longest payload sent, in bytes. PostgreSQL refuses 8,000 and more (NOTIFY's limit with the default block
    /// size); the margin is for the envelope's estimate.
    /// </summary>
    public const int MaxPayloadBytes = 7_800;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new JsonStringEnumConverter() },
    };

    [JsonPropertyName("v")] public int Version { get; init; } = CurrentVersion;

    /// <summary>The sending replica's instance id: a replica skips its own messages (it delivered them when it published).</summary>
    [JsonPropertyName("from")] public string From { get; init; } = "";

    /// <summary>The sender dropped some changes (it had more than it could hold): receivers reload everything.</summary>
    [JsonPropertyName("refresh")] public bool Refresh { get; init; }

    [JsonPropertyName("ops")] public List<OperationItem> Operations { get; init; } = [];

    [JsonPropertyName("res")] public List<ResourceItem> Resources { get; init; } = [];

    internal sealed record OperationItem(
        [property: JsonPropertyName("id")] Guid Id,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("tt")] string TargetType,
        [property: JsonPropertyName("ti")] string TargetId,
        [property: JsonPropertyName("s")] OperationState State,
        [property: JsonPropertyName("si")] int? StepIndex,
        [property: JsonPropertyName("ss")] StepState? StepState,
        [property: JsonPropertyName("c")] bool CancelRequested)
    {
        public static OperationItem Of(OperationChanged change) => new(change.OperationId, change.Kind, change.TargetType, change.TargetId,
            change.State, change.StepIndex, change.StepState, change.CancelRequested);

        public OperationChanged ToChange() => new(Id, Kind, TargetType, TargetId, State, StepIndex, StepState) { CancelRequested = CancelRequested };
    }

    internal sealed record ResourceItem([property: JsonPropertyName("t")] string Type, [property: JsonPropertyName("i")] string Id)
    {
        public ResourceChanged ToChange() => new(Type, Id);
    }

    /// <summary>
    /// The payloads that carry <paramref name="operations"/> and <paramref name="resources"/> from replica
    /// <paramref name="from"/>, each within <see cref="MaxPayloadBytes"/>, as few as fit. A change too long for any
    /// payload on its own (an absurd id) is dropped and replaced by a refresh. None when there is nothing to send.
    /// </summary>
    public static List<string> Encode(string from, IReadOnlyCollection<OperationChanged> operations, IReadOnlyCollection<ResourceChanged> resources,
        bool refresh, int maxBytes = MaxPayloadBytes)
    {
        var payloads = new List<string>();
        var current = new ChangeFeedMessage { From = from, Refresh = refresh };
        var size = Size(current);
        var envelope = size;

        void Add(int itemBytes, Action<ChangeFeedMessage> add)
        {
            if (envelope + itemBytes + 1 > maxBytes)
            {
                current = current with { Refresh = true };
                return;
            }
            if (size + itemBytes + 1 > maxBytes)
            {
                payloads.Add(Serialize(current));
                current = new ChangeFeedMessage { From = from };
                size = envelope;
            }
            add(current);
            size += itemBytes + 1;
        }

        foreach (var change in operations.Where(c => !c.IsRefresh))
        {
            var item = OperationItem.Of(change);
            Add(JsonSerializer.SerializeToUtf8Bytes(item, Json).Length, m => m.Operations.Add(item));
        }
        foreach (var change in resources.Where(c => !c.IsRefresh))
        {
            var item = new ResourceItem(change.Type, change.Id);
            Add(JsonSerializer.SerializeToUtf8Bytes(item, Json).Length, m => m.Resources.Add(item));
        }
        if (current.Refresh || current.Operations.Count > 0 || current.Resources.Count > 0)
            payloads.Add(Serialize(current));
        return payloads;
    }

    /// <summary>The message in <paramref name="payload"/>, or null when it is not one of ours (another version, or not JSON at all).</summary>
    public static ChangeFeedMessage? Decode(string payload)
    {
        try
        {
            var message = JsonSerializer.Deserialize<ChangeFeedMessage>(payload, Json);
            if (message is not { Version: CurrentVersion } || string.IsNullOrEmpty(message.From)) return null;
            // A list sent as null is an empty one.
            return message with { Operations = message.Operations ?? [], Resources = message.Resources ?? [] };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Serialize(ChangeFeedMessage message) => JsonSerializer.Serialize(message, Json);

    // The envelope with both lists empty; each item adds its own bytes and a comma (one too many per list: the margin).
    private static int Size(ChangeFeedMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, Json).Length;
}
