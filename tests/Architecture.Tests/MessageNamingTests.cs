namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// One name per use case: <c>ApproveMilestoneCommand</c> is handled by <c>ApproveMilestoneHandler</c>,
/// <c>GetMilestoneQuery</c> by <c>GetMilestoneHandler</c>, and nothing else handles them.
/// How the rule was checked to fail: <see cref="RuleCanaryTests.NamingRule_WhenMessagesOrHandlersAreMisnamed_ReportsEachButAcceptsWellNamedPairs"/>
/// runs it on misnamed canaries (<c>Canaries.Naming</c>) and expects each reported.
/// </summary>
public sealed class MessageNamingTests
{
    private static readonly Type[] ApplicationTypes = Layers.Application.GetTypes();

    [Fact]
    public void Messages_WhenDiscovered_IncludeCommandsAndQueries()
    {
        var messages = Rules.Messages(ApplicationTypes);

        Assert.True(messages.Count(m => m.Kind == "Command") >= 10, $"Only {messages.Count(m => m.Kind == "Command")} commands found; discovery is broken.");
        Assert.True(messages.Count(m => m.Kind == "Query") >= 10, $"Only {messages.Count(m => m.Kind == "Query")} queries found; discovery is broken.");
    }

    [Fact]
    public void CommandsAndQueries_WhenInspected_AreNamedForTheirUseCaseWithOneHandlerOfTheSameName()
    {
        Assert.Empty(Rules.MessageNamingViolations(ApplicationTypes));
    }
}
