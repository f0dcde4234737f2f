using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Api.FunctionalTests.OpenApi;

/// <summary>
/// Every problem code the code base can emit is in the document's <c>Problem.code</c> enum. The codes are
/// found by reading the source (not by the reflection that builds the enum): the first argument of every
/// coded exception and problem, and every reference to an error-code constant, resolved to its value.
/// </summary>
[Collection(LiveApiCollection.Name)]
public sealed partial class ProblemCodeCoverageTests(LiveApiFixture api)
{
    [Fact]
    public void ProblemCodeEnum_WhenCollectedFromTheSource_ListsEveryCodeTheApiCanEmit()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(NodeTools.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(path => path, File.ReadAllText);
        var constants = Constants(sources);
        var emitted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in sources)
        {
            var file = Path.GetRelativePath(NodeTools.RepositoryRoot, path);
            foreach (Match site in EmissionSite().Matches(text))
            {
                var argument = site.Groups["code"].Value.Trim();
                var code = argument.StartsWith('"') ? argument.Trim('"') : Resolve(argument, constants);
                if (code is not null)
                {
                    emitted.TryAdd(code, $"{file}: {site.Value.Trim()}");
                }
            }

            foreach (Match reference in CodeConstantReference().Matches(text))
            {
                if (Resolve(reference.Value, constants) is { } code)
                {
                    emitted.TryAdd(code, $"{file}: {reference.Value}");
                }
            }
        }

        var documented = api.Document.GetProperty("components").GetProperty("schemas").GetProperty("Problem")
            .GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).ToHashSet(StringComparer.Ordinal);
        var missing = emitted.Where(pair => !documented.Contains(pair.Key)).Select(pair => $"{pair.Key} (from {pair.Value})").ToList();

        Assert.True(missing.Count == 0, $"Codes the API can emit but the document's Problem.code enum does not list (declare each as a public const string beside its rule):\n{string.Join('\n', missing)}");
        Assert.True(emitted.Count >= 50, $"the scan found only {emitted.Count} codes: {string.Join(", ", emitted.Keys)}");
        Assert.Superset(
            new HashSet<string>(["milestone_not_fundable", "payment_method_required", "trainer_not_found", "card_declined", "idempotency_key_reused", "rate_limited", "cannot_hire_self", "unauthorized"]),
            emitted.Keys.ToHashSet());
    }

    /// <summary><c>const string Name = "value"</c> by <c>Class.Name</c> and, where unambiguous, by <c>Name</c>.</summary>
    private static Dictionary<string, string?> Constants(Dictionary<string, string> sources)
    {
        var byName = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var text in sources.Values)
        {
            foreach (Match constant in ConstantDeclaration().Matches(text))
            {
                var owner = TypeDeclaration().Matches(text[..constant.Index]).LastOrDefault()?.Groups["name"].Value ?? string.Empty;
                var name = constant.Groups["name"].Value;
                var value = constant.Groups["value"].Value;
                byName[$"{owner}.{name}"] = value;
                byName[name] = byName.TryGetValue(name, out var existing) && existing != value ? null : value;
            }
        }

        return byName;
    }

    private static string? Resolve(string identifier, Dictionary<string, string?> constants)
    {
        var parts = identifier.Split('.');
        var key = parts.Length >= 2 ? $"{parts[^2]}.{parts[^1]}" : parts[0];
        return constants.GetValueOrDefault(key) is { } value && CodeShape().IsMatch(value) ? value : null;
    }

    /// <summary>The code argument of a coded exception or problem: <c>new DomainException(CODE, ...)</c>, <c>Problem(StatusCodes.X, CODE, ...)</c>, ...</summary>
    [GeneratedRegex(@"(?:new\s+(?:DomainException|ForbiddenException|UnprocessableException)\(\s*|IllegalMove\(\s*|Require\(\s*MilestoneStatus\.\w+,\s*|Problem\(\s*StatusCodes\.Status\d+\w*,\s*|WriteProblemAsync\([^,]+,[^,]+,\s*StatusCodes\.Status\d+\w*,\s*)(?<code>""[^""]*""|[A-Z][\w.]*)")]
    private static partial Regex EmissionSite();

    /// <summary>A reference to a constant of a class that holds codes (<c>MilestoneErrors.NotFundable</c>, <c>ProblemCodes.RateLimited</c>).</summary>
    [GeneratedRegex(@"\b(?:\w+Errors|ProblemCodes)\.[A-Z]\w*\b")]
    private static partial Regex CodeConstantReference();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex ConstantDeclaration();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(?<name>\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex CodeShape();
}
