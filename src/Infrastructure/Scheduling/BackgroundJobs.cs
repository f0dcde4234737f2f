using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace OpenTrain.Clean.Infrastructure.Scheduling;

public static class BackgroundJobs
{
    /// <summary>The jobs, registered once here and hosted by src/Worker and, in-process, by the API.</summary>
    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var worker = configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>() ?? new WorkerOptions();
        services.AddQuartz(quartz =>
        {
            Schedule<OutboxDispatchJob>(quartz, worker.OutboxInterval);
            Schedule<PayoutJob>(quartz, worker.PayoutInterval);
            Schedule<FundingReconciliationJob>(quartz, worker.ReconciliationInterval);
            Schedule<IdempotencyCleanupJob>(quartz, worker.IdempotencyCleanupInterval);
            Schedule<IntegratorEvents.IntegratorEventPublishJob>(quartz, worker.IntegratorEventInterval);
            Schedule<IntegratorEvents.WebhookDeliveryJob>(quartz, worker.IntegratorEventInterval);
            Schedule<IntegratorEvents.IntegratorEventCleanupJob>(quartz, worker.IdempotencyCleanupInterval);
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    private static void Schedule<TJob>(IQuartzBuilder quartz, TimeSpan interval)
        where TJob : IJob => quartz.ScheduleJob<TJob>(
            trigger => trigger
                .WithIdentity($"{typeof(TJob).Name}-trigger")
                .StartNow()
                .WithSimpleSchedule(schedule => schedule.WithInterval(interval).RepeatForever()),
            job => job.WithIdentity(typeof(TJob).Name));
}
