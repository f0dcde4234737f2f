namespace OpenTrain.Clean.Api.Infrastructure.OpenApi;

/// <summary>
/// Plain schema names: the type's own name (<c>MilestoneResponse</c>), a generic one after its
/// arguments (<c>Page&lt;JobResponse&gt;</c> is <c>JobResponsePage</c>). Two types with one name fail the
/// document's generation (Swashbuckle refuses identical ids), so a clash is found at once.
/// </summary>
internal static class SchemaIds
{
    public static string For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return string.Concat(type.GetGenericArguments().Select(For)) + name;
    }
}
