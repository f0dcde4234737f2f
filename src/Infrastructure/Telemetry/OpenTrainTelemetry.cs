using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenTrain.Clean.Infrastructure.Telemetry;

/// <summary>
/// Our own spans and instruments, under one name (<c>OpenTrain.Clean</c>). ASP.NET Core, HttpClient
/// (so every Stripe call), EF Core and each Quartz job run are traced by their own instrumentation.
/// </summary>
public static class OpenTrainTelemetry
{
    public const string Name = "OpenTrain.Clean";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Funding attempts the payment provider answered, by outcome (succeeded, processing, requires_action, declined, error).</summary>
    public static readonly Counter<long> Fundings = Meter.CreateCounter<long>("opentrain.fundings", "{funding}", "Funding attempts sent to the payment provider, by outcome.");

    /// <summary>Transfers attempted, by outcome (succeeded, destination_not_ready, retryable, failed, unknown, error).</summary>
    public static readonly Counter<long> PayoutAttempts = Meter.CreateCounter<long>("opentrain.payout.attempts", "{attempt}", "Payout transfers attempted, by outcome.");

    /// <summary>Stripe webhook events received, by type and outcome.</summary>
    public static readonly Counter<long> WebhookEvents = Meter.CreateCounter<long>("opentrain.webhook.events", "{event}", "Stripe webhook events received, by type and outcome.");

    /// <summary>The span of one outbox message's delivery to its handlers, named after its event, carrying its id.</summary>
    public static Activity? StartOutboxMessage(Guid id, string type, int attempt)
    {
        var activity = Source.StartActivity($"outbox {type}", ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "opentrain.outbox");
        activity?.SetTag("messaging.message.id", id.ToString());
        activity?.SetTag("opentrain.outbox.type", type);
        activity?.SetTag("opentrain.outbox.attempt", attempt);
        return activity;
    }

    /// <summary>Names an outcome the way the metrics do: snake_case.</summary>
    public static string OutcomeName<T>(T outcome)
        where T : struct, Enum => string.Concat(outcome.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
