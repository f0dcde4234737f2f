using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Application.WebhookEndpoints;
using OpenTrain.Clean.Domain.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.Persistence.Repositories;

namespace OpenTrain.Clean.Infrastructure.IntegratorEvents;

public static class IntegratorEventServices
{
    public static IServiceCollection AddIntegratorEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IntegratorEventOptions>().Bind(configuration.GetSection(IntegratorEventOptions.SectionName))
            .Validate(o => o.DeliveryTimeout > TimeSpan.Zero && o.EndpointLease > o.DeliveryTimeout * 2, "IntegratorEvents: the endpoint lease must outlast two delivery timeouts.")
            .Validate(o => o.MaxConcurrentEndpoints > 0 && o.DeliveriesPerClaim > 0 && o.PublishBatchSize > 0, "IntegratorEvents: sizes must be positive.")
            .ValidateOnStart();
        services.AddScoped<IWebhookEndpointRepository, WebhookEndpointRepository>();
        services.AddScoped<IRepository<WebhookDelivery, WebhookDeliveryId>, EfRepository<WebhookDelivery, WebhookDeliveryId>>();
        services.AddSingleton<WebhookAddressPolicy>();
        services.AddSingleton<IWebhookUrlGuard>(sp => sp.GetRequiredService<WebhookAddressPolicy>());
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveryDispatcher>();
        services.AddSingleton<IntegratorEventPublisher>();
        services.AddSingleton<IntegratorEventRetention>();
        return services;
    }
}
