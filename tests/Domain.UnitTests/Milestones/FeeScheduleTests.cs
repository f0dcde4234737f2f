using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Milestones;

namespace OpenTrain.Clean.Domain.UnitTests.Milestones;

public sealed class FeeScheduleTests
{
    [Theory]
    [InlineData(4L, 0L)]           // 0.4
    [InlineData(5L, 1L)]           // 0.5 rounds up
    [InlineData(14L, 1L)]          // 1.4
    [InlineData(15L, 2L)]          // 1.5 rounds up
    [InlineData(25L, 3L)]          // 2.5 rounds up, not to even
    [InlineData(105L, 11L)]        // 10.5 rounds up
    [InlineData(50_000L, 5_000L)]
    public void Quote_WithDefaultRate_RoundsTheMarketplaceFeeHalfUpToTheCent(long amount, long expectedFee)
    {
        var quote = FeeSchedule.Default.Quote(Money.FromCents(amount), isFirstMilestoneOfContract: false);

        Assert.Equal(Money.FromCents(expectedFee), quote.MarketplaceFee);
    }

    [Theory]
    [InlineData(10L, 1L)] // 0.75
    [InlineData(6L, 0L)]  // 0.45
    [InlineData(20L, 2L)] // 1.5 rounds up
    public void Quote_WithSevenAndAHalfPercent_RoundsHalfUpToTheCent(long amount, long expectedFee)
    {
        var fees = new FeeSchedule(0.075m, 995);

        var quote = fees.Quote(Money.FromCents(amount), isFirstMilestoneOfContract: false);

        Assert.Equal(Money.FromCents(expectedFee), quote.MarketplaceFee);
    }

    [Fact]
    public void Default_WhenRead_IsTenPercentAndNineNinetyFive()
    {
        Assert.Equal(0.10m, FeeSchedule.Default.MarketplaceFeeRate);
        Assert.Equal(995, FeeSchedule.Default.ContractInitiationFeeCents);
    }

    [Fact]
    public void Quote_ForFirstMilestone_AddsTheContractInitiationFee()
    {
        var quote = FeeSchedule.Default.Quote(Money.FromCents(10_000), isFirstMilestoneOfContract: true);

        Assert.Equal(Money.FromCents(995), quote.ContractInitiationFee);
    }

    [Fact]
    public void Quote_ForLaterMilestone_ChargesNoContractInitiationFee()
    {
        var quote = FeeSchedule.Default.Quote(Money.FromCents(10_000), isFirstMilestoneOfContract: false);

        Assert.Equal(Money.FromCents(0), quote.ContractInitiationFee);
    }

    [Theory]
    [InlineData(1, 995L)]
    [InlineData(2, 0L)]
    [InlineData(7, 0L)]
    public void Create_BySequence_ChargesTheContractInitiationFeeOnlyOnTheFirstMilestone(int sequence, long expectedContractFee)
    {
        var milestone = MilestoneBuilder.Create(amountCents: 10_000, sequence: sequence);

        Assert.Equal(Money.FromCents(expectedContractFee), milestone.ContractInitiationFee);
        Assert.Equal(Money.FromCents(10_000 + 1_000 + expectedContractFee), milestone.EmployerTotal);
    }

    [Theory]
    [InlineData(true, 10_000L + 1_000L + 995L)]
    [InlineData(false, 10_000L + 1_000L)]
    public void Quote_WhenQuoted_EmployerPaysAmountPlusBothFeesAndTrainerGetsTheAmount(bool first, long expectedTotal)
    {
        var quote = FeeSchedule.Default.Quote(Money.FromCents(10_000), first);

        Assert.Equal(Money.FromCents(expectedTotal), quote.EmployerTotal);
        Assert.Equal(Money.FromCents(10_000), quote.TrainerPayout);
        Assert.Equal(Money.FromCents(10_000), quote.MilestoneAmount);
    }

    [Fact]
    public void Quote_WithCustomSchedule_UsesItsRateAndContractFee()
    {
        var fees = new FeeSchedule(0.20m, 1_500);

        var quote = fees.Quote(Money.FromCents(10_000), isFirstMilestoneOfContract: true);

        Assert.Equal(Money.FromCents(2_000), quote.MarketplaceFee);
        Assert.Equal(Money.FromCents(1_500), quote.ContractInitiationFee);
        Assert.Equal(Money.FromCents(13_500), quote.EmployerTotal);
    }

    [Fact]
    public void Quote_WhenAmountIsInAnotherCurrency_QuotesFeesInThatCurrency()
    {
        var quote = FeeSchedule.Default.Quote(new Money(10_000, "EUR"), isFirstMilestoneOfContract: true);

        Assert.Equal(new Money(1_000, "EUR"), quote.MarketplaceFee);
        Assert.Equal(new Money(995, "EUR"), quote.ContractInitiationFee);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("1")]
    [InlineData("1.5")]
    public void Constructor_WhenRateIsNegativeOrAtLeastOne_RefusesWithInvalidFeeSchedule(string rate)
    {
        var error = Assert.Throws<DomainException>(() => new FeeSchedule(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), 995));

        Assert.Equal("invalid_fee_schedule", error.Code);
    }

    [Fact]
    public void Constructor_WhenContractFeeIsNegative_RefusesWithInvalidFeeSchedule()
    {
        var error = Assert.Throws<DomainException>(() => new FeeSchedule(0.10m, -1));

        Assert.Equal("invalid_fee_schedule", error.Code);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0.9999", 0L)]
    public void Constructor_AtTheEdgesOfTheValidRange_IsAccepted(string rate, long contractFee)
    {
        var parsed = decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture);

        var fees = new FeeSchedule(parsed, contractFee);

        Assert.Equal(parsed, fees.MarketplaceFeeRate);
        Assert.Equal(contractFee, fees.ContractInitiationFeeCents);
    }
}
