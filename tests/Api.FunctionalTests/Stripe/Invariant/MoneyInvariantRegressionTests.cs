namespace OpenTrain.Clean.Api.FunctionalTests.Stripe.Invariant;

/// <summary>The counter-examples the generative test found (<see cref="MoneyInvariantProperties"/>), kept as named sequences.</summary>
public sealed class MoneyInvariantRegressionTests(MoneyInvariantHost host) : IClassFixture<MoneyInvariantHost>
{
    /// <summary>
    /// Stripe answered the funding request with a 500 and replays it under the attempt's key: reconciliation's redrive
    /// got "unknown" every time and the milestone stayed <c>funding</c>, with no PaymentIntent and no error, for a day.
    /// </summary>
    [Fact]
    public Task Fund_WhenStripeReplaysA500UnderTheAttemptsKey_FailsTheAttemptVisibly() =>
        host.PlayAsync(new MoneyStep.Fund(1, PayWith.Declined, ProviderFault.ServerError));
}
