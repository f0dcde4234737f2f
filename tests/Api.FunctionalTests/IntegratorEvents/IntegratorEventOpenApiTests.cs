using System.Net;
using System.Text.Json;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;
using OpenTrain.Clean.Application.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>The OpenAPI document carries the catalog and the events and endpoints routes with their ids and problems.</summary>
public sealed class IntegratorEventOpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly ApiClient _api = factory.CreateApiClient();

    [Fact]
    public async Task OpenApiDocument_ForEveryCatalogType_HasASchemaWithItsDataAndAnExample()
    {
        var schemas = (await DocumentAsync()).Get("components").GetProperty("schemas");

        Assert.All(IntegratorEventCatalog.Kinds, kind =>
        {
            Assert.True(schemas.TryGetProperty($"IntegratorEvents.{kind.Type}", out var schema), $"no schema for {kind.Type}");
            var text = schema.ToString();
            Assert.Contains(kind.Type, text, StringComparison.Ordinal);
            var example = schema.TryGetProperty("example", out var single) ? single : schema.GetProperty("examples")[0];
            Assert.Equal(kind.Type, example.GetProperty("type").GetString());
            Assert.Equal(kind.ResourceType, example.GetProperty("resource").GetProperty("type").GetString());
        });
    }

    [Theory]
    [InlineData("/api/v1/events", "get", "listEvents")]
    [InlineData("/api/v1/webhook-endpoints", "post", "createWebhookEndpoint")]
    [InlineData("/api/v1/webhook-endpoints", "get", "listWebhookEndpoints")]
    [InlineData("/api/v1/webhook-endpoints/{endpointId}", "patch", "updateWebhookEndpoint")]
    [InlineData("/api/v1/webhook-endpoints/{endpointId}", "delete", "deleteWebhookEndpoint")]
    [InlineData("/api/v1/webhook-endpoints/{endpointId}/roll-secret", "post", "rollWebhookEndpointSecret")]
    [InlineData("/api/v1/webhook-endpoints/{endpointId}/deliveries", "get", "listWebhookDeliveries")]
    [InlineData("/api/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/redeliver", "post", "redeliverWebhookDelivery")]
    public async Task OpenApiDocument_ForTheEventRoutes_NamesEachOperationAndDocumentsItsProblems(string path, string method, string operationId)
    {
        var operation = (await DocumentAsync()).Get("paths").GetProperty(path).GetProperty(method);

        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.Contains(operation.GetProperty("responses").EnumerateObject(), r => r.Name.StartsWith('4'));
    }

    [Fact]
    public async Task OpenApiDocument_EventsTag_StatesTheOrderingPromiseAndTheDeliveryContract()
    {
        var tags = (await DocumentAsync()).Get("tags").EnumerateArray()
            .Where(t => t.TryGetProperty("description", out _))
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("description").GetString()!);

        Assert.Contains("resource.sequence", tags["Events"], StringComparison.Ordinal);
        Assert.Contains("OpenTrain-Signature", tags["Webhook endpoints"], StringComparison.Ordinal);
        Assert.Contains("1, 5, 30 and 120 minutes", tags["Webhook endpoints"], StringComparison.Ordinal);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var employer = await _api.TokenAsync("employer");
        return await Expect.StatusAsync(await _api.GetAsync("/swagger/v1/swagger.json", employer), HttpStatusCode.OK);
    }
}
