using System.Collections.Specialized;
using System.Text.Json;
using Quartz.Spi;

namespace Portal.Jobs.Operations.Scheduling;

/// <summary>
/// Quartz's serializer for the ADO job store. With <c>quartz.jobStore.useProperties = true</c> Quartz only ever
/// stores job data as a <see cref="NameValueCollection"/> of strings; this writes it as a flat JSON object.
/// Anything else (objects in job data, Quartz calendars) is refused: jobs carry ids, never objects. The built-in
/// binary serializer throws on .NET 9 and the JSON serializer packages are not available here.
/// </summary>
public sealed class StringMapSerializer : IObjectSerializer
{
    public void Initialize()
    {
    }

    public byte[] Serialize<T>(T obj) where T : class
    {
        var map = obj switch
        {
            NameValueCollection collection => collection.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => collection[k]),
            IDictionary<string, string?> dictionary => new Dictionary<string, string?>(dictionary),
            _ => throw new NotSupportedException(
                $"Quartz asked to store a {obj.GetType().Name}. The portal's job store keeps job data as strings only " +
                "(quartz.jobStore.useProperties); put ids in job data, not objects, and do not use Quartz calendars."),
        };
        return JsonSerializer.SerializeToUtf8Bytes(map);
    }

    public T? DeSerialize<T>(byte[] data) where T : class
    {
        if (!typeof(T).IsAssignableFrom(typeof(NameValueCollection)))
            throw new NotSupportedException($"The portal's job store cannot read a {typeof(T).Name}; it stores job data as strings only.");
        var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(data) ?? [];
        var collection = new NameValueCollection(map.Count);
        foreach (var (key, value) in map)
            collection[key] = value;
        return (T)(object)collection;
    }
}
