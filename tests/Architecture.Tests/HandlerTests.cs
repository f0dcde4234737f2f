using OpenTrain.Clean.Application.Jobs.ListJobs;
using OpenTrain.Clean.Application.Milestones.FundMilestone;

namespace OpenTrain.Clean.Architecture.Tests;

/// <summary>
/// Handlers are leaves: sealed, never a base for another handler.
/// How the rule was checked to fail: <see cref="RuleCanaryTests.HandlerRule_WhenAHandlerIsNotSealed_ReportsIt"/>
/// discovers an unsealed <c>IQueryHandler</c> in this assembly and expects it reported.
/// </summary>
public sealed class HandlerTests
{
    private static readonly IReadOnlyList<Type> ApplicationHandlers = Rules.Handlers(Layers.Application.GetTypes());

    [Fact]
    public void Handlers_WhenDiscovered_IncludeCommandAndQueryHandlers()
    {
        Assert.Contains(typeof(FundMilestoneHandler), ApplicationHandlers);
        Assert.Contains(typeof(ListJobsHandler), ApplicationHandlers);
        Assert.True(ApplicationHandlers.Count >= 20, $"Only {ApplicationHandlers.Count} handlers found; discovery is broken.");
    }

    [Fact]
    public void Handlers_WhenInspected_AreSealed()
    {
        Assert.Empty(Rules.UnsealedHandlers(ApplicationHandlers));
    }
}
