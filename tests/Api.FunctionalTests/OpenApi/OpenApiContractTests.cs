using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// What a generated client needs from the live document, checked over every operation and schema (so
/// endpoints and types added later are held to it too): names, security, errors, examples, enums.
/// </summary>
[Collection(LiveApiCollection.Name)]
public sealed partial class OpenApiContractTests(LiveApiFixture api)
{
    private static readonly string[] Methods = ["get", "put", "post", "patch", "delete"];

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        api.Document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(item => Methods.Contains(item.Name))
            .Select(item => (path.Name, item.Name, item.Value)));

    [Fact]
    public void Document_WhenServed_IsOpenApi31WithServersContactAndLicence()
    {
        var document = api.Document;

        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(api.BaseAddress.ToString().TrimEnd('/'), document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.False(string.IsNullOrEmpty(document.GetProperty("info").GetProperty("contact").GetProperty("url").GetString()));
        Assert.False(string.IsNullOrEmpty(document.GetProperty("info").GetProperty("license").GetProperty("name").GetString()));
    }

    [Fact]
    public void EveryOperation_WhenDocumented_HasAUniqueOperationIdASummaryADescriptionAndADescribedTag()
    {
        var tags = api.Document.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.TryGetProperty("description", out var d) ? d.GetString() : null);
        var missing = new List<string>();
        var ids = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            if (!operation.TryGetProperty("operationId", out var id) || !OperationId().IsMatch(id.GetString() ?? string.Empty))
            {
                missing.Add($"{name}: operationId (camelCase, from the handler's name)");
            }
            else
            {
                ids.Add(id.GetString()!);
            }

            foreach (var member in new[] { "summary", "description" })
            {
                if (!operation.TryGetProperty(member, out var text) || string.IsNullOrWhiteSpace(text.GetString()))
                {
                    missing.Add($"{name}: {member}");
                }
            }

            var operationTags = operation.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            if (operationTags.Count == 0 || operationTags.Any(tag => string.IsNullOrWhiteSpace(tags.GetValueOrDefault(tag))))
            {
                missing.Add($"{name}: a tag with a description (WithTag(name, description))");
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("approveMilestone", ids);
        Assert.True(ids.Count >= 40, $"only {ids.Count} operations documented");
    }

    [Fact]
    public void EveryOperation_WhenDocumented_DeclaresItsSecurityAndEveryErrorAsAProblemWithAnExample()
    {
        var missing = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            if (!operation.TryGetProperty("security", out var security))
            {
                missing.Add($"{name}: security (anonymous operations declare security: [])");
                continue;
            }

            var authenticated = security.GetArrayLength() > 0;
            var expected = new List<string>();
            if (authenticated)
            {
                expected.Add("401");
            }

            if (operation.TryGetProperty("requestBody", out _))
            {
                expected.AddRange(["400", "413", "415"]);
            }

            var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
            if (parameters.Any(x => x.GetProperty("in").GetString() == "path"))
            {
                expected.Add("404");
            }

            if (parameters.Any(x => x.GetProperty("name").GetString() == "Idempotency-Key"))
            {
                expected.AddRange(["400", "409", "422"]);
            }

            missing.AddRange(expected.Distinct().Where(status => !responses.ContainsKey(status)).Select(status => $"{name}: response {status}"));
            if (!responses.Keys.Any(status => status.StartsWith('4')))
            {
                missing.Add($"{name}: no 4xx response");
            }

            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var problem)
                    || problem.GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/Problem" || !problem.TryGetProperty("example", out _))
                {
                    missing.Add($"{name}: {status} is not an application/problem+json Problem with an example");
                }
            }

            if (status429(responses) is { } limited && !limited.GetProperty("headers").TryGetProperty("Retry-After", out _))
            {
                missing.Add($"{name}: 429 without Retry-After");
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));

        static JsonElement? status429(Dictionary<string, JsonElement> responses) => responses.TryGetValue("429", out var r) ? r : null;
    }

    [Fact]
    public void EveryOperation_WhenItHasJsonBodies_HasARequestAndAResponseExample()
    {
        var missing = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var bodies = new List<(string Where, JsonElement Content)>();
            if (operation.TryGetProperty("requestBody", out var body))
            {
                bodies.Add(("request", body.GetProperty("content")));
            }

            bodies.AddRange(operation.GetProperty("responses").EnumerateObject()
                .Where(r => r.Value.TryGetProperty("content", out _))
                .Select(r => ($"response {r.Name}", r.Value.GetProperty("content"))));
            foreach (var (where, content) in bodies)
            {
                foreach (var media in content.EnumerateObject().Where(m => m.Name.Contains("json", StringComparison.Ordinal)))
                {
                    if (!media.Value.TryGetProperty("example", out _) && !media.Value.TryGetProperty("examples", out _))
                    {
                        missing.Add($"{name}: {where} {media.Name} has no example");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public void DevToken_WhenDocumented_IsAnonymousFirstAndItsExampleMakesAFreshRealLookingUser()
    {
        var operation = api.Document.GetProperty("paths").GetProperty("/dev/token").GetProperty("post");
        var example = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

        Assert.Equal(0, operation.GetProperty("security").GetArrayLength());
        Assert.Equal("Development", api.Document.GetProperty("tags")[0].GetProperty("name").GetString());
        Assert.False(example.TryGetProperty("userId", out _), $"the example names a user, so everyone trying it is the same user: {example}");
        Assert.Matches("^[A-Z][a-z]+ [A-Z][a-z]+$", example.GetProperty("name").GetString()!);
        Assert.Matches("^[a-z.]+@example\\.com$", example.GetProperty("email").GetString()!);
        Assert.Contains(example.GetProperty("role").GetString(), Enum("UserRole"));
    }

    [Fact]
    public void Hire_WhenDocumented_SaysWhereTheTrainerIdComesFrom()
    {
        var schema = Schema("HireRequest").GetProperty("properties").GetProperty("trainerId");

        Assert.Contains("/api/v1/me", schema.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("uuid", schema.GetProperty("format").GetString());
    }

    [Fact]
    public void Schemas_WhenDocumented_HavePlainNamesAndResponsesListEveryMemberAsRequired()
    {
        var problems = new List<string>();
        var schemas = api.Document.GetProperty("components").GetProperty("schemas");
        problems.AddRange(schemas.EnumerateObject().Where(schema => !PlainName().IsMatch(schema.Name)).Select(schema => $"{schema.Name}: not a plain name"));

        // Nothing is left out of a response when null, so every member of a schema a response reaches is always present.
        var responses = Operations().SelectMany(o => o.Operation.GetProperty("responses").EnumerateObject())
            .Where(r => r.Name.StartsWith('2') && r.Value.TryGetProperty("content", out _))
            .Select(r => r.Value.GetProperty("content"));
        foreach (var name in Reached(responses, schemas))
        {
            var schema = schemas.GetProperty(name);
            var members = schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name).ToList() : [];
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            problems.AddRange(members.Where(member => !required.Contains(member)).Select(member => $"{name}.{member}: returned always but not required"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(
            Schema("MilestoneResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            Schema("MilestoneResponse").GetProperty("required").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NullableMembers_WhenDocumented_AreNullableInOpenApi31AndNeverAPlaceholder()
    {
        var payout = Schema("MilestonePayout").GetProperty("properties");
        var reason = payout.GetProperty("reason");
        var funding = Schema("MilestoneFunding").GetProperty("properties");
        var milestone = Schema("MilestoneResponse").GetProperty("properties");

        Assert.Contains("null", TypesOf(reason));
        Assert.DoesNotContain("none", reason.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()));
        Assert.Contains("null", TypesOf(funding.GetProperty("lastError")));
        Assert.Contains("null", TypesOf(milestone.GetProperty("submission")));
        Assert.Contains("null", TypesOf(milestone.GetProperty("approval")));
        Assert.DoesNotContain("null", TypesOf(milestone.GetProperty("funding")));
        Assert.DoesNotContain("null", TypesOf(milestone.GetProperty("id")));
        Assert.False(api.Document.GetRawText().Contains("\"nullable\"", StringComparison.Ordinal), "OpenAPI 3.1 has no 'nullable'");
    }

    [Fact]
    public void QueryFilters_WhenDocumented_AreEnumsWithTheJsonNames()
    {
        var filters = Operations()
            .SelectMany(o => o.Operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().Select(x => (o.Path, Parameter: x)) : [])
            .Where(x => x.Parameter.GetProperty("name").GetString() is "status" or "kind" or "paymentStatus")
            .ToList();

        Assert.True(filters.Count >= 7, $"only {filters.Count} enum filters found");
        Assert.All(filters, filter => Assert.NotEmpty(EnumOf(filter.Parameter.GetProperty("schema"))));
        Assert.Contains("active_funded", EnumOf(filters.First(f => f.Path.EndsWith("/milestones", StringComparison.Ordinal)).Parameter.GetProperty("schema")));
    }

    [Fact]
    public void IdempotentOperations_WhenDocumented_DeclareTheHeadersTheyReadAndWrite()
    {
        var hire = api.Document.GetProperty("paths").GetProperty("/api/v1/jobs/{jobId}/contracts").GetProperty("post");

        Assert.Contains(hire.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        var created = hire.GetProperty("responses").GetProperty("201").GetProperty("headers");
        Assert.True(created.TryGetProperty("Location", out _));
        Assert.True(created.TryGetProperty("Idempotent-Replayed", out _));
        Assert.True(hire.GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
    }

    [Fact]
    public void FilesAndReports_WhenDocumented_DeclareTheirContent()
    {
        var pdf = api.Document.GetProperty("paths").GetProperty("/api/v1/invoices/{invoiceId}/pdf").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        var report = api.Document.GetProperty("paths").GetProperty("/api/v1/reports/invoices").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");

        Assert.Equal("binary", pdf.GetProperty("application/pdf").GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal("string", report.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("#/components/schemas/InvoiceReportResponse", report.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    /// <summary>The component schemas reachable by <c>$ref</c> from the given elements.</summary>
    private static HashSet<string> Reached(IEnumerable<JsonElement> roots, JsonElement schemas)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonElement>(roots);
        while (pending.TryPop(out var element))
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in element.EnumerateObject())
                {
                    if (member.Name == "$ref" && member.Value.GetString() is { } target && target.StartsWith("#/components/schemas/", StringComparison.Ordinal)
                        && reached.Add(target.Split('/')[^1]))
                    {
                        pending.Push(schemas.GetProperty(target.Split('/')[^1]));
                    }
                    else
                    {
                        pending.Push(member.Value);
                    }
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
        }

        return reached;
    }

    private JsonElement Schema(string name) => api.Document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private List<string?> Enum(string schema) => [.. Schema(schema).GetProperty("enum").EnumerateArray().Select(v => v.GetString())];

    private List<string?> EnumOf(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? Enum(reference.GetString()!.Split('/')[^1])
        : schema.TryGetProperty("enum", out var values) ? [.. values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString())]
        : [];

    /// <summary>The JSON types a member may hold: its <c>type</c>, or the members of its <c>anyOf</c>.</summary>
    private static List<string> TypesOf(JsonElement schema)
    {
        if (schema.TryGetProperty("anyOf", out var any))
        {
            return [.. any.EnumerateArray().SelectMany(TypesOf)];
        }

        if (schema.TryGetProperty("$ref", out _))
        {
            return ["$ref"];
        }

        var type = schema.GetProperty("type");
        return type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
    }

    [GeneratedRegex("^[a-z][A-Za-z0-9]+$")]
    private static partial Regex OperationId();

    [GeneratedRegex("^[A-Z][A-Za-z0-9._]+$")]
    private static partial Regex PlainName();
}
