using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.Common;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Domain.Common;
using OpenTrain.Clean.Domain.Contracts;
using OpenTrain.Clean.Domain.Jobs;
using OpenTrain.Clean.Domain.Payouts;
using OpenTrain.Clean.Domain.Users;
using OpenTrain.Clean.Application.Ops;
using OpenTrain.Clean.Domain.Notifications;
using OpenTrain.Clean.Infrastructure.Email;
using OpenTrain.Clean.Infrastructure.Hosting;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Payments;
using OpenTrain.Clean.Application.Webhooks;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Payments.Stripe;
using Stripe;
using OpenTrain.Clean.Infrastructure.Persistence;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;
using OpenTrain.Clean.Infrastructure.Persistence.Repositories;
using OpenTrain.Clean.Infrastructure.Telemetry;

namespace OpenTrain.Clean.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "OpenTrain";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<FeeOptions>().Bind(configuration.GetSection(FeeOptions.SectionName))
            .Validate(o => o.MarketplaceFeeRate is >= 0m and < 1m && o.ContractInitiationFeeCents >= 0, "Fees: the rate is in [0, 1) and the fee is not negative.")
            .ValidateOnStart();
        services.TryAddSingletonTimeProvider();
        services.AddPersistence(configuration, environment);
        services.AddPayments(configuration, environment);
        services.AddIntegratorEvents(configuration);
        services.AddOptions<PayoutOptions>().Bind(configuration.GetSection(PayoutOptions.SectionName))
            .Validate(o => o.BatchSize > 0 && o.Parallelism > 0 && o.MaxBatchesPerRun > 0 && o.ClaimLease > TimeSpan.Zero, "Payouts: BatchSize, Parallelism, MaxBatchesPerRun and ClaimLease must be positive.")
            .ValidateOnStart();
        services.AddOptions<FundingOptions>().Bind(configuration.GetSection(FundingOptions.SectionName));
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName));
        if (string.IsNullOrWhiteSpace(configuration["Email:Smtp:Host"]))
        {
            services.AddScoped<IEmailSender, LogEmailSender>();
        }
        else
        {
            services.AddScoped<IEmailSender, SmtpEmailSender>();
        }

        return services;
    }

    /// <summary>Where the embedded default keeps its files: <c>{content root}/App_Data</c> unless <c>DataDirectory</c> says otherwise.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(configuration["DataDirectory"] ?? Path.Combine(environment.ContentRootPath, "App_Data"));

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static void AddPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        services.AddSingleton(sp => DomainEventsToOutboxInterceptor.ForHandlersOf(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IServiceProviderIsService>()));
        services.AddSingleton<InvoiceDayTotals>();

        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                connectionString ??= $"Data Source={Path.Combine(DataDirectory(configuration, environment), "opentrain.db")}";
                services.AddDbContextPool<AppDbContext, SqliteAppDbContext>((sp, options) => options
                    .UseSqlite(connectionString)
                    .AddInterceptors(sp.GetRequiredService<DomainEventsToOutboxInterceptor>(), sp.GetRequiredService<InvoiceDayTotals>(), new SqlitePragmas())
                    .AddInterceptors(database.SqliteWriterGate ? [sp.GetRequiredService<SqliteWriterGate>()] : []));
                services.AddSingleton(new SqliteReadConnections(connectionString));
                services.AddSingleton<SqliteWriterGate>();
                break;
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new StartupRefusedException($"Database:Provider is SqlServer but ConnectionStrings:{ConnectionStringName} is not set.");
                }

                services.AddDbContextPool<AppDbContext, SqlServerAppDbContext>((sp, options) => options
                    .UseSqlServer(connectionString)
                    .AddInterceptors(sp.GetRequiredService<DomainEventsToOutboxInterceptor>(), sp.GetRequiredService<InvoiceDayTotals>()));
                break;
            default:
                throw new StartupRefusedException($"Unknown Database:Provider '{database.Provider}'. Use Sqlite or SqlServer.");
        }

        ScopedContext.Register(services);
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddScoped<IReadStore>(sp => new ReadStore(sp.GetRequiredService<ScopedContext>(), sp.GetService<SqliteReadConnections>()));
        services.AddScoped<IInvoiceNumberSequence, InvoiceNumberSequence>();
        services.AddScoped<IPayoutClaims, PayoutClaims>();
        services.AddScoped<IMilestoneRepository, MilestoneRepository>();
        services.AddScoped<IInvoiceRepository, InvoiceRepository>();
        services.AddScoped<IRepository<Job, JobId>, EfRepository<Job, JobId>>();
        services.AddScoped<IRepository<Contract, ContractId>, EfRepository<Contract, ContractId>>();
        services.AddScoped<IRepository<UserProfile, UserId>, EfRepository<UserProfile, UserId>>();
        services.AddScoped<IRepository<EmployerBillingProfile, UserId>, EfRepository<EmployerBillingProfile, UserId>>();
        services.AddScoped<IRepository<TrainerPayoutAccount, UserId>, EfRepository<TrainerPayoutAccount, UserId>>();
        services.AddScoped<IRepository<Notification, NotificationId>, EfRepository<Notification, NotificationId>>();
        services.AddScoped<IOutboxAdmin, OutboxAdmin>();
        services.AddScoped<IWebhookInbox, WebhookInbox>();
        services.AddSingleton<IIdempotencyStore, IdempotencyStore>();
        // First renders run on a low-priority thread (the requests' CPU first), then are kept by content.
        services.AddSingleton(_ => new Invoices.LowPriorityInvoicePdfRenderer(new Invoices.PdfInvoiceRenderer()));
        services.AddSingleton<IInvoicePdfRenderer>(provider => new Invoices.CachedInvoicePdfRenderer(provider.GetRequiredService<Invoices.LowPriorityInvoicePdfRenderer>()));
        services.AddOptions<Application.Common.InvoiceOptions>().Bind(configuration.GetSection(Application.Common.InvoiceOptions.SectionName));
        services.AddSingleton<OutboxDispatcher>();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName));
        services.AddHostedService<DatabaseInitializer>();
        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database", tags: ["ready"]);
    }

    private static void AddPayments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var payments = configuration.GetSection(PaymentOptions.SectionName).Get<PaymentOptions>() ?? new PaymentOptions();
        services.AddOptions<PaymentOptions>().Bind(configuration.GetSection(PaymentOptions.SectionName));
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName));
        var stripe = configuration.GetSection(StripeOptions.SectionName).Get<StripeOptions>() ?? new StripeOptions();
        if (!string.IsNullOrWhiteSpace(stripe.SecretKey))
        {
            // With a key, money moves through Stripe and never on the simulator.
            services.AddSingleton<IStripeClient>(_ => new StripeClient(
                stripe.SecretKey,
                httpClient: new SystemNetHttpClient(new HttpClient { Timeout = stripe.Timeout }, stripe.MaxNetworkRetries),
                apiBase: stripe.ApiBase,
                connectBase: stripe.ConnectBase));
            services.AddSingleton<StripePaymentGateway>();
            services.AddSingleton<IPaymentGateway>(sp => new MeteredPaymentGateway(sp.GetRequiredService<StripePaymentGateway>()));
            services.AddSingleton<StripeWebhookParser>();
            return;
        }

        if (!environment.IsDevelopment())
        {
            // The simulator answers "succeeded" without taking any money: it must never serve real users.
            throw new StartupRefusedException(
                $"Stripe:SecretKey is not set. Outside Development ({environment.EnvironmentName}) a payment provider is required; the offline payment simulator runs only in Development.");
        }

        var simulatorFile = payments.SimulatorDataFile ?? Path.Combine(DataDirectory(configuration, environment), "payment-simulator.db");
        services.AddSingleton(_ => new SimulatorStore(simulatorFile));
        services.AddSingleton<PaymentSimulator>();
        services.AddSingleton<IPaymentGateway>(sp => new MeteredPaymentGateway(sp.GetRequiredService<PaymentSimulator>()));
    }
}
