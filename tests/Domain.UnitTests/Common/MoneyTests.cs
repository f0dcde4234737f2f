using OpenTrain.Clean.Domain.Common;

namespace OpenTrain.Clean.Domain.UnitTests.Common;

public sealed class MoneyTests
{
    [Fact]
    public void Add_WhenSameCurrency_SumsTheMinorUnits()
    {
        var sum = Money.FromCents(1_050) + Money.FromCents(995);

        Assert.Equal(Money.FromCents(2_045), sum);
        Assert.Equal(Money.FromCents(2_045), Money.Add(Money.FromCents(1_050), Money.FromCents(995)));
    }

    [Fact]
    public void Subtract_WhenSameCurrency_SubtractsTheMinorUnits()
    {
        var difference = Money.FromCents(1_050) - Money.FromCents(1_100);

        Assert.Equal(Money.FromCents(-50), difference);
        Assert.Equal(Money.FromCents(-50), Money.Subtract(Money.FromCents(1_050), Money.FromCents(1_100)));
    }

    [Fact]
    public void Add_WhenCurrenciesDiffer_RefusesWithCurrencyMismatch()
    {
        var error = Assert.Throws<DomainException>(() => Money.FromCents(100) + new Money(100, "EUR"));

        Assert.Equal("currency_mismatch", error.Code);
    }

    [Fact]
    public void Subtract_WhenCurrenciesDiffer_RefusesWithCurrencyMismatch()
    {
        var error = Assert.Throws<DomainException>(() => Money.FromCents(100) - new Money(100, "EUR"));

        Assert.Equal("currency_mismatch", error.Code);
    }

    [Fact]
    public void Add_WhenTheSumOverflows_Throws()
    {
        Assert.Throws<OverflowException>(() => Money.FromCents(long.MaxValue) + Money.FromCents(1));
    }

    [Fact]
    public void Constructor_WhenCurrencyIsLowerCase_NormalisesToUpperCase()
    {
        var money = new Money(100, "usd");

        Assert.Equal("USD", money.Currency);
        Assert.Equal(Money.FromCents(100), money);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("US")]
    [InlineData("USDT")]
    public void Constructor_WhenCurrencyIsNotAThreeLetterCode_RefusesWithInvalidCurrency(string currency)
    {
        var error = Assert.Throws<DomainException>(() => new Money(100, currency));

        Assert.Equal("invalid_currency", error.Code);
    }

    [Theory]
    [InlineData(49L, false)]
    [InlineData(50L, true)]
    [InlineData(99_999_999L, true)]
    [InlineData(100_000_000L, false)]
    public void IsWithinChargeLimits_AtTheStripeBounds_AcceptsFiftyCentsToTheMaximum(long cents, bool expected)
    {
        Assert.Equal(expected, Money.FromCents(cents).IsWithinChargeLimits);
    }

    [Fact]
    public void Zero_WhenCreated_IsZeroUsd()
    {
        Assert.Equal(Money.FromCents(0), Money.Zero());
    }

    [Theory]
    [InlineData(1_050L, "10.50 USD")]
    [InlineData(5L, "0.05 USD")]
    [InlineData(-150L, "-1.50 USD")]
    public void ToString_WhenFormatted_ShowsUnitsAndCents(long cents, string expected)
    {
        Assert.Equal(expected, Money.FromCents(cents).ToString());
    }

    [Fact]
    public void ToString_WhenNegativeBelowOneUnit_KeepsTheSign()
    {
        Assert.Equal("-0.50 USD", Money.FromCents(-50).ToString());
    }
}
