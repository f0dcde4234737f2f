using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Infrastructure.Invoices;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Invoicing;

/// <summary>
/// Issue 13: first renders run on a low-priority thread of their own, behind the content cache; the bytes are
/// exactly what the renderer gives the same document on the caller's thread.
/// </summary>
public sealed class LowPriorityInvoicePdfRendererTests : IDisposable
{
    private readonly ThreadRecordingRenderer _real = new(new PdfInvoiceRenderer());
    private readonly LowPriorityInvoicePdfRenderer _background;

    public LowPriorityInvoicePdfRendererTests() => _background = new LowPriorityInvoicePdfRenderer(_real);

    [Fact]
    public async Task RenderAsync_ReturnsTheBytesAFreshRenderGives_RenderedOnTheLoweredThread()
    {
        var pdf = await _background.RenderAsync(Document(), CancellationToken.None);

        Assert.Equal(new PdfInvoiceRenderer().Render(Document()), pdf);
        var thread = Assert.Single(_real.Threads);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread.Id);
        Assert.Equal("invoice-pdf-0", thread.Name);
        if (OperatingSystem.IsLinux())
        {
            // The thread's nice value, as the kernel reports it (field 19 of /proc/self/task/<tid>/stat).
            Assert.True(_background.Lowered);
            Assert.Equal(19, thread.Nice);
        }
    }

    [Fact]
    public async Task RenderAsync_BehindTheCache_RendersADocumentOnceAndServesTheSameBytesAfter()
    {
        using var cached = new CachedInvoicePdfRenderer(_background);

        var first = await cached.RenderAsync(Document(), CancellationToken.None);
        var second = await cached.RenderAsync(Document(), CancellationToken.None);
        var refunded = await cached.RenderAsync(Document() with { PaymentStatus = "refunded" }, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(2, _real.Threads.Count);
        Assert.Equal(new PdfInvoiceRenderer().Render(Document() with { PaymentStatus = "refunded" }), refunded);
    }

    [Fact]
    public async Task RenderAsync_WhenTheCallerIsGoneBeforeItsTurn_IsNotRendered()
    {
        using var gone = new CancellationTokenSource();
        _real.Hold();
        var ahead = _background.RenderAsync(Document(), CancellationToken.None);
        await _real.Entered;
        var abandoned = _background.RenderAsync(Document() with { Number = "INV-2026-000043" }, gone.Token);

        await gone.CancelAsync();
        _real.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await abandoned);
        Assert.Equal(new PdfInvoiceRenderer().Render(Document()), await ahead);

        // The queue moves on: the next caller gets its PDF, and the abandoned document was never rendered.
        Assert.Equal(new PdfInvoiceRenderer().Render(Document() with { Number = "INV-2026-000044" }), await _background.RenderAsync(Document() with { Number = "INV-2026-000044" }, CancellationToken.None));
        Assert.DoesNotContain(_real.Numbers, n => n == "INV-2026-000043");
    }

    public void Dispose() => _background.Dispose();

    private static InvoiceDocument Document() => CachedInvoicePdfRendererTests.Document();

    /// <summary>The real renderer, noting the thread (and its nice value) each render ran on; can be held at its start.</summary>
    private sealed class ThreadRecordingRenderer(IInvoicePdfRenderer inner) : IInvoicePdfRenderer
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _open = new(initialState: true);

        public List<(int Id, string? Name, int Nice)> Threads { get; } = [];

        public List<string> Numbers { get; } = [];

        public Task Entered => _entered.Task;

        public void Hold() => _open.Reset();

        public void Release() => _open.Set();

        public byte[] Render(InvoiceDocument document)
        {
            _entered.TrySetResult();
            _open.Wait();
            lock (Threads)
            {
                Threads.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Nice()));
                Numbers.Add(document.Number);
            }

            return inner.Render(document);
        }

        private static int Nice()
        {
            if (!OperatingSystem.IsLinux())
            {
                return 0;
            }

            // /proc/thread-self/stat: "tid (comm) state ..." — after the ')' field 3 is the state; nice is field 19.
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
