namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Links to hosted pages (Stripe's, or the simulator's stand-ins) are given to browsers. The provider's
/// links are absolute; the simulator's are relative unless <c>Payments:PublicBaseUrl</c> is set, and are
/// completed here with the address the request came in on, so they work on any port and host.
/// </summary>
internal static class HostedPages
{
    public static string Absolute(HttpRequest request, string url)
    {
        ArgumentNullException.ThrowIfNull(request);
        // On Unix "/simulator/..." parses as an absolute file: URI, so absolute means http(s) here.
        return Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp)
            ? url
            : new Uri(new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"), url.TrimStart('/')).AbsoluteUri;
    }
}
