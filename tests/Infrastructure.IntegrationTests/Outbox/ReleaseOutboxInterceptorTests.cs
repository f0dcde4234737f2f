using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

public sealed class ReleaseOutboxInterceptorTests : IAsyncLifetime
{
    private static readonly UserId Employer = new(new Guid("00000000-0000-0000-0000-00000000e0e0"));

    private readonly ReleaseDataDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private ReleaseOutboxHost _host = null!;

    public async Task InitializeAsync() => _host = await ReleaseOutboxHost.StartAsync(_directory, _clock, new ReleaseDeliveryLog());

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    // Guards: events become outbox rows in the same transaction as the change — committed together.
    [Fact]
    public async Task ExecuteAsync_WhenChangeCommits_WritesItsDomainEventAsPendingOutboxRowDueNow()
    {
        var job = Job.Create(Employer, "RLHF preference labelling", null, _clock.GetUtcNow());

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<IRepository<Job, JobId>>();
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteAsync(
                _ =>
                {
                    jobs.Add(job);
                    return Task.FromResult(0);
                },
                CancellationToken.None);
        }

        var row = Assert.Single(await _host.RowsAsync());
        Assert.Equal(nameof(JobCreated), row.Type);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(_clock.GetUtcNow(), row.NextAttemptAt);
        Assert.Equal(0, row.Attempts);
        var payload = JsonSerializer.Deserialize<JobCreated>(row.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(job.Id, payload!.JobId);
    }

    // Guards: decision 016 in the product's composition: an event no handler is registered for (JobArchived) gets no outbox row.
    [Fact]
    public async Task ExecuteAsync_WhenAnEventHasNoHandler_WritesNoOutboxRowForIt()
    {
        var job = Job.Create(Employer, "RLHF preference labelling", null, _clock.GetUtcNow());
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<IRepository<Job, JobId>>();
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteAsync(
                _ =>
                {
                    jobs.Add(job);
                    job.Archive([], _clock.GetUtcNow());
                    return Task.FromResult(0);
                },
                CancellationToken.None);
        }

        Assert.Equal([nameof(JobCreated)], (await _host.RowsAsync()).Select(r => r.Type));
    }

    // Guards: ... and rolled back together — no event survives a change that did not commit.
    [Fact]
    public async Task ExecuteAsync_WhenTransactionRollsBackAfterSaving_LeavesNoOutboxRow()
    {
        var job = Job.Create(Employer, "RLHF preference labelling", null, _clock.GetUtcNow());

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var jobs = scope.ServiceProvider.GetRequiredService<IRepository<Job, JobId>>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteAsync<int>(
                async ct =>
                {
                    jobs.Add(job);
                    await db.SaveChangesAsync(ct);
                    throw new InvalidOperationException("crash before commit");
                },
                CancellationToken.None));
        }

        Assert.Empty(await _host.RowsAsync());
        await using var check = _host.Services.CreateAsyncScope();
        Assert.False(await check.ServiceProvider.GetRequiredService<AppDbContext>().Set<Job>().AnyAsync(j => j.Id == job.Id));
    }
}
