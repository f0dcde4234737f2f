using System.Net;
using System.Net.Http.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Platform;

/// <summary>
/// docs/decisions/005 and README.md ("Idempotency, limits, security"): a repeated POST with the same
/// Idempotency-Key gets the first response back, and the work is done once.
/// </summary>
public sealed class IdempotencyKeyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task CreateJob_WhenRepeatedWithTheSameIdempotencyKey_ReturnsTheFirstJobAndCreatesOne()
    {
        var employer = await _api.EmployerAsync(paymentMethodId: null);
        var before = await factory.CountRowsAsync();

        var first = await Expect.StatusAsync(await PostWithKeyAsync(employer, "job-key-1"), HttpStatusCode.Created);
        var second = await Expect.StatusAsync(await PostWithKeyAsync(employer, "job-key-1"), HttpStatusCode.Created);

        Assert.Equal(first.Id(), second.Id());
        Assert.Equal(before.Jobs + 1, (await factory.CountRowsAsync()).Jobs);
    }

    private Task<HttpResponseMessage> PostWithKeyAsync(Actor employer, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(new { title = "Labelling" }) };
        request.Headers.Add("Idempotency-Key", key);
        return _api.SendAsync(request, employer);
    }
}
