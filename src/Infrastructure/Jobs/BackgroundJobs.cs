using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace OpenTrain.Clean.Infrastructure.Jobs;

/// <summary>Configuration section <c>Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Whether the API hosts the jobs itself (the embedded default in Development).</summary>
    public bool? InProcess { get; set; }

    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan PayoutInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan IdempotencyCleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often events are published and webhook deliveries picked up.</summary>
    public TimeSpan IntegratorEventInterval { get; set; } = TimeSpan.FromSeconds(1);
}

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
