namespace OpenTrain.Clean.Infrastructure.Payments;

/// <summary>Configuration section <c>Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payments";

    /// <summary>The offline simulator's ledger; defaults to <c>{DataDirectory}/payment-simulator.db</c>.</summary>
    public string? SimulatorDataFile { get; set; }

    /// <summary>How long a simulated bank debit (pm_usBankAccount) stays processing before it succeeds.</summary>
    public TimeSpan SimulatorBankDebitSettleDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where this API is reachable by a browser; the simulator's hosted pages are linked from here.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}
