using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Application.WebhookEndpoints;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

/// <summary>An address deliveries may not go to; the message says why, for the delivery log.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhook deliveries may go (server-side request forgery): outside Development only https, and
/// only to hosts whose every address is public — never loopback, link-local (cloud metadata),
/// private, carrier-grade NAT, unique-local, multicast or unspecified. In Development loopback is
/// allowed so a newcomer can try deliveries on their machine. Hosts listed in
/// <c>IntegratorEvents:AllowedHosts</c> are exempt. Checked at registration and again, by the
/// sender, on the very addresses it connects to (DNS can change in between).
/// </summary>
public sealed class WebhookAddressPolicy(IOptions<IntegratorEventOptions> options, IHostEnvironment environment) : IWebhookUrlGuard
{
    public async Task<string?> RefusalAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "The URL is not absolute.";
        }

        if (SchemeRefusal(uri) is { } scheme)
        {
            return scheme;
        }

        try
        {
            await AllowedAddressesAsync(uri.IdnHost, cancellationToken);
            return null;
        }
        catch (WebhookAddressRefusedException refused)
        {
            return refused.Message;
        }
    }

    public string? SchemeRefusal(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.Scheme == Uri.UriSchemeHttps || environment.IsDevelopment() || IsAllowedHost(uri.IdnHost)
            ? null
            : "Webhook endpoints must use https.";
    }

    /// <summary>The host's addresses, all of them allowed; throws <see cref="WebhookAddressRefusedException"/> otherwise.</summary>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
            }
            catch (SocketException)
            {
                throw new WebhookAddressRefusedException($"The host {bare} does not resolve.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException($"The host {bare} does not resolve.");
        }

        if (IsAllowedHost(bare))
        {
            return addresses;
        }

        // One internal address refuses the host: a name that answers with both is how rebinding attacks start.
        foreach (var address in addresses)
        {
            if (Refusal(address) is { } refusal)
            {
                throw new WebhookAddressRefusedException($"The host {bare} resolves to {address}, {refusal}; deliveries go only to public addresses.");
            }
        }

        return addresses;
    }

    /// <summary>Why deliveries may not go to <paramref name="address"/>, or null when they may.</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return environment.IsDevelopment() ? null : "a loopback address";
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4Refusal(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IPv6Refusal(address),
            _ => "not an IP address",
        };
    }

    private static string? IPv4Refusal(byte[] b) => b switch
    {
        [0, ..] => "an unspecified address",
        [10, ..] => "a private address",
        [100, >= 64 and <= 127, ..] => "a carrier-grade NAT address",
        [169, 254, ..] => "a link-local address",
        [172, >= 16 and <= 31, ..] => "a private address",
        [192, 0, 0, _] => "a reserved address",
        [192, 168, ..] => "a private address",
        [198, 18 or 19, ..] => "a benchmarking address",
        [>= 224, ..] => "a multicast or reserved address",
        _ => null,
    };

    private static string? IPv6Refusal(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return "an unspecified address";
        }

        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return "a link-local address";
        }

        if (address.IsIPv6Multicast)
        {
            return "a multicast address";
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return "a unique-local (private) address";
        }

        // ::a.b.c.d (IPv4-compatible), 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) embed an IPv4 address: judge the embedded one.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return IPv4Refusal(b[12..16]) ?? "an IPv4-compatible address";
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            return IPv4Refusal(b[12..16]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IPv4Refusal(b[2..6]);
        }

        return null;
    }

    private bool IsAllowedHost(string host) =>
        options.Value.AllowedHosts.Contains(host.Trim('[', ']'), StringComparer.OrdinalIgnoreCase);
}
