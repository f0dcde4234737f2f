namespace OpenTrain.Clean.Application.Common;

/// <summary>Configuration section <c>Invoices</c>: who issues the invoices.</summary>
public sealed class InvoiceOptions
{
    public const string SectionName = "Invoices";

    public string IssuerName { get; set; } = "OpenTrain AI";

    public IList<string> IssuerAddress { get; } = [];

    public static readonly string[] DefaultAddress = ["548 Market St", "San Francisco, CA 94104", "United States"];

    public IReadOnlyList<string> Address => IssuerAddress.Count > 0 ? [.. IssuerAddress] : DefaultAddress;
}
