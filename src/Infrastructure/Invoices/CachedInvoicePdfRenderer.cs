using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Infrastructure.Invoices;

/// <summary>
/// Renders each distinct invoice document once and hands out the same bytes after: a PDF is
/// expensive (fonts embedded, about as much CPU as a few hundred reads) and the same document
/// always renders the same bytes. The key is a hash of everything printed, so a document that
/// changed (a refund's payment status, a renamed counterparty) is a new key and never a stale
/// file. Bounded in bytes; the least recently used go first.
/// </summary>
public sealed class CachedInvoicePdfRenderer(IInvoicePdfRenderer renderer, long maxBytes = CachedInvoicePdfRenderer.DefaultMaxBytes)
    : IInvoicePdfRenderer, IDisposable
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly MemoryCache _rendered = new(new MemoryCacheOptions { SizeLimit = maxBytes });

    public byte[] Render(InvoiceDocument document)
    {
        var key = KeyOf(document);
        return _rendered.TryGetValue(key, out byte[]? pdf) && pdf is not null ? pdf : Keep(key, renderer.Render(document));
    }

    public async ValueTask<byte[]> RenderAsync(InvoiceDocument document, CancellationToken cancellationToken)
    {
        var key = KeyOf(document);
        return _rendered.TryGetValue(key, out byte[]? pdf) && pdf is not null ? pdf : Keep(key, await renderer.RenderAsync(document, cancellationToken));
    }

    public void Dispose() => _rendered.Dispose();

    private static string KeyOf(InvoiceDocument document) =>
        Convert.ToBase64String(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(document)));

    private byte[] Keep(string key, byte[] pdf)
    {
        _rendered.Set(key, pdf, new MemoryCacheEntryOptions { Size = pdf.Length });
        return pdf;
    }
}
