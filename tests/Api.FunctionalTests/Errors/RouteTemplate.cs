using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Fills <c>{job}</c>, <c>{contract}</c>, <c>{funded}</c>, <c>{unfunded}</c>, <c>{invoice}</c>, <c>{trainer}</c> from a world.</summary>
internal static class RouteTemplate
{
    public static string Fill(string template, ContractWorld world) => template
        .Replace("{job}", world.JobId.ToString(), StringComparison.Ordinal)
        .Replace("{contract}", world.ContractId.ToString(), StringComparison.Ordinal)
        .Replace("{funded}", world.FundedMilestoneId.ToString(), StringComparison.Ordinal)
        .Replace("{unfunded}", world.UnfundedMilestoneId.ToString(), StringComparison.Ordinal)
        .Replace("{invoice}", world.FundingInvoiceId.ToString(), StringComparison.Ordinal)
        .Replace("{trainer}", world.Trainer.Id.ToString(), StringComparison.Ordinal);

    public static HttpMethod Method(string name) => name switch
    {
        "GET" => HttpMethod.Get,
        "POST" => HttpMethod.Post,
        "PATCH" => HttpMethod.Patch,
        "PUT" => HttpMethod.Put,
        "DELETE" => HttpMethod.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
