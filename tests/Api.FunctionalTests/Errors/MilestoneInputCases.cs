namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>
/// Milestone members that must be refused, as raw JSON values: the same table is sent through
/// hire (<c>firstMilestone</c>), add milestone and PATCH.
/// </summary>
internal static class MilestoneInputCases
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedRequest = "malformed_request";

    public sealed record InputCase(string Member, string Json, string Code);

    private static readonly DateOnly _today = DateOnly.FromDateTime(DateTime.UtcNow);

    public static IReadOnlyDictionary<string, InputCase> Refused { get; } = new Dictionary<string, InputCase>
    {
        ["amount 49, below Stripe's minimum"] = new("amount", "49", ValidationFailed),
        ["amount 100000000, above Stripe's maximum"] = new("amount", "100000000", ValidationFailed),
        ["amount 0"] = new("amount", "0", ValidationFailed),
        ["amount negative"] = new("amount", "-5000", ValidationFailed),
        ["amount long.MinValue"] = new("amount", "-9223372036854775808", ValidationFailed),
        ["amount as text"] = new("amount", "\"abc\"", MalformedRequest),
        ["amount with a fraction"] = new("amount", "5000.5", MalformedRequest),
        ["amount overflowing long"] = new("amount", "92233720368547758070", MalformedRequest),
        ["description empty"] = new("description", "\"\"", ValidationFailed),
        ["description blank"] = new("description", "\"   \"", ValidationFailed),
        ["description of 2001 characters"] = new("description", Text(2001), ValidationFailed),
        ["description of 10000 characters"] = new("description", Text(10_000), ValidationFailed),
        ["description with NUL"] = new("description", "\"Pairs\\u0000\"", ValidationFailed),
        ["title of 201 characters"] = new("title", Text(201), ValidationFailed),
        ["title of 10000 characters"] = new("title", Text(10_000), ValidationFailed),
        ["title with an escape sequence"] = new("title", "\"Batch \\u001b[31m2\"", ValidationFailed),
        ["title with a line break"] = new("title", "\"Batch\\n2\"", ValidationFailed),
        ["title with a bell"] = new("title", "\"Batch\\u0007\"", ValidationFailed),
        ["due date two days ago"] = new("dueDate", $"\"{_today.AddDays(-2):yyyy-MM-dd}\"", ValidationFailed),
        ["due date long past"] = new("dueDate", "\"2001-01-01\"", ValidationFailed),
        ["due date that does not exist"] = new("dueDate", "\"2031-02-30\"", MalformedRequest),
        ["due date in words"] = new("dueDate", "\"next week\"", MalformedRequest),
    };

    /// <summary>At the limits but inside them: the refusals above are not a validator that refuses everything.</summary>
    public static IReadOnlyDictionary<string, InputCase> Accepted { get; } = new Dictionary<string, InputCase>
    {
        ["amount 50, Stripe's minimum"] = new("amount", "50", string.Empty),
        ["description of 2000 characters"] = new("description", Text(2000), string.Empty),
        ["description with line breaks and tabs"] = new("description", "\"Pairs:\\n\\t1,000 of them\\r\\n\"", string.Empty),
        ["title of 200 characters"] = new("title", Text(200), string.Empty),
        ["due date in two days"] = new("dueDate", $"\"{_today.AddDays(2):yyyy-MM-dd}\"", string.Empty),
    };

    /// <summary>A milestone body with one member replaced by <paramref name="input"/>.</summary>
    public static string Body(InputCase input)
    {
        var members = new Dictionary<string, string>
        {
            ["title"] = "\"Batch\"",
            ["description"] = "\"Next 500 preference pairs\"",
            ["amount"] = "5000",
        };
        members[input.Member] = input.Json;
        return "{" + string.Join(',', members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
    }

    public static string Text(int length) => $"\"{new string('a', length)}\"";
}
