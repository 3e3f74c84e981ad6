using Portal.Domain.Common;
using Portal.Domain.Operations;
using Portal.Domain.Tenancy;
using Portal.Tests.Support;

namespace Portal.Tests.Unit.Operations;

public sealed class OperationTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly Actor _admin = new("user-admin", "Ada Admin", PlatformRole.Admin);

    [Fact]
    public void Create_ValidInput_IsQueuedWithPendingStepsInOrder()
    {
        var operation = OperationBuilder.Queued("one", "two", "three");

        Assert.NotEqual(Guid.Empty, operation.Id);
        Assert.Equal(OperationState.Queued, operation.State);
        Assert.Equal(0, operation.Attempt);
        Assert.Equal(["one", "two", "three"], operation.Steps.Select(s => s.Name));
        Assert.Equal([0, 1, 2], operation.Steps.Select(s => s.Index));
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Pending, s.State));
        Assert.Equal(0, operation.FirstUnfinishedStepIndex);
        Assert.Equal("Ada Admin", operation.RequestedByName);
        Assert.Equal(_now, operation.CreatedAt);
    }

    [Fact]
    public void Create_NoSteps_Throws()
    {
        Assert.Throws<ArgumentException>(() => Operation.Create("test.kind", new OperationTarget("Platform", "p-1", "pg"), "{}", _admin, [], _now));
    }

    [Fact]
    public void Create_BlankKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => Operation.Create(" ", new OperationTarget("Platform", "p-1", "pg"), "{}", _admin, ["one"], _now));
    }

    [Fact]
    public void Start_Queued_RunsANewAttempt()
    {
        var operation = OperationBuilder.Queued("one");

        operation.Start(_now.AddSeconds(1));

        Assert.Equal(OperationState.Running, operation.State);
        Assert.Equal(1, operation.Attempt);
        Assert.Equal(_now.AddSeconds(1), operation.StartedAt);
    }

    [Fact]
    public void Start_AlreadyRunning_Throws()
    {
        var operation = OperationBuilder.Running("one");

        Assert.Throws<InvalidOperationException>(() => operation.Start(_now));
    }

    [Fact]
    public void StepStarted_OutOfOrder_Throws()
    {
        var operation = OperationBuilder.Running("one", "two");

        var error = Assert.Throws<InvalidOperationException>(() => operation.StepStarted(1, _now));
        Assert.Contains("next step to run is 0", error.Message);
    }

    [Fact]
    public void StepStarted_OperationQueued_Throws()
    {
        var operation = OperationBuilder.Queued("one");

        Assert.Throws<InvalidOperationException>(() => operation.StepStarted(0, _now));
    }

    [Fact]
    public void StepSucceeded_StepNotRunning_Throws()
    {
        var operation = OperationBuilder.Running("one");

        Assert.Throws<InvalidOperationException>(() => operation.StepSucceeded(0, null, _now));
    }

    [Fact]
    public void StepSucceeded_Running_RecordsAndMovesToTheNextStep()
    {
        var operation = OperationBuilder.Running("one", "two");
        operation.StepStarted(0, _now);

        operation.StepSucceeded(0, "Done.", _now.AddSeconds(2));

        Assert.Equal(StepState.Succeeded, operation.Steps[0].State);
        Assert.Equal("Done.", operation.Steps[0].Message);
        Assert.Equal(_now.AddSeconds(2), operation.Steps[0].FinishedAt);
        Assert.Equal(1, operation.FirstUnfinishedStepIndex);
    }

    [Fact]
    public void StepSkipped_Running_CountsAsDoneForSucceed()
    {
        var operation = OperationBuilder.Running("one");
        operation.StepStarted(0, _now);

        operation.StepSkipped(0, "Already installed.", _now);
        operation.Succeed(_now);

        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(StepState.Skipped, operation.Steps[0].State);
    }

    [Fact]
    public void Succeed_WithAnUnfinishedStep_Throws()
    {
        var operation = OperationBuilder.Running("one", "two");
        operation.StepStarted(0, _now);
        operation.StepSucceeded(0, null, _now);

        Assert.Throws<InvalidOperationException>(() => operation.Succeed(_now));
    }

    [Fact]
    public void Fail_WhileAStepIsRunning_Throws()
    {
        var operation = OperationBuilder.Running("one");
        operation.StepStarted(0, _now);

        Assert.Throws<InvalidOperationException>(() => operation.Fail("Broken.", _now));
    }

    [Fact]
    public void Fail_AfterTheStepFailed_RecordsTheError()
    {
        var operation = OperationBuilder.FailedAt(1, "Quota exceeded.", "one", "two", "three");

        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal("Quota exceeded.", operation.Error);
        Assert.Equal([StepState.Succeeded, StepState.Failed, StepState.Pending], operation.Steps.Select(s => s.State));
        Assert.NotNull(operation.FinishedAt);
    }

    [Fact]
    public void Fail_FinishedOperation_Throws()
    {
        var operation = OperationBuilder.FailedAt(0, "Broken.", "one");

        Assert.Throws<InvalidOperationException>(() => operation.Fail("Again.", _now));
    }

    [Fact]
    public void Retry_Failed_QueuesItToContinueFromTheFailedStep()
    {
        var operation = OperationBuilder.FailedAt(1, "Quota exceeded.", "one", "two", "three");

        operation.Retry(_admin, _now).ShouldSucceed();

        Assert.Equal(OperationState.Queued, operation.State);
        Assert.Null(operation.Error);
        Assert.Null(operation.FinishedAt);
        Assert.Equal([StepState.Succeeded, StepState.Pending, StepState.Pending], operation.Steps.Select(s => s.State));
        Assert.Equal(1, operation.FirstUnfinishedStepIndex);
        Assert.Contains("Quota exceeded.", operation.Steps[1].Message);
        operation.Start(_now);
        Assert.Equal(2, operation.Attempt);
    }

    [Theory]
    [InlineData(OperationState.Queued)]
    [InlineData(OperationState.Running)]
    [InlineData(OperationState.Succeeded)]
    [InlineData(OperationState.Cancelled)]
    public void Retry_NotFailed_IsRefusedAsAConflict(OperationState state)
    {
        var operation = OperationBuilder.In(state);

        operation.Retry(_admin, _now).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(state, operation.State);
    }

    [Fact]
    public void RequestCancel_Queued_CancelsAtOnceAndRecordsWho()
    {
        var operation = OperationBuilder.Queued("one", "two");

        operation.RequestCancel(_admin, _now).ShouldSucceed();

        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal("user-admin", operation.CancelledById);
        Assert.Equal("Ada Admin", operation.CancelledByName);
        Assert.All(operation.Steps, s => Assert.Equal(StepState.Skipped, s.State));
        Assert.Equal(_now, operation.FinishedAt);
    }

    [Fact]
    public void RequestCancel_Running_OnlyMarksItUntilTheEngineStops()
    {
        var operation = OperationBuilder.Running("one", "two");
        operation.StepStarted(0, _now);

        operation.RequestCancel(_admin, _now).ShouldSucceed();

        Assert.Equal(OperationState.Running, operation.State);
        Assert.True(operation.CancelRequested);
        operation.Cancel(_now.AddSeconds(1));
        Assert.Equal(OperationState.Cancelled, operation.State);
        Assert.Equal([StepState.Skipped, StepState.Skipped], operation.Steps.Select(s => s.State));
        Assert.Contains("Stopped while running", operation.Steps[0].Message);
    }

    [Fact]
    public void RequestCancel_Twice_IsRefusedNamingWhoAskedFirst()
    {
        var operation = OperationBuilder.Running("one");
        operation.RequestCancel(_admin, _now).ShouldSucceed();

        var refusal = operation.RequestCancel(new Actor("user-2", "Bea", PlatformRole.Admin), _now).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Contains("Ada Admin", refusal.Message);
        Assert.Equal("Ada Admin", operation.CancelledByName);
    }

    [Theory]
    [InlineData(OperationState.Succeeded)]
    [InlineData(OperationState.Failed)]
    [InlineData(OperationState.Cancelled)]
    public void RequestCancel_Finished_IsRefusedAsAConflict(OperationState state)
    {
        var operation = OperationBuilder.In(state);
        var version = operation.UpdatedAt;

        operation.RequestCancel(_admin, _now.AddHours(1)).ShouldBeRefused(RefusalKind.Conflict);

        Assert.Equal(state, operation.State);
        Assert.Equal(version, operation.UpdatedAt);
    }

    [Fact]
    public void Cancel_WithoutARequest_Throws()
    {
        var operation = OperationBuilder.Running("one");

        Assert.Throws<InvalidOperationException>(() => operation.Cancel(_now));
    }

    [Fact]
    public void Resume_InterruptedStep_GoesBackToPendingToRunAgain()
    {
        var operation = OperationBuilder.Running("one", "two");
        operation.StepStarted(0, _now);
        operation.StepSucceeded(0, null, _now);
        operation.StepStarted(1, _now);

        operation.Resume(_now.AddMinutes(5));

        Assert.Equal(OperationState.Running, operation.State);
        Assert.Equal([StepState.Succeeded, StepState.Pending], operation.Steps.Select(s => s.State));
        Assert.Equal(1, operation.FirstUnfinishedStepIndex);
        Assert.Equal(1, operation.Attempt);
        Assert.Contains("Interrupted", operation.Steps[1].Message);
    }

    [Fact]
    public void Resume_NotRunning_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => OperationBuilder.Queued("one").Resume(_now));
    }

    [Fact]
    public void StepFailed_LongMessage_IsClipped()
    {
        var operation = OperationBuilder.Running("one");
        operation.StepStarted(0, _now);

        operation.StepFailed(0, new string('x', Operation.MessageMaxLength + 500), _now);

        Assert.Equal(Operation.MessageMaxLength, operation.Steps[0].Message!.Length);
    }

    [Fact]
    public void Transitions_EachOne_MovesUpdatedAt()
    {
        var operation = OperationBuilder.Queued("one");
        var times = new List<DateTimeOffset> { operation.UpdatedAt };

        operation.Start(_now.AddSeconds(1));
        times.Add(operation.UpdatedAt);
        operation.StepStarted(0, _now.AddSeconds(2));
        times.Add(operation.UpdatedAt);
        operation.StepProgress(0, "Working.", _now.AddSeconds(3));
        times.Add(operation.UpdatedAt);
        operation.StepSucceeded(0, null, _now.AddSeconds(4));
        times.Add(operation.UpdatedAt);
        operation.Succeed(_now.AddSeconds(5));
        times.Add(operation.UpdatedAt);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => _now.AddSeconds(i)), times);
    }

    /// <summary>Operations in a given state, built through the transitions (never by setting fields).</summary>
    private static class OperationBuilder
    {
        public static Operation Queued(params string[] steps) =>
            Operation.Create("test.kind", new OperationTarget("Platform", "p-1", "pg main"), "{}", _admin, steps, _now);

        public static Operation Running(params string[] steps)
        {
            var operation = Queued(steps);
            operation.Start(_now);
            return operation;
        }

        public static Operation FailedAt(int failedStep, string error, params string[] steps)
        {
            var operation = Running(steps);
            for (var i = 0; i < failedStep; i++)
            {
                operation.StepStarted(i, _now);
                operation.StepSucceeded(i, null, _now);
            }
            operation.StepStarted(failedStep, _now);
            operation.StepFailed(failedStep, error, _now);
            operation.Fail(error, _now);
            return operation;
        }

        public static Operation In(OperationState state)
        {
            switch (state)
            {
                case OperationState.Queued:
                    return Queued("one");
                case OperationState.Running:
                    return Running("one");
                case OperationState.Failed:
                    return FailedAt(0, "Broken.", "one");
                case OperationState.Cancelled:
                    var cancelled = Queued("one");
                    cancelled.RequestCancel(_admin, _now).ShouldSucceed();
                    return cancelled;
                case OperationState.Succeeded:
                    var succeeded = Running("one");
                    succeeded.StepStarted(0, _now);
                    succeeded.StepSucceeded(0, null, _now);
                    succeeded.Succeed(_now);
                    return succeeded;
                default:
                    throw new ArgumentOutOfRangeException(nameof(state));
            }
        }
    }
}
