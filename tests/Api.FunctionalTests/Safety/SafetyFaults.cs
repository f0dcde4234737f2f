using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Domain.Billing;
using OpenTrain.Clean.Infrastructure.Persistence;

namespace OpenTrain.Clean.Api.FunctionalTests.Safety;

/// <summary>Where a gateway fault strikes: before the provider is called, or after it answered success.</summary>
public enum SafetyFaultPoint
{
    BeforeProviderCall,
    AfterProviderSucceeded,
}

/// <summary>A process dying at a chosen point: not a provider error, nothing catches it on purpose.</summary>
public sealed class SafetyCrashException(string message) : Exception(message);

/// <summary>
/// The faults a test arms: a gateway operation that throws (before or after the real provider call),
/// a gateway operation that waits until the test releases it, and the Nth unit of work that fails
/// after its changes were saved inside the transaction but before the commit.
/// </summary>
public sealed class SafetyFaults
{
    private readonly ConcurrentDictionary<string, GatewayFault> _gatewayFaults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SafetyHold> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FundingRequest> _fundRequests = new();
    private int _unitOfWorkCalls;
    private int _failUnitOfWorkCall;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> throw at <paramref name="point"/>.</summary>
    public void FailGateway(string operation, SafetyFaultPoint point, Func<Exception>? exception = null, int times = 1) =>
        _gatewayFaults[operation] = new GatewayFault(point, exception ?? (() => new SafetyCrashException($"simulated crash in {operation} ({point})")), times);

    /// <summary>Calls of <paramref name="operation"/> wait (before reaching the provider) until the hold is released.</summary>
    public SafetyHold HoldGateway(string operation) => _holds[operation] = new SafetyHold();

    public int GatewayCalls(string operation) => _calls.GetValueOrDefault(operation);

    /// <summary>Every funding request sent to the provider, in order.</summary>
    public IReadOnlyList<FundingRequest> FundRequests => [.. _fundRequests];

    internal void Record(FundingRequest request) => _fundRequests.Enqueue(request);

    /// <summary>The <paramref name="n"/>th unit of work from now saves, then throws before its commit (so it rolls back).</summary>
    public void FailUnitOfWorkCall(int n)
    {
        Interlocked.Exchange(ref _unitOfWorkCalls, 0);
        Interlocked.Exchange(ref _failUnitOfWorkCall, n);
    }

    public void Disarm()
    {
        _gatewayFaults.Clear();
        foreach (var hold in _holds.Values)
        {
            hold.Release();
        }

        _holds.Clear();
        Interlocked.Exchange(ref _failUnitOfWorkCall, 0);
    }

    internal async Task<T> AroundGatewayAsync<T>(string operation, Func<Task<T>> call)
    {
        _calls.AddOrUpdate(operation, 1, (_, count) => count + 1);
        if (_holds.TryGetValue(operation, out var hold))
        {
            await hold.WaitAsync();
        }

        ThrowIfArmed(operation, SafetyFaultPoint.BeforeProviderCall);
        var result = await call();
        ThrowIfArmed(operation, SafetyFaultPoint.AfterProviderSucceeded);
        return result;
    }

    internal bool ShouldFailUnitOfWork()
    {
        var call = Interlocked.Increment(ref _unitOfWorkCalls);
        var failAt = Volatile.Read(ref _failUnitOfWorkCall);
        if (failAt == 0 || call != failAt)
        {
            return false;
        }

        Interlocked.Exchange(ref _failUnitOfWorkCall, 0);
        return true;
    }

    private void ThrowIfArmed(string operation, SafetyFaultPoint point)
    {
        if (!_gatewayFaults.TryGetValue(operation, out var fault) || fault.Point != point)
        {
            return;
        }

        if (Interlocked.Decrement(ref fault.Remaining) < 0)
        {
            return;
        }

        throw fault.Exception();
    }

    /// <summary>Wraps the registered payment gateway and unit of work in the fault decorators.</summary>
    internal static void Install(IServiceCollection services, SafetyFaults faults)
    {
        services.AddSingleton(faults);
        var gateway = services.Last(d => d.ServiceType == typeof(IPaymentGateway));
        services.Remove(gateway);
        services.AddSingleton<IPaymentGateway>(sp => new SafetyFaultyGateway((IPaymentGateway)Resolve(sp, gateway), faults));

        // The real unit of work is internal to Infrastructure: wrap whatever is registered, by its descriptor.
        var unitOfWork = services.Last(d => d.ServiceType == typeof(IUnitOfWork));
        services.Remove(unitOfWork);
        services.AddScoped<IUnitOfWork>(sp => new SafetyFaultyUnitOfWork((IUnitOfWork)Resolve(sp, unitOfWork), sp.GetRequiredService<AppDbContext>(), faults));
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);

    private sealed class GatewayFault(SafetyFaultPoint point, Func<Exception> exception, int times)
    {
        public int Remaining = times;

        public SafetyFaultPoint Point { get; } = point;

        public Func<Exception> Exception { get; } = exception;
    }
}

/// <summary>A gate a gateway call waits at; <see cref="Entered"/> completes when the first call arrives.</summary>
public sealed class SafetyHold
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    internal Task WaitAsync()
    {
        _entered.TrySetResult();
        return _released.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>The real gateway (the simulator), with the armed faults around each call.</summary>
internal sealed class SafetyFaultyGateway(IPaymentGateway inner, SafetyFaults faults) : IPaymentGateway
{
    public string Name => inner.Name;

    public Task<string> EnsureCustomerAsync(CustomerRequest request, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(EnsureCustomerAsync), () => inner.EnsureCustomerAsync(request, cancellationToken));

    public Task<PaymentMethodSummary> AttachPaymentMethodAsync(string customerId, string paymentMethodId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(AttachPaymentMethodAsync), () => inner.AttachPaymentMethodAsync(customerId, paymentMethodId, cancellationToken));

    public Task<FundingResult> FundAsync(FundingRequest request, CancellationToken cancellationToken)
    {
        faults.Record(request);
        return faults.AroundGatewayAsync(nameof(FundAsync), () => inner.FundAsync(request, cancellationToken));
    }

    public Task<FundingResult> GetFundingAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(GetFundingAsync), () => inner.GetFundingAsync(paymentIntentId, cancellationToken));

    public Task<TransferResult> TransferAsync(TransferRequest request, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(TransferAsync), () => inner.TransferAsync(request, cancellationToken));

    public Task<string> CreateConnectedAccountAsync(ConnectedAccountRequest request, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(CreateConnectedAccountAsync), () => inner.CreateConnectedAccountAsync(request, cancellationToken));

    public Task<ConnectedAccountStatus> GetConnectedAccountAsync(string connectedAccountId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(GetConnectedAccountAsync), () => inner.GetConnectedAccountAsync(connectedAccountId, cancellationToken));

    public Task<string> CreateOnboardingLinkAsync(string connectedAccountId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(CreateOnboardingLinkAsync), () => inner.CreateOnboardingLinkAsync(connectedAccountId, cancellationToken));

    public Task<string> CreateSetupIntentAsync(string customerId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(CreateSetupIntentAsync), () => inner.CreateSetupIntentAsync(customerId, cancellationToken));

    public Task<SubscriptionResult> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(CreateSubscriptionAsync), () => inner.CreateSubscriptionAsync(request, cancellationToken));

    public Task<SubscriptionResult> CancelSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(CancelSubscriptionAsync), () => inner.CancelSubscriptionAsync(subscriptionId, cancellationToken));

    public Task<SubscriptionResult> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(GetSubscriptionAsync), () => inner.GetSubscriptionAsync(subscriptionId, cancellationToken));

    public Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(RefundAsync), () => inner.RefundAsync(request, cancellationToken));

    public Task<string?> FindRefundAsync(string chargeId, CancellationToken cancellationToken) => inner.FindRefundAsync(chargeId, cancellationToken);

    public Task<ProviderEventPage> ListEventsAsync(DateTimeOffset since, string? continueAfter, CancellationToken cancellationToken) =>
        faults.AroundGatewayAsync(nameof(ListEventsAsync), () => inner.ListEventsAsync(since, continueAfter, cancellationToken));
}

/// <summary>
/// The registered unit of work, which on the armed call saves the work's changes inside its
/// transaction and then throws before the commit: the transaction rolls back, as after a crash.
/// </summary>
internal sealed class SafetyFaultyUnitOfWork(IUnitOfWork inner, AppDbContext db, SafetyFaults faults) : IUnitOfWork
{
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        inner.ExecuteAsync(
            async ct =>
            {
                var result = await work(ct);
                if (faults.ShouldFailUnitOfWork())
                {
                    await db.SaveChangesAsync(ct);
                    throw new SafetyCrashException("simulated crash after the save, before the commit");
                }

                return result;
            },
            cancellationToken);
}
