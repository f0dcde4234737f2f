using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>An endpoint group's tag and what the group is for, declared where the group is mapped.</summary>
internal sealed record TagDescription(string Name, string Description)
{
    private static int _declared;

    /// <summary>Groups are declared in the order Program.cs maps them; the document lists their tags in that order.</summary>
    public int Order { get; } = Interlocked.Increment(ref _declared);
}

internal static class TagDescriptionExtensions
{
    /// <summary>Tags the endpoints and gives the tag the description the OpenAPI document shows for it.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new TagDescription(name, description));
}

/// <summary>
/// The document's tags, each with its description, in the order the groups are mapped (Program.cs maps
/// the Development group first, so a newcomer meets <c>POST /dev/token</c> before anything that needs it;
/// Swagger UI shows the groups in this order).
/// </summary>
internal sealed class TagsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var described = context.ApiDescriptions
            .SelectMany(api => api.ActionDescriptor.EndpointMetadata.OfType<TagDescription>())
            .DistinctBy(tag => tag.Name)
            .OrderBy(tag => tag.Order)
            .ToList();
        var used = document.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .Distinct()
            .ToList();
        // Tags another filter already described (the events catalog) keep their description.
        var existing = (document.Tags ?? new HashSet<OpenApiTag>()).Where(tag => tag.Name is not null).ToDictionary(tag => tag.Name ?? string.Empty, tag => tag.Description ?? string.Empty, StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(
            described.Where(tag => used.Contains(tag.Name)).Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description })
                .Concat(used.Where(name => described.All(tag => tag.Name != name)).Select(name => new OpenApiTag { Name = name, Description = existing.GetValueOrDefault(name ?? string.Empty) })));
    }
}
