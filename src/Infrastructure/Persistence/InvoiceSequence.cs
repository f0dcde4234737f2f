namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>The last invoice number handed out per prefix and year.</summary>
public sealed class InvoiceSequence
{
    public const int PrefixLength = 8;

    public string Prefix { get; set; } = string.Empty;

    public int Year { get; set; }

    public long LastNumber { get; set; }
}
