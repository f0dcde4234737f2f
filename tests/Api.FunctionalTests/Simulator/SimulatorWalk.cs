using System.Net;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.Milestones.Funding;
using OpenTrain.Clean.Application.Payouts.Execution;
using OpenTrain.Clean.Infrastructure.Payments.Simulator;
using OpenTrain.Clean.Infrastructure.Persistence.Outbox;

namespace OpenTrain.Clean.Api.FunctionalTests.Simulator;

/// <summary>
/// The walks a newcomer makes on the offline simulator, through the API and the simulator's own routes only
/// (what curl can do), with the background jobs run by the test when they would run on their timers.
/// </summary>
internal sealed class SimulatorWalk(ApiFactory factory)
{
    public ApiClient Api { get; } = factory.CreateApiClient();

    public PaymentSimulator Simulator => factory.Services.GetRequiredService<PaymentSimulator>();

    public async Task<Actor> SignInAsync(string role, string name, string? email = null)
    {
        var token = await Expect.StatusAsync(await Api.PostAsync("/dev/token", null, new { role, name, email }), HttpStatusCode.OK);
        var actor = new Actor(token.Id("userId"), role, token.Str("accessToken")!);
        await Expect.StatusAsync(await Api.GetAsync("/api/v1/me", actor), HttpStatusCode.OK);
        return actor;
    }

    public async Task<Actor> EmployerAsync(string paymentMethodId = "pm_card_visa", string name = "Ada Employer")
    {
        var employer = await SignInAsync("employer", name);
        await AttachAsync(employer, paymentMethodId);
        return employer;
    }

    public async Task AttachAsync(Actor employer, string paymentMethodId) =>
        await Expect.StatusAsync(await Api.PostAsync("/api/v1/billing/payment-methods", employer, new { paymentMethodId }), HttpStatusCode.OK);

    /// <summary>A trainer whose payout setup is finished on the simulator's hosted page (its account.updated event delivered).</summary>
    public async Task<(Actor Trainer, string AccountId)> PayoutReadyTrainerAsync(bool transfersActive = true)
    {
        var trainer = await SignInAsync("trainer", "Tom Trainer");
        var account = await Expect.StatusAsync(await Api.PostAsync("/api/v1/payouts/account", trainer, new { country = "US" }), HttpStatusCode.OK);
        var accountId = account.Str("connectedAccountId")!;
        var completed = await Api.PostAsync($"/simulator/onboarding/{accountId}/complete{(transfersActive ? string.Empty : "?transfers=false")}", null);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        await DrainOutboxAsync();
        return (trainer, accountId);
    }

    public async Task<Hired> HireAsync(Actor employer, Actor trainer, long amount = 50_000, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var job = await Expect.StatusAsync(await Api.PostAsync("/api/v1/jobs", employer, new { title = "RLHF preference labelling" }), HttpStatusCode.Created);
        var body = await Expect.StatusAsync(
            await Api.PostAsync($"/api/v1/jobs/{job.Id()}/contracts", employer, new { trainerId = trainer.Id, firstMilestone = new { title = "Batch 1", description = "First 1,000 preference pairs", amount } }),
            expected);
        return new Hired(job.Id(), body.Id("contract.id"), body.Id("funding.milestone.id"), body);
    }

    public async Task SubmitAndApproveAsync(Actor employer, Actor trainer, Guid milestoneId)
    {
        await Expect.StatusAsync(await Api.PostAsync($"/api/v1/milestones/{milestoneId}/submit", trainer, new { note = "Delivered" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await Api.PostAsync($"/api/v1/milestones/{milestoneId}/approve", employer, new { }), HttpStatusCode.OK);
    }

    public Task<JsonElement> MilestoneAsync(Actor actor, Guid milestoneId) => GetAsync(actor, $"/api/v1/milestones/{milestoneId}");

    public async Task<JsonElement> GetAsync(Actor actor, string path) => await Expect.StatusAsync(await Api.GetAsync(path, actor), HttpStatusCode.OK);

    public async Task<JsonElement> PostSimulatorAsync(string path) => await Expect.StatusAsync(await Api.PostAsync(path, null), HttpStatusCode.OK);

    /// <summary>Presses a button of a simulator page (it answers HTML).</summary>
    public async Task PressAsync(string path)
    {
        using var response = await Api.PostAsync(path, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>What the embedded jobs do on their timers: reconciliation (which also delivers the simulator's events), payouts, the outbox.</summary>
    public async Task RunJobsAsync()
    {
        await DrainOutboxAsync();
        await SendAsync(new ReconcileFundingsCommand());
        await DrainOutboxAsync();
        await SendAsync(new PayDuePayoutsCommand());
        await DrainOutboxAsync();
    }

    public Task<int> DrainOutboxAsync() => factory.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(CancellationToken.None);

    public async Task<IReadOnlyList<JsonElement>> NotificationsAsync(Actor actor) => (await GetAsync(actor, "/api/v1/notifications")).Items();

    private async Task<T> SendAsync<T>(IRequest<T> request)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(request, CancellationToken.None);
    }
}
