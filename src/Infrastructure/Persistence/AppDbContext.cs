using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
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
        // A typed id that meets no column (a compiled read's "@job IS NULL") needs a mapping of its own.
        configurationBuilder.DefaultTypeMapping<UserId>().HasConversion<TypedIdConverter<UserId>>();
        configurationBuilder.DefaultTypeMapping<JobId>().HasConversion<TypedIdConverter<JobId>>();
        configurationBuilder.DefaultTypeMapping<ContractId>().HasConversion<TypedIdConverter<ContractId>>();
        configurationBuilder.DefaultTypeMapping<MilestoneId>().HasConversion<TypedIdConverter<MilestoneId>>();
        configurationBuilder.DefaultTypeMapping<InvoiceId>().HasConversion<TypedIdConverter<InvoiceId>>();
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
    /// <summary>Binary: compares exactly what was stored, as SQLite does, and as keys from other systems need.</summary>
    public const string ExactCollation = "Latin1_General_100_BIN2";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // SQL Server compares strings case-insensitively by default: Idempotency-Keys, Stripe event ids and
        // Stripe object ids that differ only in case are different keys, and must not collide or match.
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(PropertiesOf))
        {
            if (property.ClrType == typeof(string) && IsExternalKey(property.GetColumnName()))
            {
                property.SetCollation(ExactCollation);
            }
        }
    }

    /// <summary>The type's own properties and those of its complex values (a milestone's charge id is in its funding facts).</summary>
    private static IEnumerable<IMutableProperty> PropertiesOf(IMutableTypeBase type) =>
        type.GetDeclaredProperties().Concat(type.GetDeclaredComplexProperties().SelectMany(complex => PropertiesOf(complex.ComplexType)));

    /// <summary>Keys made elsewhere (Stripe's <c>ch_…</c>, a caller's Idempotency-Key), compared byte for byte.</summary>
    public static bool IsExternalKey(string columnName) =>
        columnName is "Key" or "RequestHash" or "EventId" or "PaymentReference" or "RefundReference" or "ProviderId"
        || columnName.EndsWith("Id", StringComparison.Ordinal);

    protected override void ConfigureInstants(ModelConfigurationBuilder configurationBuilder)
    {
        // datetimeoffset is native, comparable and orderable on SQL Server.
    }
}
