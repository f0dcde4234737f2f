using Mediator;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Application.Payouts.Accounts;

public sealed record PayoutCountriesResponse(IReadOnlyList<string> Countries);

/// <summary>Countries where trainers can set up payouts.</summary>
public sealed record ListPayoutCountriesQuery : IQuery<PayoutCountriesResponse>;

public sealed class ListPayoutCountriesHandler(IOptions<PayoutOptions> options) : IQueryHandler<ListPayoutCountriesQuery, PayoutCountriesResponse>
{
    public ValueTask<PayoutCountriesResponse> Handle(ListPayoutCountriesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PayoutCountriesResponse(options.Value.Countries));
}
