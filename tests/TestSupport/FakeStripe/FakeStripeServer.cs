using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>
/// A Stripe-compatible HTTP server on 127.0.0.1 for the real Stripe.net client: form-encoded
/// requests, JSON objects and errors shaped like Stripe's, <c>Idempotency-Key</c> honoured like
/// Stripe (same key and parameters: the saved answer, no second object; same key, other parameters:
/// <c>idempotency_error</c>). It checks what it is sent and answers a malformed or unsafe request
/// with a 400 <c>invalid_request_error</c> that the caller sees, and lists it in <see cref="Violations"/>:
/// a wrong API key, a parameter Stripe does not know, a missing required parameter, a money-moving
/// or object-creating POST without an idempotency key of our own (Stripe.net adds a random GUID one
/// when we give none), a <c>source_transaction</c> that is not a charge id.
/// </summary>
public sealed partial class FakeStripeServer : IAsyncDisposable
{
    public const string DefaultApiKey = "sk_test_51OpenTrainFakeStripeKey000000000000";

    private readonly Lock _gate = new();
    private readonly List<FakeStripeRequest> _requests = [];
    private readonly List<string> _violations = [];
    private readonly List<(string Method, string Path, FakeStripeFailure Failure)> _failures = [];
    private readonly Dictionary<string, (string Fingerprint, Answer Answer)> _idempotent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeStripeTestMethod> _methodBehaviour = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebApplication _app;
    private int _sequence;
    private int _ids;

    private FakeStripeServer(WebApplication app, string apiKey)
    {
        _app = app;
        ApiKey = apiKey;
        Url = app.Urls.First().TrimEnd('/');
    }

    /// <summary>http://127.0.0.1:{port}: give it to Stripe.net as apiBase and connectBase.</summary>
    public string Url { get; }

    public string ApiKey { get; }

    /// <summary>How long a <see cref="FakeStripeFailure.Hang"/> holds its answer (ended early when the client gives up).</summary>
    public TimeSpan HangFor { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The status of the next subscriptions created; by default active when the default payment method pays, incomplete otherwise.</summary>
    public string? NextSubscriptionStatus { get; set; }

    public IReadOnlyList<FakeStripeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every request the fake refused as malformed or unsafe (an adapter bug), in words.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    public static async Task<FakeStripeServer> StartAsync(string apiKey = DefaultApiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeStripeServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        server = new FakeStripeServer(app, apiKey);
        return server;
    }

    public IReadOnlyList<FakeStripeRequest> RequestsTo(string method, string path) => [.. Requests.Where(r => r.Is(method, path))];

    public IReadOnlyList<FakeStripeRequest> RequestsSince(int sequence) => [.. Requests.Where(r => r.Sequence > sequence)];

    /// <summary>The sequence number of the last request received so far (0 when none).</summary>
    public int LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The next call to <paramref name="method"/> <paramref name="path"/> fails this way (once).</summary>
    public void FailNext(FakeStripeFailure failure, string method = "POST", string path = "/v1/transfers")
    {
        lock (_gate)
        {
            _failures.Add((method, path, failure));
        }
    }

    /// <summary>Failures armed with <see cref="FailNext"/> that no call has met yet are forgotten.</summary>
    public void ClearFailures()
    {
        lock (_gate)
        {
            _failures.Clear();
        }
    }

    /// <summary>A copy of a stored object (customer, payment_intent, charge, transfer, account, ...) by id.</summary>
    public JsonObject Object(string id)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(id, out var stored) ? (JsonObject)stored.DeepClone() : throw new KeyNotFoundException($"The fake holds no object {id}.");
        }
    }

    /// <summary>Copies of every stored object of one kind (its <c>object</c> field), oldest first.</summary>
    public IReadOnlyList<JsonObject> Objects(string objectType)
    {
        lock (_gate)
        {
            return [.. _objects.Values.Where(o => o["object"]?.GetValue<string>() == objectType).Select(o => (JsonObject)o.DeepClone())];
        }
    }

    /// <summary>Stripe forgets idempotency keys after about a day: from now on a known key makes a new object.</summary>
    public void ForgetIdempotencyKeys()
    {
        lock (_gate)
        {
            _idempotent.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private Answer Route(string method, string path, Dictionary<string, string> query, Dictionary<string, string> form) => (method, Segments(path)) switch
    {
        ("POST", ["v1", "customers"]) => CreateCustomer(form),
        ("POST", ["v1", "customers", var id]) => UpdateCustomer(id, form),
        ("GET", ["v1", "customers", var id]) => Get(id, "customer"),
        ("POST", ["v1", "payment_methods", var id, "attach"]) => AttachPaymentMethod(id, form),
        ("GET", ["v1", "payment_methods", var id]) => Get(id, "payment_method"),
        ("POST", ["v1", "setup_intents"]) => CreateSetupIntent(form),
        ("POST", ["v1", "payment_intents"]) => CreatePaymentIntent(form),
        ("GET", ["v1", "payment_intents", var id]) => Get(id, "payment_intent"),
        ("GET", ["v1", "payment_intents"]) => ListPaymentIntents(query),
        ("GET", ["v1", "transfers"]) => ListTransfers(query),
        ("GET", ["v1", "events"]) => ListEvents(query),
        ("GET", ["v1", "refunds"]) => ListRefunds(query),
        ("POST", ["v1", "transfers"]) => CreateTransfer(form),
        ("POST", ["v1", "refunds"]) => CreateRefund(form),
        ("GET", ["v1", "transfers", var id]) => Get(id, "transfer"),
        ("POST", ["v1", "accounts"]) => CreateAccount(form),
        ("GET", ["v1", "accounts", var id]) => Get(id, "account"),
        ("POST", ["v1", "account_links"]) => CreateAccountLink(form),
        ("POST", ["v1", "subscriptions"]) => CreateSubscription(form),
        ("GET", ["v1", "subscriptions", var id]) => Get(id, "subscription"),
        ("DELETE", ["v1", "subscriptions", var id]) => CancelSubscription(id, form),
        _ => Violation(404, null, null, $"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."),
    };
}
