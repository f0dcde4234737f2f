namespace OpenTrain.Clean.Infrastructure.Payments;

/// <summary>Configuration section <c>Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payments";

    /// <summary>The offline simulator's ledger; defaults to <c>{DataDirectory}/payment-simulator.db</c>.</summary>
    public string? SimulatorDataFile { get; set; }
}
