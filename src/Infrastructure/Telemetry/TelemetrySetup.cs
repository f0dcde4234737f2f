using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

namespace OpenTrain.Clean.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for the API and the worker: traces and metrics go out over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_*</c> settings), and nowhere
/// otherwise. <c>Telemetry:Enabled</c> turns the instrumentation on without OTLP, for an exporter the host adds.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) || configuration.GetValue<bool>("Telemetry:Enabled");

    public static IServiceCollection AddTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        string serviceName,
        Action<TracerProviderBuilder>? tracing = null,
        Action<MeterProviderBuilder>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName));
        services.AddScoped<BacklogProbe>();
        services.AddHealthChecks().AddCheck<BacklogHealthCheck>("backlog", tags: ["ready"]);
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.AddHostedService<BacklogGauges>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithTracing(builder =>
            {
                builder.AddSource(OpenTrainTelemetry.Name, QuartzInstrumentation.ActivitySourceName)
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation();
                tracing?.Invoke(builder);
            })
            .WithMetrics(builder =>
            {
                builder.AddMeter(OpenTrainTelemetry.Name, QuartzInstrumentation.MeterName)
                    .AddHttpClientInstrumentation();
                metrics?.Invoke(builder);
            });
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            // Reads the endpoint, protocol, headers and intervals from the standard OTEL_* settings.
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
