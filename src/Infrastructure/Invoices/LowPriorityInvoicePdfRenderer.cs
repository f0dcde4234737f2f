using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Infrastructure.Invoices;

/// <summary>
/// Renders on threads of their own at the lowest CPU priority the OS gives (Linux: nice 19 on the
/// thread), so that a burst of first renders (about 100 ms of CPU each) runs on whatever CPU the
/// requests leave idle instead of taking a core from them. A caller waits for its PDF without
/// holding a thread-pool thread; renders are queued first come, first served.
/// </summary>
public sealed class LowPriorityInvoicePdfRenderer : IInvoicePdfRenderer, IDisposable
{
    private const int PrioProcess = 0;
    private const int LowestPriority = 19;

    private readonly IInvoicePdfRenderer _inner;
    private readonly BlockingCollection<Job> _queue = [];
    private readonly Thread[] _threads;

    public LowPriorityInvoicePdfRenderer(IInvoicePdfRenderer inner, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _inner = inner;
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"invoice-pdf-{i}", Priority = ThreadPriority.Lowest };
            _threads[i].Start();
        }
    }

    /// <summary>True when the render threads run below normal priority (false where the OS refused).</summary>
    public bool Lowered { get; private set; }

    public byte[] Render(InvoiceDocument document) => RenderAsync(document, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public ValueTask<byte[]> RenderAsync(InvoiceDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var job = new Job(document, new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        _queue.Add(job, cancellationToken);
        return new ValueTask<byte[]>(job.Result.Task.WaitAsync(cancellationToken));
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private void Run()
    {
        Lowered = LowerThisThread() || Lowered;
        foreach (var job in _queue.GetConsumingEnumerable())
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                // The caller is gone (a closed connection): nobody waits for this render.
                job.Result.TrySetCanceled(job.Cancellation);
                continue;
            }

            try
            {
                job.Result.TrySetResult(_inner.Render(job.Document));
            }
            catch (Exception exception)
            {
                job.Result.TrySetException(exception);
            }
        }
    }

    private static bool LowerThisThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // Linux schedules threads, and setpriority on a thread id sets that thread's nice value alone.
            return NativeMethods.setpriority(PrioProcess, NativeMethods.gettid(), LowestPriority) == 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private sealed record Job(InvoiceDocument Document, TaskCompletionSource<byte[]> Result, CancellationToken Cancellation);

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setpriority(int which, int who, int prio);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int gettid();
    }
}
