using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Common.Behaviours;
using OpenTrain.Clean.Application.Milestones.Funding;

namespace OpenTrain.Clean.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddMediator(options =>
        {
            // Scoped: handlers take the scoped DbContext-backed repositories.
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors =
            [
                typeof(LoggingBehaviour<,>),
                typeof(ValidationBehaviour<,>),
                typeof(UnitOfWorkBehaviour<,>),
            ];
        });
        // Singletons: a validator holds only its rules (and singletons: the clock, fee options), so its rules are built once, not per request.
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<FundingSteps>();
        services.AddScoped<FundingProcess>();
        services.AddScoped<Contracts.HireTrainer.StartHireStep>();
        services.AddScoped<Milestones.RefundMilestone.RefundSteps>();
        services.AddScoped<Milestones.RefundMilestone.RefundProcess>();
        services.AddScoped<Payouts.Execution.PayoutSteps>();
        services.AddScoped<Payouts.Execution.PayoutProcess>();
        services.AddSingleton<Payouts.Execution.ProviderRateLimit>();
        services.AddScoped<Invoices.InvoiceIssuer>();
        services.AddScoped<Payouts.Accounts.PayoutAccountSync>();
        services.AddScoped<Notifications.Notifier>();
        services.AddScoped<Billing.BillingProfiles>();
        services.AddScoped<Webhooks.ProviderEventSweep>();
        services.AddSingleton<Webhooks.ProviderEventCursor>();
        services.AddDomainEventHandlers();
        services.AddProviderEventHandlers();
        services.AddOptions<Common.FeeOptions>();
        return services;
    }

    /// <summary>Registers every <see cref="Webhooks.IProviderEventHandler{TEvent}"/> of this assembly as itself, for the webhook's dispatch.</summary>
    private static void AddProviderEventHandlers(this IServiceCollection services)
    {
        var handlerInterface = typeof(Webhooks.IProviderEventHandler<>);
        foreach (var type in typeof(DependencyInjection).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == handlerInterface)))
        {
            services.AddScoped(type);
        }
    }

    /// <summary>Registers every <see cref="Abstractions.IDomainEventHandler{TEvent}"/> of this assembly, once per event it handles.</summary>
    private static void AddDomainEventHandlers(this IServiceCollection services)
    {
        var handlerInterface = typeof(Abstractions.IDomainEventHandler<>);
        foreach (var type in typeof(DependencyInjection).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var service in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == handlerInterface))
            {
                services.AddScoped(service, type);
            }
        }
    }
}
