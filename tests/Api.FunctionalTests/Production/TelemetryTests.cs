using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using OpenTrain.Clean.Infrastructure.Telemetry;
using OpenTrain.Clean.TestSupport.FakeStripe;
using Quartz.Diagnostics;

namespace OpenTrain.Clean.Api.FunctionalTests.Production;

/// <summary>What an operator can look at: traces, metrics, OTLP only where configured, and a readiness that says when work falls behind.</summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Telemetry_OverAHireApprovalAndPayoutOnStripe_TracesEveryLayerAndCountsWhatHappened()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var spans = new ConcurrentQueue<Activity>();
        var metrics = new List<Metric>();
        using var factory = ApiFactory.Create(new ApiHostOptions
        {
            StripeServer = stripe,
            InProcessJobs = true,
            Settings = new Dictionary<string, string?> { ["Telemetry:Enabled"] = "true", ["Health:BacklogSampleInterval"] = "00:00:00.200" },
            Services = services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new Collector(spans))));
                services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
            },
        });
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync("pm_card_visa");
        var trainer = await api.TrainerAsync();
        var hire = await api.HireOnNewJobAsync(employer, trainer);
        await api.PostJsonAsync($"/api/v1/milestones/{hire.MilestoneId}/submit", trainer, new { note = "Done" });
        await api.PostJsonAsync($"/api/v1/milestones/{hire.MilestoneId}/approve", employer);
        var account = (await api.PostJsonAsync("/api/v1/payouts/account", trainer, new { country = "US" })).Str("connectedAccountId")!;
        var (_, json) = FakeStripeEvents.Create("account.updated", stripe.EnableAccount(account), account: account);
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        webhook.Headers.TryAddWithoutValidation("Stripe-Signature", FakeStripeEvents.Sign(json));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(webhook, null)).StatusCode);

        // The jobs run on their Quartz timers, which follow the host's clock: move it on while waiting.
        await WaitAsync(factory, async () => (await factory.LoadMilestoneAsync(hire.MilestoneId)).Status == Domain.Milestones.MilestoneStatus.Paid);
        var funded = await factory.QueryAsync(db => db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Type == "MilestoneFunded" && m.Payload.Contains(hire.MilestoneId.ToString())));
        await WaitAsync(factory, () => Task.FromResult(spans.Any(s => Tag(s, "messaging.message.id") == funded.Id.ToString())));

        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && Tag(s, "http.route") == "/api/v1/jobs/{jobId:guid}/contracts");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && Tag(s, "url.full")?.Contains("/v1/payment_intents", StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && Tag(s, "url.full")?.Contains("/v1/transfers", StringComparison.Ordinal) == true);
        Assert.Contains(spans, s => s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Source.Name == QuartzInstrumentation.ActivitySourceName && s.DisplayName.Contains("PayoutJob", StringComparison.Ordinal) | TagValues(s).Any(v => v.Contains("PayoutJob", StringComparison.Ordinal)));
        var message = Assert.Single(spans, s => Tag(s, "messaging.message.id") == funded.Id.ToString());
        Assert.Equal("outbox MilestoneFunded", message.DisplayName);

        factory.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Assert.True(Sum(metrics, "opentrain.fundings", ("outcome", "succeeded")) >= 1);
        Assert.True(Sum(metrics, "opentrain.payout.attempts", ("outcome", "succeeded")) >= 1);
        Assert.True(Sum(metrics, "opentrain.webhook.events", ("type", "account.updated"), ("outcome", "applied")) >= 1);
        Assert.Contains(metrics, m => m.Name == "opentrain.outbox.backlog");
        Assert.Contains(metrics, m => m.Name == "opentrain.outbox.oldest_age");
        Assert.Contains(metrics, m => m.Name == "opentrain.payouts.pending");
    }

    [Fact]
    public async Task Otlp_WhenAnEndpointIsConfigured_ReceivesTracesAndMetricsAndWithoutOneNothingIsExported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using (var exporting = ApiFactory.Create(new ApiHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                [TelemetrySetup.OtlpEndpointSetting] = receiver.Address,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            },
        }))
        {
            var api = exporting.CreateApiClient();
            await api.GetJsonAsync("/api/v1/me", await api.EmployerAsync(paymentMethodId: null));
            exporting.Services.GetRequiredService<TracerProvider>().ForceFlush();
            exporting.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        Assert.Contains(receiver.Requests, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf" && r.Body.Contains("opentrain-api", StringComparison.Ordinal));
        Assert.Contains(receiver.Requests, r => r.Path == "/v1/metrics" && r.Body.Contains("opentrain-api", StringComparison.Ordinal));

        // An export abandoned at shutdown may still land: count once the receiver has been quiet for a second.
        var received = await receiver.QuietCountAsync();
        using (var quiet = ApiFactory.Create(new ApiHostOptions()))
        {
            var quietApi = quiet.CreateApiClient();
            await quietApi.GetJsonAsync("/api/v1/me", await quietApi.EmployerAsync(paymentMethodId: null));
            Assert.Null(quiet.Services.GetService<TracerProvider>());
            Assert.Null(quiet.Services.GetService<MeterProvider>());
        }

        Assert.Equal(received, await receiver.QuietCountAsync());
    }

    [Fact]
    public async Task HealthReady_WhenTheOutboxOrThePayoutsFallBehind_ReportsDegradedAndHealthyOnceCaughtUp()
    {
        using var factory = ApiFactory.Create(new ApiHostOptions());
        var api = factory.CreateApiClient();
        var employer = await api.EmployerAsync();
        var trainer = await api.PayoutReadyTrainerAsync();
        await factory.DrainOutboxAsync();
        Assert.Equal(HealthStatus.Healthy, (await ReadyAsync(factory)).Status);

        var (hire, _) = await api.HireAndApproveAsync(employer, trainer);
        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        var outboxLate = await ReadyAsync(factory);
        var answer = await api.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HealthStatus.Degraded, outboxLate.Status);
        Assert.Contains("Health:OutboxBacklogDegradedAfter", outboxLate.Entries["backlog"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Degraded", await answer.Content.ReadAsStringAsync());

        await factory.DrainOutboxAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        var payoutLate = await ReadyAsync(factory);
        Assert.Equal(HealthStatus.Degraded, payoutLate.Status);
        Assert.Contains("Health:PayoutBacklogDegradedAfter", payoutLate.Entries["backlog"].Description, StringComparison.Ordinal);

        await factory.RunPayoutJobAsync();
        await factory.DrainOutboxAsync();
        Assert.Equal(Domain.Milestones.MilestoneStatus.Paid, (await factory.LoadMilestoneAsync(hire.MilestoneId)).Status);
        Assert.Equal(HealthStatus.Healthy, (await ReadyAsync(factory)).Status);
    }

    private static Task<HealthReport> ReadyAsync(ApiFactory factory) =>
        factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    private static IEnumerable<string> TagValues(Activity activity) => activity.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty);

    private static long Sum(IEnumerable<Metric> metrics, string name, params (string Key, string Value)[] tags)
    {
        long sum = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, string?>();
                foreach (var tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value?.ToString();
                }

                if (tags.All(t => pointTags.GetValueOrDefault(t.Key) == t.Value))
                {
                    sum = Math.Max(sum, point.GetSumLong());
                }
            }
        }

        return sum;
    }

    private static async Task WaitAsync(ApiFactory factory, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "waited too long for the background work");
            factory.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
    }

    /// <summary>Keeps every finished span.</summary>
    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                spans.Enqueue(activity);
            }

            return ExportResult.Success;
        }
    }

    /// <summary>An OTLP/HTTP receiver on 127.0.0.1: keeps each request's path, content type and body (protobuf keeps strings as UTF-8).</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app, string address)
        {
            _app = app;
            Address = address;
        }

        public string Address { get; }

        public ConcurrentQueue<(string Path, string? ContentType, string Body)> Requests { get; } = new();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            OtlpReceiver? receiver = null;
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver!.Requests.Enqueue((context.Request.Path, context.Request.ContentType, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            receiver = new OtlpReceiver(app, app.Urls.Single());
            return receiver;
        }

        public async Task<int> QuietCountAsync()
        {
            var count = -1;
            while (count != Requests.Count)
            {
                count = Requests.Count;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            return count;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
