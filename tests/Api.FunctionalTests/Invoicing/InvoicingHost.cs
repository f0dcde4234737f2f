using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>
/// The invoicing scenarios' host: no background job and no rate limit, a configured invoice issuer,
/// and a fake clock that dev tokens follow (they live 60 days), so it can move over days.
/// </summary>
public class InvoicingHost() : ApiFactory(HostOptions)
{
    public const string IssuerName = "OpenTrain Test Issuer Ltd";

    public static readonly string[] IssuerAddress = ["77 Ledger Lane, Suite 5", "Springfield, OR 97477", "United States of Testing"];

    public static ApiHostOptions HostOptions => new()
    {
        RateLimiting = false,
        TokensFollowClock = true,
        Settings = new Dictionary<string, string?>
        {
            // Tests move the clock over days (reports by issue date): tokens minted on it must outlive that.
            ["Auth:DevTokenLifetime"] = "60.00:00:00",
            ["Invoices:IssuerName"] = IssuerName,
            ["Invoices:IssuerAddress:0"] = IssuerAddress[0],
            ["Invoices:IssuerAddress:1"] = IssuerAddress[1],
            ["Invoices:IssuerAddress:2"] = IssuerAddress[2],
        },
    };
}
