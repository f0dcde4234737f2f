using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Application.Payouts.Accounts;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class PayoutsEndpoints
{
    public static void MapPayouts(this IEndpointRouteBuilder app)
    {
        var payouts = app.MapGroup("/api/v1/payouts").WithTag("Payouts", "The trainer's payout setup (Stripe Connect onboarding) that released milestones are paid to.");
        payouts.MapGet("/countries", ListPayoutCountries).WithSummary("Countries where trainers can set up payouts")
            .WithDescription("ISO 3166-1 alpha-2 codes accepted by POST /api/v1/payouts/account.");
        var account = payouts.MapGroup("/account").RequireAuthorization(Authentication.TrainerOnly);
        account.MapGet("/", GetPayoutAccount).WithSummary("The trainer's payout setup (Settings -> Payouts)")
            .WithDescription("status: not_started, onboarding, enabled or restricted; requirementsDue lists what is still needed; pendingPayouts counts approved milestones waiting.");
        account.MapPost("/", StartPayoutAccount).WithSummary("Add Payout Method: start payout setup in a country")
            .WithDescription("Creates the trainer's connected account. 422 payout_country_unsupported names the supported countries.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status502BadGateway);
        account.MapPost("/onboarding-link", CreateOnboardingLink).WithSummary("A link to the hosted onboarding form")
            .WithDescription("Identity, tax and bank details are entered on the provider's hosted page; links expire, so ask for a new one each time.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway);
    }

    /// <param name="Country" example="US">ISO 3166-1 alpha-2.</param>
    public sealed record StartPayoutAccountRequest(string Country);

    private static async Task<Ok<PayoutCountriesResponse>> ListPayoutCountries(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new ListPayoutCountriesQuery(), ct));

    private static async Task<Ok<PayoutAccountResponse>> GetPayoutAccount(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetPayoutAccountQuery(), ct));

    private static async Task<Ok<PayoutAccountResponse>> StartPayoutAccount(StartPayoutAccountRequest request, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new StartPayoutAccountCommand(request.Country), ct));

    private static async Task<Ok<OnboardingLinkResponse>> CreateOnboardingLink(NoInput? request, ISender sender, HttpRequest http, CancellationToken ct)
    {
        var link = await sender.Send(new CreateOnboardingLinkCommand(), ct);
        return TypedResults.Ok(link with { Url = HostedPages.Absolute(http, link.Url) });
    }
}
