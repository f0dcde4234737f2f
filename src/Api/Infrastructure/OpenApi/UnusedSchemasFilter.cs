using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// Drops component schemas that nothing reaches any more (an enum whose only property now offers a
/// subset of it, the framework's problem types), so the document describes only what the API uses.
/// </summary>
internal sealed class UnusedSchemasFilter : IDocumentFilter
{
    private const string Prefix = "#/components/schemas/";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return;
        }

        using var text = new StringWriter();
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        var root = JsonNode.Parse(text.ToString())!.AsObject();
        var definitions = root["components"]?["schemas"]?.AsObject() ?? [];
        root["components"]!.AsObject().Remove("schemas");

        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(References(root));
        while (pending.TryDequeue(out var id))
        {
            if (reached.Add(id) && definitions[id] is { } definition)
            {
                foreach (var next in References(definition))
                {
                    pending.Enqueue(next);
                }
            }
        }

        foreach (var id in schemas.Keys.Where(id => !reached.Contains(id)).ToList())
        {
            schemas.Remove(id);
        }
    }

    private static IEnumerable<string> References(JsonNode node) => node switch
    {
        JsonObject obj => obj.SelectMany(pair => pair.Key == "$ref" && pair.Value?.GetValue<string>() is { } target && target.StartsWith(Prefix, StringComparison.Ordinal)
            ? [target[Prefix.Length..]]
            : pair.Value is null ? [] : References(pair.Value)),
        JsonArray array => array.SelectMany(item => item is null ? [] : References(item)),
        _ => [],
    };
}
