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
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Scoped, includeInternalTypes: true);
        services.AddScoped<FundingProcess>();
        services.AddOptions<Common.FeeOptions>();
        return services;
    }
}
