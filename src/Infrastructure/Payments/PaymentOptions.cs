namespace OpenTrain.Clean.Infrastructure.Payments;

/// <summary>Configuration section <c>Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payments";

    /// <summary>The offline simulator's ledger; defaults to <c>{DataDirectory}/payment-simulator.db</c>.</summary>
    public string? SimulatorDataFile { get; set; }

    /// <summary>How long a simulated bank debit (pm_usBankAccount) stays processing before it succeeds.</summary>
    public TimeSpan SimulatorBankDebitSettleDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where this API is reachable by a browser, when that is not the address a request came in on
    /// (behind a proxy). Unset, the simulator's hosted-page links are relative and the API completes
    /// them with the request's own address, so they work on whatever port the API runs.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}
