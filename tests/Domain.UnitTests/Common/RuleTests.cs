using System.Linq.Expressions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Common;

public sealed class RuleTests
{
    private static readonly Rule<string, int> LongerThan = new((text, length) => text.Length > length);

    [Theory]
    [InlineData("payout", 3)]
    [InlineData("payout", 6)]
    [InlineData("", 0)]
    public void At_WhenTheArgumentIsBound_AnswersAsTheRuleDoesInMemory(string text, int length)
    {
        Assert.Equal(LongerThan.IsSatisfiedBy(text, length), LongerThan.At(length).Compile()(text));
    }

    [Fact]
    public void At_WhenTheArgumentIsBound_KeepsItACapturedValueSoAQuerySendsItAsAParameter()
    {
        var bound = LongerThan.At(4);

        var comparison = Assert.IsAssignableFrom<BinaryExpression>(bound.Body);
        var argument = Assert.IsAssignableFrom<MemberExpression>(comparison.Right);
        Assert.IsAssignableFrom<ConstantExpression>(argument.Expression);
        Assert.Single(bound.Parameters);
    }

    [Theory]
    [InlineData(MilestoneStatus.ActiveFunded)]
    [InlineData(MilestoneStatus.PayoutPending)]
    [InlineData(MilestoneStatus.Paid)]
    public void PayoutDue_AsAQueryFilter_AgreesWithTheMilestoneAtEveryMoment(MilestoneStatus status)
    {
        var milestone = Milestones.MilestoneBuilder.InState(status);
        var filter = MilestoneRules.PayoutDue.At(Moments.Later).Compile();
        var deferred = Milestones.MilestoneBuilder.InState(MilestoneStatus.PayoutPending);
        deferred.DeferPayout(PayoutPendingReason.Retrying, Moments.Later.AddHours(1), "rate_limited", Moments.Later);

        Assert.Equal(milestone.IsPayoutDue(Moments.Later), filter(milestone));
        Assert.Equal(status == MilestoneStatus.PayoutPending, filter(milestone));
        Assert.False(filter(deferred));
        Assert.True(MilestoneRules.PayoutDue.At(Moments.Later.AddHours(1)).Compile()(deferred));
    }
}
