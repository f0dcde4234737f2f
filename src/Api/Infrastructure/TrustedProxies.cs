using System.Net;
using OpenTrain.Clean.Infrastructure.Hosting;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Configuration section <c>TrustedProxies</c>: the TLS-terminating proxies whose X-Forwarded-For and
/// X-Forwarded-Proto are believed. Headers from any other address are ignored.
/// </summary>
public sealed class TrustedProxiesOptions
{
    public const string SectionName = "TrustedProxies";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> Addresses { get; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public IList<string> Networks { get; } = [];

    /// <summary>The port the proxy serves HTTPS on: where plain HTTP requests are redirected.</summary>
    public int HttpsPort { get; set; } = 443;
}

/// <summary>The parsed <see cref="TrustedProxiesOptions"/>; a value that is not an address or a network refuses the start.</summary>
internal sealed record TrustedProxies(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks, int HttpsPort)
{
    public bool Any => Addresses.Count > 0 || Networks.Count > 0;

    public static TrustedProxies From(IConfiguration configuration)
    {
        var options = configuration.GetSection(TrustedProxiesOptions.SectionName).Get<TrustedProxiesOptions>() ?? new TrustedProxiesOptions();
        var addresses = options.Addresses.Select((value, i) => IPAddress.TryParse(value, out var address)
            ? address
            : throw new StartupRefusedException($"TrustedProxies:Addresses:{i} ('{value}') is not an IP address.")).ToList();
        var networks = options.Networks.Select((value, i) => IPNetwork.TryParse(value, out var network)
            ? network
            : throw new StartupRefusedException($"TrustedProxies:Networks:{i} ('{value}') is not a network in CIDR notation (e.g. 10.0.0.0/24).")).ToList();
        return new TrustedProxies(addresses, networks, options.HttpsPort);
    }
}
