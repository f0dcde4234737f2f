namespace OpenTrain.Clean.Domain.Common;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency. Never floating point.</summary>
public readonly record struct Money
{
    public const string Usd = "USD";
    public const string InvalidCurrency = "invalid_currency";
    public const string CurrencyMismatch = "currency_mismatch";

    /// <summary>Stripe's smallest USD charge.</summary>
    public const long MinimumChargeCents = 50;

    /// <summary>Stripe's largest USD charge.</summary>
    public const long MaximumChargeCents = 99_999_999;

    public Money(long amount, string currency)
    {
        if (string.IsNullOrWhiteSpace(currency) || currency.Length != 3)
        {
            throw new DomainException(InvalidCurrency, "A currency is a three-letter ISO 4217 code.");
        }

        Amount = amount;
        Currency = currency.ToUpperInvariant();
    }

    public long Amount { get; }

    public string Currency { get; }

    public static Money Zero(string currency = Usd) => new(0, currency);

    public static Money FromCents(long cents) => new(cents, Usd);

    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(checked(left.Amount + right.Amount), left.Currency);
    }

    public static Money operator -(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new Money(checked(left.Amount - right.Amount), left.Currency);
    }

    public static Money Add(Money left, Money right) => left + right;

    public static Money Subtract(Money left, Money right) => left - right;

    public bool IsWithinChargeLimits => Amount is >= MinimumChargeCents and <= MaximumChargeCents;

    public override string ToString() => $"{(Amount < 0 ? "-" : string.Empty)}{Math.Abs(Amount / 100)}.{Math.Abs(Amount % 100):00} {Currency}";

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (!string.Equals(left.Currency, right.Currency, StringComparison.Ordinal))
        {
            throw new DomainException(CurrencyMismatch, $"Cannot combine {left.Currency} with {right.Currency}.");
        }
    }
}
