using System.Text;
using Portal.Domain.Operations;
using Portal.Jobs.Operations;
using Portal.Jobs.Operations.Dispatch;

namespace Portal.Tests.Unit.Operations;

public sealed class ChangeFeedMessageTests
{
    [Fact]
    public void Encode_ManyChanges_SplitsIntoPayloadsUnderTheLimitThatDecodeToTheSameChanges()
    {
        var operations = Enumerable.Range(0, 500).Select(i => new OperationChanged(Guid.NewGuid(), "mks-node-pool.scale", "NodePool", Guid.NewGuid().ToString(),
            OperationState.Running, i % 5, StepState.Running) { CancelRequested = i % 7 == 0 }).ToList();
        var resources = Enumerable.Range(0, 200).Select(_ => new ResourceChanged("KubernetesCluster", Guid.NewGuid().ToString())).ToList();

        var payloads = ChangeFeedMessage.Encode("replica-a", operations, resources, refresh: false);

        Assert.True(payloads.Count > 1, "500 changes should not fit one payload.");
        Assert.All(payloads, p => Assert.InRange(Encoding.UTF8.GetByteCount(p), 1, ChangeFeedMessage.MaxPayloadBytes));
        var messages = payloads.Select(p => ChangeFeedMessage.Decode(p)!).ToList();
        Assert.All(messages, m => Assert.Equal("replica-a", m.From));
        Assert.All(messages, m => Assert.False(m.Refresh));
        Assert.Equal(operations, messages.SelectMany(m => m.Operations).Select(o => o.ToChange()));
        Assert.Equal(resources, messages.SelectMany(m => m.Resources).Select(r => r.ToChange()));
    }

    [Fact]
    public void Encode_ChangeTooLongForAnyPayload_IsDroppedForARefresh()
    {
        var huge = new ResourceChanged("KubernetesCluster", new string('x', 9_000));
        var small = new ResourceChanged("KubernetesCluster", "c-1");

        var payloads = ChangeFeedMessage.Encode("replica-a", [], [huge, small], refresh: false);

        var message = ChangeFeedMessage.Decode(Assert.Single(payloads))!;
        Assert.True(message.Refresh);
        Assert.Equal([small], message.Resources.Select(r => r.ToChange()));
    }

    [Fact]
    public void Encode_NothingToSend_GivesNoPayload() =>
        Assert.Empty(ChangeFeedMessage.Encode("replica-a", [], [], refresh: false));

    [Theory]
    [InlineData("hello")]
    [InlineData("{\"v\":2,\"from\":\"replica-a\"}")]
    [InlineData("{\"v\":1}")]
    [InlineData("{\"v\":1,\"from\":\"replica-a\",\"ops\":[{\"id\":\"not-a-guid\"}]}")]
    public void Decode_PayloadThatIsNotOurs_IsNull(string payload) => Assert.Null(ChangeFeedMessage.Decode(payload));
}
