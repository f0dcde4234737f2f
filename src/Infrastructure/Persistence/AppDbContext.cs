using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Infrastructure.Persistence;

/// <summary>
/// The one model. Each provider has a subclass so that each keeps its own migrations
/// (<see cref="SqliteAppDbContext"/>, <see cref="SqlServerAppDbContext"/>).
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InvoiceSequence> InvoiceSequences => Set<InvoiceSequence>();

    /// <summary>Set by the unit of work while a command runs: any save then happens inside its transaction.</summary>
    internal bool InUnitOfWork { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<UserId>().HaveConversion<TypedIdConverter<UserId>>();
        configurationBuilder.Properties<JobId>().HaveConversion<TypedIdConverter<JobId>>();
        configurationBuilder.Properties<ContractId>().HaveConversion<TypedIdConverter<ContractId>>();
        configurationBuilder.Properties<MilestoneId>().HaveConversion<TypedIdConverter<MilestoneId>>();
        configurationBuilder.Properties<InvoiceId>().HaveConversion<TypedIdConverter<InvoiceId>>();
        configurationBuilder.Properties<Domain.Notifications.NotificationId>().HaveConversion<TypedIdConverter<Domain.Notifications.NotificationId>>();
        configurationBuilder.Properties<Domain.IntegratorEvents.IntegratorEventId>().HaveConversion<TypedIdConverter<Domain.IntegratorEvents.IntegratorEventId>>();
        configurationBuilder.Properties<Domain.IntegratorEvents.WebhookEndpointId>().HaveConversion<TypedIdConverter<Domain.IntegratorEvents.WebhookEndpointId>>();
        configurationBuilder.Properties<Domain.IntegratorEvents.WebhookDeliveryId>().HaveConversion<TypedIdConverter<Domain.IntegratorEvents.WebhookDeliveryId>>();
        configurationBuilder.Properties<string>().HaveMaxLength(4000);
        ConfigureInstants(configurationBuilder);
    }

    /// <summary>How UTC instants are stored: each provider in a form it can compare and order.</summary>
    protected abstract void ConfigureInstants(ModelConfigurationBuilder configurationBuilder);
}

/// <summary>
/// Every typed id is stored as its Guid. The read side is the constructor call itself
/// (<c>value => new TId(value)</c>), which EF compiles into its materializers: no reflection per row.
/// </summary>
public sealed class TypedIdConverter<TId>() : ValueConverter<TId, Guid>(id => id.Value, FromGuid())
    where TId : struct, ITypedId
{
    private static System.Linq.Expressions.Expression<Func<Guid, TId>> FromGuid()
    {
        var value = System.Linq.Expressions.Expression.Parameter(typeof(Guid), "value");
        var constructor = typeof(TId).GetConstructor([typeof(Guid)])
            ?? throw new InvalidOperationException($"{typeof(TId).Name} needs a constructor taking its Guid.");
        return System.Linq.Expressions.Expression.Lambda<Func<Guid, TId>>(System.Linq.Expressions.Expression.New(constructor, value), value);
    }
}

/// <summary>
/// SQLite has no instant type and cannot compare DateTimeOffset text; instants are stored as
/// UTC ticks (INTEGER), which compare and order correctly.
/// </summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    instant => instant.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureInstants(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
}

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureInstants(ModelConfigurationBuilder configurationBuilder)
    {
        // datetimeoffset is native, comparable and orderable on SQL Server.
    }
}
