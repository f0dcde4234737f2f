using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpenTrain.Clean.Tests.FakeStripe;

/// <summary>A failure the fake answers the next matching call with, whatever it asks.</summary>
public enum FakeStripeFailure
{
    /// <summary>HTTP 429, type <c>rate_limit_error</c> (not kept under the idempotency key).</summary>
    RateLimit,

    /// <summary>HTTP 429 shaped as <c>invalid_request_error</c> / code <c>rate_limit</c>, as some Stripe responses are.</summary>
    RateLimitAsInvalidRequest,

    /// <summary>HTTP 500 <c>api_error</c>; like Stripe, kept under the idempotency key and replayed.</summary>
    ApiError,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>balance_insufficient</c>.</summary>
    BalanceInsufficient,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>insufficient_capabilities_for_transfer</c>.</summary>
    InsufficientCapabilitiesForTransfer,

    /// <summary>HTTP 400 <c>invalid_request_error</c> / <c>transfers_not_allowed</c>: a permanent refusal.</summary>
    InvalidRequest,

    /// <summary>The call is carried out, but the answer waits <see cref="FakeStripeServer.HangFor"/>: longer than the client's timeout.</summary>
    Hang,
}

/// <summary>One call the fake received, as it received it, and what it answered.</summary>
public sealed record FakeStripeRequest(
    int Sequence,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Form,
    string? IdempotencyKey,
    string? ApiKey,
    string? StripeVersion,
    int Status,
    bool Replayed,
    string? ErrorCode)
{
    public bool Is(string method, string path) => Method == method && Path == path;

    public string? Field(string name) => Form.TryGetValue(name, out var value) ? value : null;

    public bool Succeeded => Status is >= 200 and < 300;

    public override string ToString() =>
        $"#{Sequence} {Method} {Path} -> {Status}{(ErrorCode is null ? string.Empty : $" {ErrorCode}")} key={IdempotencyKey ?? "-"} [{string.Join(", ", Form.Select(f => $"{f.Key}={f.Value}"))}]";
}

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
public sealed class FakeStripeServer : IAsyncDisposable
{
    public const string DefaultApiKey = "sk_test_51OpenTrainFakeStripeKey000000000000";

    private static readonly string[] CustomerParameters =
    [
        "address", "balance", "cash_balance", "description", "email", "expand", "invoice_prefix", "invoice_settings", "metadata", "name",
        "next_invoice_sequence", "payment_method", "phone", "preferred_locales", "shipping", "source", "tax", "tax_exempt", "tax_id_data", "test_clock",
    ];

    private static readonly string[] PaymentIntentParameters =
    [
        "amount", "allowed_payment_method_types", "amount_details", "application_fee_amount", "automatic_payment_methods", "capture_method", "confirm",
        "confirmation_method", "confirmation_token", "currency", "customer", "description", "error_on_requires_action", "excluded_payment_method_types",
        "expand", "mandate", "mandate_data", "metadata", "off_session", "on_behalf_of", "payment_details", "payment_method", "payment_method_configuration",
        "payment_method_data", "payment_method_options", "radar_options", "receipt_email", "return_url", "setup_future_usage", "shipping",
        "statement_descriptor", "statement_descriptor_suffix", "transfer_data", "transfer_group", "use_stripe_sdk",
    ];

    private static readonly string[] SetupIntentParameters =
    [
        "allowed_payment_method_types", "attach_to_self", "automatic_payment_methods", "confirm", "confirmation_token", "customer", "description",
        "excluded_payment_method_types", "expand", "flow_directions", "mandate_data", "metadata", "on_behalf_of", "payment_method",
        "payment_method_configuration", "payment_method_data", "payment_method_options", "return_url", "single_use", "usage", "use_stripe_sdk",
    ];

    private static readonly string[] RefundParameters =
    [
        "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin", "payment_intent", "reason",
        "refund_application_fee", "reverse_transfer",
    ];

    private static readonly string[] TransferParameters =
        ["amount", "currency", "description", "destination", "expand", "metadata", "source_transaction", "source_type", "transfer_group"];

    private static readonly string[] AccountParameters =
    [
        "account_token", "business_profile", "business_type", "capabilities", "company", "controller", "country", "default_currency", "documents",
        "email", "expand", "external_account", "groups", "individual", "metadata", "settings", "tos_acceptance", "type",
    ];

    private static readonly string[] SubscriptionParameters =
    [
        "add_invoice_items", "application_fee_percent", "automatic_tax", "backdate_start_date", "billing_cycle_anchor", "billing_mode", "billing_thresholds",
        "cancel_at", "cancel_at_period_end", "collection_method", "currency", "customer", "days_until_due", "default_payment_method", "default_source",
        "default_tax_rates", "description", "discounts", "expand", "invoice_settings", "items", "metadata", "off_session", "on_behalf_of",
        "payment_behavior", "payment_settings", "pending_invoice_item_interval", "proration_behavior", "transfer_data", "trial_end",
        "trial_from_plan", "trial_period_days", "trial_settings",
    ];

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

    /// <summary>The trainer finished hosted onboarding: payouts enabled, transfers active, nothing due.</summary>
    public JsonObject EnableAccount(string accountId)
    {
        lock (_gate)
        {
            var account = Stored(accountId);
            account["payouts_enabled"] = true;
            account["charges_enabled"] = false;
            account["details_submitted"] = true;
            account["capabilities"] = new JsonObject { ["transfers"] = "active" };
            account["requirements"] = FakeStripeObjects.Requirements([]);
            return (JsonObject)account.DeepClone();
        }
    }

    /// <summary>The customer completed 3-D Secure, or the bank debit settled: the intent succeeds with a charge.</summary>
    public JsonObject SucceedPaymentIntent(string paymentIntentId)
    {
        lock (_gate)
        {
            var intent = Stored(paymentIntentId);
            if (intent["latest_charge"]?.GetValue<string>() is { } pendingId && Stored(pendingId) is var pending && pending["status"]?.GetValue<string>() == "pending")
            {
                // A bank debit settles: its pending charge succeeds.
                pending["status"] = "succeeded";
                pending["paid"] = true;
                pending["captured"] = true;
                pending["amount_captured"] = pending["amount"]!.GetValue<long>();
            }
            else
            {
                var created = FakeStripeObjects.Charge(NewId("ch"), intent, "succeeded");
                _objects[created["id"]!.GetValue<string>()] = created;
                intent["latest_charge"] = created["id"]!.GetValue<string>();
            }

            intent["status"] = "succeeded";
            intent["amount_received"] = intent["amount"]!.GetValue<long>();
            intent["next_action"] = null;
            intent["last_payment_error"] = null;
            return (JsonObject)intent.DeepClone();
        }
    }

    /// <summary>The payment failed after the fact (3-D Secure refused, bank debit returned).</summary>
    public JsonObject FailPaymentIntent(string paymentIntentId, string declineCode = "generic_decline")
    {
        lock (_gate)
        {
            var intent = Stored(paymentIntentId);
            intent["status"] = "requires_payment_method";
            intent["next_action"] = null;
            intent["last_payment_error"] = new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = "card_declined",
                ["decline_code"] = declineCode,
                ["message"] = "Your card was declined.",
            };
            return (JsonObject)intent.DeepClone();
        }
    }

    /// <summary>The cardholder disputes the charge (a chargeback): a dispute in <paramref name="status"/>.</summary>
    public JsonObject OpenDispute(string chargeId, string status = "needs_response")
    {
        lock (_gate)
        {
            var charge = Stored(chargeId);
            charge["disputed"] = true;
            var dispute = FakeStripeObjects.Dispute(NewId("dp"), charge, status);
            _objects[dispute["id"]!.GetValue<string>()] = dispute;
            return (JsonObject)dispute.DeepClone();
        }
    }

    public JsonObject CloseDispute(string disputeId, string status)
    {
        lock (_gate)
        {
            var dispute = Stored(disputeId);
            dispute["status"] = status;
            return (JsonObject)dispute.DeepClone();
        }
    }

    public JsonObject SetSubscriptionStatus(string subscriptionId, string status)
    {
        lock (_gate)
        {
            var subscription = Stored(subscriptionId);
            subscription["status"] = status;
            return (JsonObject)subscription.DeepClone();
        }
    }

    /// <summary>The subscription's latest invoice is paid (or fails); returns the invoice.</summary>
    public JsonObject SettleLatestInvoice(string subscriptionId, bool paid = true)
    {
        lock (_gate)
        {
            var subscription = Stored(subscriptionId);
            var invoice = Stored(subscription["latest_invoice"]!.GetValue<string>());
            var amount = invoice["amount_due"]!.GetValue<long>();
            invoice["status"] = paid ? "paid" : "open";
            invoice["amount_paid"] = paid ? amount : 0;
            invoice["amount_remaining"] = paid ? 0 : amount;
            return (JsonObject)invoice.DeepClone();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var field in await request.ReadFormAsync(context.RequestAborted))
            {
                form[field.Key] = field.Value.ToString();
            }
        }

        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var authorization = request.Headers.Authorization.ToString();
        var apiKey = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        var idempotencyKey = NullIfEmpty(request.Headers["Idempotency-Key"].ToString());
        var version = NullIfEmpty(request.Headers["Stripe-Version"].ToString());
        var method = request.Method;
        var path = request.Path.Value ?? "/";

        Answer answer;
        bool hang;
        lock (_gate)
        {
            var sequence = ++_sequence;
            (answer, hang) = Process(method, path, query, form, apiKey, idempotencyKey, version);
            _requests.Add(new FakeStripeRequest(sequence, method, path, query, form, idempotencyKey, apiKey, version, answer.Status, answer.Replayed, answer.ErrorCode));
        }

        if (hang)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(HangFor, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up (its timeout) or the fake stops: the answer is lost, the effect is not.
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["Request-Id"] = answer.RequestId;
        if (answer.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        await context.Response.WriteAsync(answer.Body, Encoding.UTF8);
    }

    private (Answer Answer, bool Hang) Process(
        string method,
        string path,
        Dictionary<string, string> query,
        Dictionary<string, string> form,
        string? apiKey,
        string? idempotencyKey,
        string? version)
    {
        if (apiKey != ApiKey)
        {
            return (Violation(401, null, null, $"Invalid API Key provided: {Mask(apiKey)}"), false);
        }

        if (version is null)
        {
            _violations.Add($"{method} {path}: no Stripe-Version header");
        }

        var failure = TakeFailure(method, path);
        if (failure is FakeStripeFailure.RateLimit)
        {
            return (Error(429, "rate_limit_error", null, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."), false);
        }

        if (failure is FakeStripeFailure.RateLimitAsInvalidRequest)
        {
            return (Error(429, "invalid_request_error", "rate_limit", "Too many requests hit the API too quickly."), false);
        }

        var fingerprint = $"{method} {path} {string.Join('&', form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";
        if (method == "POST" && idempotencyKey is not null && _idempotent.TryGetValue(idempotencyKey, out var saved))
        {
            return saved.Fingerprint == fingerprint
                ? (saved.Answer with { Replayed = true, RequestId = NewRequestId() }, false)
                : (Violation(400, "idempotency_error", null, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request."), false);
        }

        var answer = failure switch
        {
            FakeStripeFailure.ApiError => Error(500, "api_error", null, "An unknown error occurred"),
            FakeStripeFailure.BalanceInsufficient => Error(400, "invalid_request_error", "balance_insufficient", "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card."),
            FakeStripeFailure.InsufficientCapabilitiesForTransfer => Error(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments", "destination"),
            FakeStripeFailure.InvalidRequest => Error(400, "invalid_request_error", "transfers_not_allowed", "The requested transfer cannot be created. Contact us via https://support.stripe.com/contact if you need help."),
            _ => RequireOwnIdempotencyKey(method, path, idempotencyKey) ?? Route(method, path, query, form),
        };

        // Like Stripe: what the endpoint answered once it began (a success, a decline, a 500) is kept under the key.
        if (method == "POST" && idempotencyKey is not null && answer.Status is (>= 200 and < 300) or 402 or 500)
        {
            _idempotent[idempotencyKey] = (fingerprint, answer);
        }

        return (answer, failure is FakeStripeFailure.Hang);
    }

    private FakeStripeFailure? TakeFailure(string method, string path)
    {
        var index = _failures.FindIndex(f => f.Method == method && f.Path == path);
        if (index < 0)
        {
            return null;
        }

        var failure = _failures[index].Failure;
        _failures.RemoveAt(index);
        return failure;
    }

    /// <summary>Money movement and object creation must be repeatable after a crash: the key has to come from our ids.</summary>
    private Answer? RequireOwnIdempotencyKey(string method, string path, string? key)
    {
        var segments = Segments(path);
        var strict = method == "POST" && segments switch
        {
            ["v1", "customers"] or ["v1", "customers", _] => true,
            ["v1", "payment_methods", _, "attach"] => true,
            ["v1", "payment_intents"] or ["v1", "transfers"] or ["v1", "accounts"] or ["v1", "subscriptions"] or ["v1", "refunds"] => true,
            _ => false,
        };
        if (!strict)
        {
            return null;
        }

        if (key is null)
        {
            return Violation(400, "idempotency_key_missing", null, $"FakeStripe: {method} {path} creates or moves something and must carry an Idempotency-Key.");
        }

        return Guid.TryParse(key, out _)
            ? Violation(400, "idempotency_key_not_derived", null, $"FakeStripe: {method} {path} carried a random Idempotency-Key ({key}, Stripe.net's default); a retry after a crash would create a second object. Derive the key from our ids.")
            : null;
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

    private Answer CreateCustomer(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, CustomerParameters) is { } unknown)
        {
            return unknown;
        }

        var customer = FakeStripeObjects.Customer(NewId("cus"), Field(form, "name"), Field(form, "email"), MetadataOf(form));
        return Created(customer);
    }

    private Answer UpdateCustomer(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, [.. CustomerParameters, "default_source"]) is { } unknown)
        {
            return unknown;
        }

        if (Find(id, "customer") is not { } customer)
        {
            return Missing(404, "customer", id, null);
        }

        if (Field(form, "invoice_settings[default_payment_method]") is { } defaultMethod)
        {
            if (Find(defaultMethod, "payment_method") is not { } method || method["customer"]?.GetValue<string>() != id)
            {
                return Violation(400, "resource_missing", "invoice_settings[default_payment_method]", $"The customer does not have a payment method with the ID {defaultMethod}. The payment method must be attached to the customer.");
            }

            customer["invoice_settings"]!["default_payment_method"] = defaultMethod;
        }

        foreach (var name in new[] { "name", "email", "description" })
        {
            if (Field(form, name) is { } value)
            {
                customer[name] = value;
            }
        }

        foreach (var (key, value) in MetadataOf(form))
        {
            customer["metadata"]![key] = value?.DeepClone();
        }

        return Ok(customer);
    }

    private Answer AttachPaymentMethod(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["customer", "expand"]) is { } unknown)
        {
            return unknown;
        }

        if (Field(form, "customer") is not { } customerId)
        {
            return Violation(400, "parameter_missing", "customer", "Missing required param: customer.");
        }

        if (Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        if (FakeStripeTestMethod.ById.TryGetValue(id, out var testMethod))
        {
            // A test id stands for a card number: attaching it makes a new PaymentMethod with an id of its own.
            var attached = FakeStripeObjects.PaymentMethod(NewId("pm"), testMethod, customerId);
            _methodBehaviour[attached["id"]!.GetValue<string>()] = testMethod;
            return Created(attached);
        }

        if (Find(id, "payment_method") is not { } existing)
        {
            return Missing(404, "payment_method", id, null);
        }

        var owner = existing["customer"]?.GetValue<string>();
        if (owner is not null && owner != customerId)
        {
            return Error(400, "invalid_request_error", "payment_method_unexpected_state", "The payment method you provided has already been attached to a customer.");
        }

        existing["customer"] = customerId;
        return Ok(existing);
    }

    private Answer CreateSetupIntent(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, SetupIntentParameters) is { } unknown)
        {
            return unknown;
        }

        var customerId = Field(form, "customer");
        if (customerId is not null && Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var usage = Field(form, "usage") ?? "off_session";
        if (usage is not ("on_session" or "off_session"))
        {
            return Violation(400, "parameter_invalid_string", "usage", $"Invalid usage: must be one of on_session or off_session, got {usage}.");
        }

        var types = ListOf(form, "allowed_payment_method_types");
        var id = NewId("seti");
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "setup_intent",
            ["client_secret"] = $"{id}_secret_{FakeStripeObjects.Suffix(id)}",
            ["created"] = FakeStripeObjects.Now,
            ["customer"] = customerId,
            ["livemode"] = false,
            ["metadata"] = MetadataOf(form),
            ["payment_method"] = null,
            ["payment_method_types"] = FakeStripeObjects.Strings(types.Count == 0 ? ["card"] : types),
            ["status"] = "requires_payment_method",
            ["usage"] = usage,
        };
        return Created(intent);
    }

    private Answer CreatePaymentIntent(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, PaymentIntentParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "amount", "currency") is { } missing)
        {
            return missing;
        }

        if (Amount(form, "amount") is not { } amount)
        {
            return Violation(400, "parameter_invalid_integer", "amount", $"Invalid integer: {form["amount"]}");
        }

        var currency = form["currency"].ToLowerInvariant();
        if (currency == "usd" && amount < 50)
        {
            return Error(400, "invalid_request_error", "amount_too_small", "Amount must be at least $0.50 usd", "amount");
        }

        if (amount > 99_999_999)
        {
            return Error(400, "invalid_request_error", "amount_too_large", "Amount must be no more than $999,999.99", "amount");
        }

        if (MetadataProblem(form) is { } metadataProblem)
        {
            return metadataProblem;
        }

        var customerId = Field(form, "customer");
        if (customerId is not null && Find(customerId, "customer") is null)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var paymentMethodId = Field(form, "payment_method");
        var confirm = Field(form, "confirm") == "true";
        if (confirm && paymentMethodId is null)
        {
            return Violation(400, "payment_intent_unexpected_state", "payment_method", "You cannot confirm this PaymentIntent because it's missing a payment method.");
        }

        FakeStripeTestMethod? behaviour = null;
        if (paymentMethodId is not null)
        {
            if (Find(paymentMethodId, "payment_method") is { } stored)
            {
                var owner = stored["customer"]?.GetValue<string>();
                if (owner is not null && owner != customerId)
                {
                    return Violation(400, "payment_method_unexpected_state", "payment_method", $"The provided PaymentMethod {paymentMethodId} is attached to customer {owner}; pass that customer.");
                }

                behaviour = _methodBehaviour[paymentMethodId];
            }
            else if (!FakeStripeTestMethod.ById.TryGetValue(paymentMethodId, out behaviour))
            {
                return Missing(400, "payment_method", paymentMethodId, "payment_method");
            }
        }

        var allowed = ListOf(form, "allowed_payment_method_types");
        var types = allowed.Count == 0 ? ["card"] : allowed;
        if (behaviour is not null && !types.Contains(behaviour.Type))
        {
            return Violation(400, "payment_intent_incompatible_payment_method", "payment_method", $"The PaymentMethod provided ({behaviour.Type}) is not allowed for this PaymentIntent. Allowed types: {string.Join(", ", types)}.");
        }

        var intent = FakeStripeObjects.PaymentIntent(
            NewId("pi"),
            amount,
            currency,
            customerId,
            paymentMethodId,
            confirm ? "requires_confirmation" : "requires_payment_method",
            Field(form, "transfer_group"),
            Field(form, "description"),
            MetadataOf(form),
            types);
        var intentId = intent["id"]!.GetValue<string>();
        _objects[intentId] = intent;
        if (!confirm || behaviour is null)
        {
            intent["status"] = paymentMethodId is null ? "requires_payment_method" : "requires_confirmation";
            return Ok(intent);
        }

        switch (behaviour.Behaviour)
        {
            case FakeStripeBehaviour.Succeed:
            {
                var charge = FakeStripeObjects.Charge(NewId("ch"), intent, "succeeded");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                intent["status"] = "succeeded";
                intent["amount_received"] = amount;
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                return Ok(intent);
            }

            case FakeStripeBehaviour.Process:
            {
                var charge = FakeStripeObjects.Charge(NewId("py"), intent, "pending");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                intent["status"] = "processing";
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                return Ok(intent);
            }

            case FakeStripeBehaviour.RequireAction:
                intent["status"] = "requires_action";
                intent["next_action"] = new JsonObject
                {
                    ["type"] = "use_stripe_sdk",
                    ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect", ["stripe_js"] = $"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intentId}" },
                };
                return Ok(intent);

            default:
            {
                var charge = FakeStripeObjects.Charge(NewId("ch"), intent, "failed");
                _objects[charge["id"]!.GetValue<string>()] = charge;
                var message = behaviour.DeclineCode == "insufficient_funds" ? "Your card has insufficient funds." : "Your card was declined.";
                intent["status"] = "requires_payment_method";
                intent["latest_charge"] = charge["id"]!.GetValue<string>();
                intent["last_payment_error"] = new JsonObject
                {
                    ["type"] = "card_error",
                    ["code"] = "card_declined",
                    ["decline_code"] = behaviour.DeclineCode,
                    ["charge"] = charge["id"]!.GetValue<string>(),
                    ["message"] = message,
                    ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                };
                var error = new JsonObject
                {
                    ["type"] = "card_error",
                    ["code"] = "card_declined",
                    ["decline_code"] = behaviour.DeclineCode,
                    ["charge"] = charge["id"]!.GetValue<string>(),
                    ["message"] = message,
                    ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                    ["payment_intent"] = intent.DeepClone(),
                    ["payment_method"] = paymentMethodId is not null && Find(paymentMethodId, "payment_method") is { } pm ? pm.DeepClone() : null,
                };
                return new Answer(402, new JsonObject { ["error"] = error }.ToJsonString(), "card_declined", NewRequestId());
            }
        }
    }

    private Answer ListPaymentIntents(Dictionary<string, string> query)
    {
        var intents = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "payment_intent")
            .Where(i => !query.TryGetValue("customer", out var customer) || i["customer"]?.GetValue<string>() == customer)
            .Reverse()
            .ToList();
        var page = FakeStripeObjects.List("/v1/payment_intents", [.. intents.Take(100).Select(i => (JsonObject)i.DeepClone())]);
        page["has_more"] = intents.Count > 100;
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }

    /// <summary>GET /v1/events: the events this fake recorded (none unless a test records them), newest first, filtered like Stripe's.</summary>
    private Answer ListEvents(Dictionary<string, string> query)
    {
        var since = query.TryGetValue("created[gte]", out var gte) && long.TryParse(gte, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        var events = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "event")
            .Where(e => e["created"]!.GetValue<long>() >= since && (types.Count == 0 || types.Contains(e["type"]!.GetValue<string>())))
            .Reverse()
            .Select(e => (JsonObject)e.DeepClone())
            .ToList();
        var page = FakeStripeObjects.List("/v1/events", [.. events]);
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }

    private Answer ListRefunds(Dictionary<string, string> query)
    {
        var refunds = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "refund")
            .Where(r => !query.TryGetValue("charge", out var charge) || r["charge"]?.GetValue<string>() == charge)
            .Reverse()
            .Select(r => (JsonObject)r.DeepClone())
            .ToList();
        return new Answer(200, FakeStripeObjects.List("/v1/refunds", [.. refunds]).ToJsonString(), null, NewRequestId());
    }

    private Answer ListTransfers(Dictionary<string, string> query)
    {
        var limit = query.TryGetValue("limit", out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 10;
        if (limit is < 1 or > 100)
        {
            return Violation(400, "parameter_invalid_integer", "limit", "Invalid limit: must be between 1 and 100.");
        }

        var transfers = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "transfer")
            .Where(t => !query.TryGetValue("transfer_group", out var group) || t["transfer_group"]?.GetValue<string>() == group)
            .Where(t => !query.TryGetValue("destination", out var destination) || t["destination"]?.GetValue<string>() == destination)
            .Reverse()
            .ToList();
        var page = FakeStripeObjects.List("/v1/transfers", [.. transfers.Take(limit).Select(t => (JsonObject)t.DeepClone())]);
        page["has_more"] = transfers.Count > limit;
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }

    private Answer CreateRefund(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, RefundParameters) is { } unknown)
        {
            return unknown;
        }

        var chargeId = Field(form, "charge");
        if (chargeId is null || Find(chargeId, "charge") is not { } charge || charge["status"]?.GetValue<string>() != "succeeded")
        {
            return Violation(400, "resource_missing", "charge", $"No such charge: '{chargeId}'.");
        }

        var available = charge["amount"]!.GetValue<long>() - _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "refund" && o["charge"]?.GetValue<string>() == chargeId)
            .Sum(r => r["amount"]!.GetValue<long>());
        var amount = Amount(form, "amount") ?? available;
        if (amount <= 0 || amount > available)
        {
            return Violation(400, "charge_already_refunded", "amount", $"Charge {chargeId} has {available} left to refund; asked {amount}.");
        }

        var refund = new JsonObject
        {
            ["id"] = NewId("re"),
            ["object"] = "refund",
            ["amount"] = amount,
            ["charge"] = chargeId,
            ["currency"] = charge["currency"]!.GetValue<string>(),
            ["created"] = FakeStripeObjects.Now,
            ["metadata"] = MetadataOf(form),
            ["payment_intent"] = charge["payment_intent"]?.DeepClone(),
            ["reason"] = Field(form, "reason"),
            ["status"] = "succeeded",
        };
        return Created(refund);
    }

    private Answer CreateTransfer(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, TransferParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "amount", "currency", "destination") is { } missing)
        {
            return missing;
        }

        if (Amount(form, "amount") is not { } amount || amount <= 0)
        {
            return Violation(400, "parameter_invalid_integer", "amount", $"Invalid positive integer: {form["amount"]}");
        }

        if (MetadataProblem(form) is { } metadataProblem)
        {
            return metadataProblem;
        }

        var currency = form["currency"].ToLowerInvariant();
        var source = Field(form, "source_transaction");
        if (source is not null)
        {
            // A card charge is ch_..., a bank debit's charge py_...; a PaymentIntent id (pi_...) is not a charge.
            if (!source.StartsWith("ch_", StringComparison.Ordinal) && !source.StartsWith("py_", StringComparison.Ordinal))
            {
                return Violation(400, "parameter_invalid_string", "source_transaction", $"FakeStripe: source_transaction must be the funding charge (ch_..., py_... for a bank debit), got '{source}'.");
            }

            if (Find(source, "charge") is not { } charge || charge["status"]?.GetValue<string>() != "succeeded")
            {
                return Violation(400, "resource_missing", "source_transaction", $"No such charge: '{source}' (or it has not succeeded).");
            }

            if (charge["currency"]!.GetValue<string>() != currency)
            {
                return Violation(400, "parameter_invalid_string", "currency", $"The currency of source_transaction ({charge["currency"]}) must be the transfer's ({currency}).");
            }

            var alreadyTransferred = _objects.Values
                .Where(o => o["object"]?.GetValue<string>() == "transfer" && o["source_transaction"]?.GetValue<string>() == source)
                .Sum(t => t["amount"]!.GetValue<long>());
            if (alreadyTransferred + amount > charge["amount"]!.GetValue<long>())
            {
                return Violation(400, "parameter_invalid_integer", "amount", $"FakeStripe: transfers from {source} would total {alreadyTransferred + amount}, more than the charge's {charge["amount"]}.");
            }
        }

        var destination = form["destination"];
        if (Find(destination, "account") is not { } account)
        {
            return Missing(400, "account", destination, "destination");
        }

        if (account["capabilities"]?["transfers"]?.GetValue<string>() != "active")
        {
            return Error(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments", "destination");
        }

        var transfer = FakeStripeObjects.Transfer(NewId("tr"), amount, currency, destination, source, Field(form, "transfer_group"), MetadataOf(form));
        return Created(transfer);
    }

    private Answer CreateAccount(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, AccountParameters) is { } unknown)
        {
            return unknown;
        }

        var type = Field(form, "type");
        if (type is not null and not ("express" or "standard" or "custom"))
        {
            return Violation(400, "parameter_invalid_string", "type", $"Invalid type: must be one of custom, express, or standard, got {type}.");
        }

        var country = Field(form, "country") ?? "US";
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            return Violation(400, "parameter_invalid_string", "country", $"Country '{country}' is not a valid ISO 3166-1 alpha-2 code.");
        }

        var requested = form.Where(f => f.Key.StartsWith("capabilities[", StringComparison.Ordinal) && f.Key.EndsWith("][requested]", StringComparison.Ordinal) && f.Value == "true")
            .Select(f => f.Key["capabilities[".Length..f.Key.IndexOf(']', StringComparison.Ordinal)])
            .ToList();
        if (type is "express" or "custom" && requested.Count == 0)
        {
            return Violation(400, "parameter_missing", "capabilities", "You must request at least one capability for Express and Custom accounts (capabilities[transfers][requested]=true).");
        }

        var agreement = Field(form, "tos_acceptance[service_agreement]");
        if (agreement is not null and not ("full" or "recipient"))
        {
            return Violation(400, "parameter_invalid_string", "tos_acceptance[service_agreement]", $"Invalid service_agreement: {agreement}.");
        }

        if (agreement == "recipient" && requested.Contains("card_payments"))
        {
            return Violation(400, "parameter_invalid_string", "capabilities", "The recipient service agreement cannot request card_payments.");
        }

        var account = FakeStripeObjects.Account(NewId("acct"), type ?? "standard", country, Field(form, "email"), MetadataOf(form), requested, agreement);
        return Created(account);
    }

    private Answer CreateAccountLink(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["account", "collect", "collection_options", "expand", "refresh_url", "return_url", "type"]) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "account", "type") is { } missing)
        {
            return missing;
        }

        var type = form["type"];
        if (type is not ("account_onboarding" or "account_update"))
        {
            return Violation(400, "parameter_invalid_string", "type", $"Invalid type: {type}.");
        }

        foreach (var url in new[] { "refresh_url", "return_url" })
        {
            if (Field(form, url) is not { } value || !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                return Violation(400, "url_invalid", url, $"Not a valid URL: {url}.");
            }
        }

        var accountId = form["account"];
        if (Find(accountId, "account") is null)
        {
            return Missing(400, "account", accountId, "account");
        }

        var now = FakeStripeObjects.Now;
        var link = new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = now,
            ["expires_at"] = now + 300,
            ["url"] = $"https://connect.stripe.com/setup/e/{accountId}/{Guid.NewGuid():N}",
        };
        return new Answer(200, link.ToJsonString(), null, NewRequestId());
    }

    private Answer CreateSubscription(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, SubscriptionParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "customer", "items[0][price]") is { } missing)
        {
            return missing;
        }

        var behaviour = Field(form, "payment_behavior") ?? "allow_incomplete";
        if (behaviour is not ("allow_incomplete" or "default_incomplete" or "error_if_incomplete" or "pending_if_incomplete"))
        {
            return Violation(400, "parameter_invalid_string", "payment_behavior", $"Invalid payment_behavior: {behaviour}.");
        }

        var customerId = form["customer"];
        if (Find(customerId, "customer") is not { } customer)
        {
            return Missing(400, "customer", customerId, "customer");
        }

        var price = form["items[0][price]"];
        if (!price.StartsWith("price_", StringComparison.Ordinal))
        {
            return Missing(400, "price", price, "items[0][price]");
        }

        var defaultMethod = Field(form, "default_payment_method") ?? customer["invoice_settings"]?["default_payment_method"]?.GetValue<string>();
        if (defaultMethod is null && behaviour != "default_incomplete")
        {
            return Error(400, "invalid_request_error", "resource_missing", "This customer has no attached payment source or default payment method. Please consider adding a default payment method.", "customer");
        }

        var pays = defaultMethod is not null && _methodBehaviour.TryGetValue(defaultMethod, out var method) && method.Behaviour == FakeStripeBehaviour.Succeed;
        var status = NextSubscriptionStatus ?? (pays ? "active" : "incomplete");
        var metadata = MetadataOf(form);
        var subscriptionId = NewId("sub");
        var invoice = FakeStripeObjects.SubscriptionInvoice(NewId("in"), customerId, subscriptionId, metadata, 4900, paid: status == "active");
        _objects[invoice["id"]!.GetValue<string>()] = invoice;
        var subscription = FakeStripeObjects.Subscription(subscriptionId, customerId, price, status, metadata, invoice["id"]!.GetValue<string>());
        return Created(subscription);
    }

    private Answer CancelSubscription(string id, Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["cancellation_details", "expand", "invoice_now", "prorate"]) is { } unknown)
        {
            return unknown;
        }

        if (Find(id, "subscription") is not { } subscription)
        {
            return Missing(404, "subscription", id, null);
        }

        subscription["status"] = "canceled";
        subscription["canceled_at"] = FakeStripeObjects.Now;
        subscription["ended_at"] = FakeStripeObjects.Now;
        return Ok(subscription);
    }

    private Answer Get(string id, string objectType) =>
        Find(id, objectType) is { } found ? Ok(found) : Missing(404, objectType, id, "id");

    private Answer Created(JsonObject created)
    {
        _objects[created["id"]!.GetValue<string>()] = created;
        return Ok(created);
    }

    private Answer Ok(JsonObject body) => new(200, body.ToJsonString(), null, NewRequestId());

    private Answer Missing(int status, string objectType, string id, string? param)
    {
        var name = objectType switch
        {
            "payment_method" => "PaymentMethod",
            "payment_intent" => "payment_intent",
            _ => objectType,
        };
        return Error(status, "invalid_request_error", "resource_missing", $"No such {name}: '{id}'", param);
    }

    private Answer Error(int status, string type, string? code, string message, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        var requestId = NewRequestId();
        error["request_log_url"] = $"https://dashboard.stripe.com/test/logs/{requestId}";
        return new Answer(status, new JsonObject { ["error"] = error }.ToJsonString(), code ?? type, requestId);
    }

    private Answer Violation(int status, string? code, string? param, string message)
    {
        _violations.Add($"{status} {code ?? "invalid_request_error"}: {message}");
        return Error(status, code == "idempotency_error" ? "idempotency_error" : "invalid_request_error", code == "idempotency_error" ? null : code, message, param);
    }

    private Answer? UnknownParameter(Dictionary<string, string> form, string[] allowed)
    {
        foreach (var key in form.Keys)
        {
            var root = key.Split('[')[0];
            if (!allowed.Contains(root, StringComparer.Ordinal))
            {
                return Violation(400, "parameter_unknown", root, $"Received unknown parameter: {root}");
            }
        }

        return null;
    }

    private Answer? Required(Dictionary<string, string> form, params string[] names)
    {
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(Field(form, name)))
            {
                return Violation(400, "parameter_missing", name, $"Missing required param: {name}.");
            }
        }

        return null;
    }

    private Answer? MetadataProblem(Dictionary<string, string> form)
    {
        var metadata = form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)).ToList();
        if (metadata.Count > 50)
        {
            return Violation(400, "parameter_invalid_string", "metadata", "Metadata can have at most 50 keys.");
        }

        foreach (var (key, value) in metadata)
        {
            var name = key["metadata[".Length..^1];
            if (name.Length > 40 || value.Length > 500)
            {
                return Violation(400, "parameter_invalid_string", key, $"Metadata keys are at most 40 and values at most 500 characters ({name}).");
            }
        }

        return null;
    }

    private static JsonObject MetadataOf(Dictionary<string, string> form) => FakeStripeObjects.Metadata(
        form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal) && f.Key.EndsWith(']'))
            .Select(f => KeyValuePair.Create(f.Key["metadata[".Length..^1], f.Value)));

    private static List<string> ListOf(Dictionary<string, string> form, string name)
    {
        var values = new List<string>();
        for (var i = 0; form.TryGetValue($"{name}[{i}]", out var value); i++)
        {
            values.Add(value);
        }

        return values;
    }

    private static long? Amount(Dictionary<string, string> form, string name) =>
        long.TryParse(form[name], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) ? amount : null;

    private static string? Field(Dictionary<string, string> form, string name) => form.TryGetValue(name, out var value) ? value : null;

    private JsonObject? Find(string id, string objectType) =>
        _objects.TryGetValue(id, out var found) && found["object"]?.GetValue<string>() == objectType ? found : null;

    private JsonObject Stored(string id) => _objects.TryGetValue(id, out var found) ? found : throw new KeyNotFoundException($"The fake holds no object {id}.");

    private string NewId(string prefix) => $"{prefix}_1Fk{Interlocked.Increment(ref _ids):D5}{Guid.NewGuid().ToString("N")[..12]}";

    private string NewRequestId() => $"req_{Interlocked.Increment(ref _ids):D5}{Guid.NewGuid().ToString("N")[..10]}";

    private static string[] Segments(string path) => path.Trim('/').Split('/');

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Mask(string? key) => key is null ? "(none)" : key.Length <= 8 ? "***" : $"{key[..8]}***{key[^4..]}";

    private sealed record Answer(int Status, string Body, string? ErrorCode, string RequestId)
    {
        public bool Replayed { get; init; }
    }
}
