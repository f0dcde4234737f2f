using System.Net;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Api.FunctionalTests.Invoicing;

/// <summary>
/// An expensive route is bounded per caller: one caller's PDF downloads run one at a time (the rest
/// queue, up to a limit, then 429), and never hold back another caller's.
/// </summary>
public sealed class InvoicePdfPerCallerBoundTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DownloadPdf_WhileTheSameCallersDownloadRunsAndNoneMayWait_Answers429ButServesAnotherCaller()
    {
        using var renderer = new HeldRenderer();
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            Settings = new Dictionary<string, string?> { ["RateLimiting:ExpensiveQueuePerCaller"] = "0" },
            Services = services => ApiFactory.Decorate<IInvoicePdfRenderer>(services, (_, inner) => renderer.Around(inner)),
        });
        var api = factory.CreateApiClient();
        var world = await api.ContractWorldAsync();
        var path = $"/api/v1/invoices/{world.FundingInvoiceId}/pdf";
        var admin = await api.TokenAsync("admin");

        var first = api.GetAsync(path, world.Employer);
        Assert.True(await renderer.Entered.WaitAsync(Wait), "the first download never reached the renderer");
        var second = await api.GetAsync(path, world.Employer);
        var other = api.GetAsync(path, admin);
        Assert.True(await renderer.EnteredTwice.WaitAsync(Wait), "another caller's download waited for the first caller's");
        renderer.Release();

        var problem = await Expect.ProblemAsync(second, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("1 at a time", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", second.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await first.WaitAsync(Wait)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.WaitAsync(Wait)).StatusCode);
    }

    [Fact]
    public async Task DownloadPdf_WhenTheSameCallerAsksTwiceAtOnce_QueuesTheSecondUntilTheFirstEnds()
    {
        using var renderer = new HeldRenderer();
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            Services = services => ApiFactory.Decorate<IInvoicePdfRenderer>(services, (_, inner) => renderer.Around(inner)),
        });
        var api = factory.CreateApiClient();
        var world = await api.ContractWorldAsync();
        var path = $"/api/v1/invoices/{world.FundingInvoiceId}/pdf";

        var first = api.GetAsync(path, world.Employer);
        Assert.True(await renderer.Entered.WaitAsync(Wait));
        var second = api.GetAsync(path, world.Employer);
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.False(second.IsCompleted);
        Assert.Equal(1, renderer.Calls);
        renderer.Release();
        Assert.Equal(HttpStatusCode.OK, (await first.WaitAsync(Wait)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.WaitAsync(Wait)).StatusCode);
    }

    /// <summary>The real renderer, held at its door until released, counting who came in.</summary>
    private sealed class HeldRenderer : IDisposable
    {
        private readonly ManualResetEventSlim _open = new(false);
        private int _calls;

        public SemaphoreSlim Entered { get; } = new(0);

        public SemaphoreSlim EnteredTwice { get; } = new(0);

        public int Calls => Volatile.Read(ref _calls);

        public IInvoicePdfRenderer Around(IInvoicePdfRenderer inner) => new Door(this, inner);

        public void Release() => _open.Set();

        public void Dispose()
        {
            _open.Set();
            _open.Dispose();
            Entered.Dispose();
            EnteredTwice.Dispose();
        }

        private sealed class Door(HeldRenderer held, IInvoicePdfRenderer inner) : IInvoicePdfRenderer
        {
            public byte[] Render(InvoiceDocument document)
            {
                var calls = Interlocked.Increment(ref held._calls);
                (calls == 1 ? held.Entered : held.EnteredTwice).Release();
                held._open.Wait(Wait);
                return inner.Render(document);
            }
        }
    }
}
