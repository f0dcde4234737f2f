using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTrain.Clean.Application;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Milestones;
using OpenTrain.Clean.Infrastructure;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;

/// <summary>
/// One "process": the real <c>AddApplication().AddInfrastructure(...)</c> composition on a SQLite file,
/// plus test-only event handlers. Two of these on one file are two dispatchers in two processes.
/// </summary>
internal sealed class ReleaseOutboxHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ReleaseOutboxHost(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public OutboxDispatcher Dispatcher => _services.GetRequiredService<OutboxDispatcher>();

    public static async Task<ReleaseOutboxHost> StartAsync(
        ReleaseDataDirectory directory,
        FakeTimeProvider clock,
        ReleaseDeliveryLog log,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["DataDirectory"] = directory.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddApplication().AddInfrastructure(configuration, new ReleaseHostEnvironment(directory.Path));
        services.AddSingleton(log);
        services.AddScoped<IDomainEventHandler<MilestoneUpdated>, ReleaseRecordingHandler>();
        services.AddScoped<IDomainEventHandler<MilestoneCancelled>, ReleaseAlwaysFailingHandler>();

        // The product handles no JobCreated, so it would get no outbox row (decision 016); the tests subscribe to it.
        services.AddScoped<IDomainEventHandler<JobCreated>, ReleaseJobCreatedHandler>();
        var provider = services.BuildServiceProvider();

        // The API and the Worker migrate at start through this hosted service; do the same here.
        foreach (var initializer in provider.GetServices<IHostedService>().OfType<DatabaseInitializer>())
        {
            await initializer.StartAsync(CancellationToken.None);
        }

        return new ReleaseOutboxHost(provider);
    }

    public async Task InsertAsync(IEnumerable<OutboxMessage> messages)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.OutboxMessages.AddRange(messages);
        await db.SaveChangesAsync();
    }

    public async Task<List<OutboxMessage>> RowsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.OutboxMessages.AsNoTracking().ToListAsync();
    }

    public async Task<OutboxMessage> RowAsync(Guid id) => (await RowsAsync()).Single(m => m.Id == id);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Outbox rows as the interceptor writes them, for events the test handlers react to.</summary>
internal static class ReleaseOutboxRows
{
    private static readonly JsonSerializerOptions Payload = new(JsonSerializerDefaults.Web);

    /// <summary>A message whose handler records its delivery.</summary>
    public static OutboxMessage Recorded(DateTimeOffset due) =>
        Row(new MilestoneUpdated(MilestoneId.New(), due), due);

    /// <summary>A message whose handler always throws.</summary>
    public static OutboxMessage Poison(DateTimeOffset due) =>
        Row(new MilestoneCancelled(MilestoneId.New(), due), due);

    private static OutboxMessage Row(IDomainEvent domainEvent, DateTimeOffset due) => new()
    {
        Id = Guid.CreateVersion7(),
        Type = domainEvent.GetType().Name,
        Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), Payload),
        OccurredAt = domainEvent.OccurredAt,
        Status = OutboxStatus.Pending,
        NextAttemptAt = due,
    };
}

/// <summary>Every delivery the test handlers saw, by event id (the outbox message id), across all hosts.</summary>
internal sealed class ReleaseDeliveryLog
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();

    public IReadOnlyDictionary<Guid, int> Deliveries => _deliveries;

    public int Count(Guid eventId) => _deliveries.GetValueOrDefault(eventId);

    public void Record(Guid eventId) => _deliveries.AddOrUpdate(eventId, 1, (_, count) => count + 1);
}

internal sealed class ReleaseRecordingHandler(ReleaseDeliveryLog log) : IDomainEventHandler<MilestoneUpdated>
{
    public async Task HandleAsync(MilestoneUpdated domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        // Yield so that the two dispatchers' work interleaves.
        await Task.Yield();
        log.Record(context.EventId);
    }
}

internal sealed class ReleaseJobCreatedHandler(ReleaseDeliveryLog log) : IDomainEventHandler<JobCreated>
{
    public Task HandleAsync(JobCreated domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        log.Record(context.EventId);
        return Task.CompletedTask;
    }
}

internal sealed class ReleaseAlwaysFailingHandler(ReleaseDeliveryLog log) : IDomainEventHandler<MilestoneCancelled>
{
    public const string Error = "the downstream system refused the event";

    public async Task HandleAsync(MilestoneCancelled domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        log.Record(context.EventId);
        throw new InvalidOperationException(Error);
    }
}

internal sealed class ReleaseHostEnvironment(string contentRoot) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Development;

    public string ApplicationName { get; set; } = "OpenTrain.Clean.Infrastructure.IntegrationTests";

    public string ContentRootPath { get; set; } = contentRoot;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

/// <summary>A fresh directory for one test's SQLite files, removed afterwards.</summary>
internal sealed class ReleaseDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"opentrain-release-outbox-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp directory is cleaned anyway.
        }
    }
}
