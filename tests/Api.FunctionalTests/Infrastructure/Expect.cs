using System.Net;
using System.Text.Json;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>Assertions on responses that show the body when they fail.</summary>
public static class Expect
{
    public const string ProblemJson = "application/problem+json";

    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {text}");
        }

        return Parse(text);
    }

    /// <summary>
    /// An RFC 9457 problem: the status, <c>application/problem+json</c>, the machine-readable
    /// <c>code</c>, a <c>traceId</c> and, when <paramref name="field"/> is given, an <c>errors</c> entry naming it.
    /// </summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var problem = await StatusAsync(response, status);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.Get("code").GetString());
        Assert.Equal((int)status, problem.Get("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.Get("traceId").GetString()), "a problem carries a traceId");
        if (field is not null)
        {
            var errors = problem.Get("errors");
            var fields = errors.EnumerateObject().Select(p => p.Name).ToList();
            Assert.True(errors.TryGetProperty(field, out var messages), $"errors should name '{field}' but names [{string.Join(", ", fields)}]: {problem}");
            Assert.NotEqual(0, messages.GetArrayLength());
        }

        return problem;
    }

    private static JsonElement Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

public static class JsonPath
{
    /// <summary>Follows a dotted path of member names, failing with the element when one is missing.</summary>
    public static JsonElement Get(this JsonElement element, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = element;
        foreach (var name in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
            {
                throw new Xunit.Sdk.XunitException($"'{path}' not found (at '{name}') in {element}");
            }

            current = next;
        }

        return current;
    }

    public static string? Str(this JsonElement element, string path) => element.Get(path).GetString();

    public static long Long(this JsonElement element, string path) => element.Get(path).GetInt64();

    public static Guid Id(this JsonElement element, string path = "id") => element.Get(path).GetGuid();

    public static bool IsNull(this JsonElement element, string path) => element.Get(path).ValueKind == JsonValueKind.Null;

    public static IReadOnlyList<JsonElement> Items(this JsonElement element, string path = "data") => [.. element.Get(path).EnumerateArray()];
}
