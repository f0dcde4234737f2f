using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenTrain.Clean.Application.Users.GetMe;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;

namespace OpenTrain.Clean.Api.Endpoints;

internal static class MeEndpoints
{
    public static void MapMe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", GetMe).WithTag("Me", "The caller's profile. A trainer's id, which the employer needs to hire them, is the id returned here.").WithSummary("The caller")
            .WithDescription("Returns the caller's profile, creating it from the token's claims on first use. A trainer must have signed in once before they can be hired.");
    }

    private static async Task<Ok<MeResponse>> GetMe(ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new GetMeCommand(), ct));
}
