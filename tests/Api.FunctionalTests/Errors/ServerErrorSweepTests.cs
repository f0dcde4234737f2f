using System.Net.Http.Headers;
using System.Text;
using OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

namespace OpenTrain.Clean.Api.FunctionalTests.Errors;

/// <summary>Whatever arrives on a write route, the answer is a 4xx problem, never a 500.</summary>
public sealed class ServerErrorSweepTests(SeededContractFixture fixture) : IClassFixture<SeededContractFixture>
{
    private static readonly Dictionary<string, (string Actor, string Method, string Path)> _routes = new()
    {
        ["dev token"] = ("none", "POST", "/dev/token"),
        ["create job"] = ("employer", "POST", "/api/v1/jobs"),
        ["archive job"] = ("employer", "POST", "/api/v1/jobs/{job}/archive"),
        ["hire"] = ("employer", "POST", "/api/v1/jobs/{job}/contracts"),
        ["add milestone"] = ("employer", "POST", "/api/v1/contracts/{contract}/milestones"),
        ["patch milestone"] = ("employer", "PATCH", "/api/v1/milestones/{unfunded}"),
        ["fund"] = ("employer", "POST", "/api/v1/milestones/{unfunded}/fund"),
        ["submit"] = ("trainer", "POST", "/api/v1/milestones/{funded}/submit"),
        ["request changes"] = ("employer", "POST", "/api/v1/milestones/{funded}/request-changes"),
        ["approve"] = ("employer", "POST", "/api/v1/milestones/{funded}/approve"),
        ["cancel"] = ("employer", "POST", "/api/v1/milestones/{unfunded}/cancel"),
        ["payment method"] = ("employer", "POST", "/api/v1/billing/payment-methods"),
    };

    private static readonly Dictionary<string, byte[]> _bodies = new()
    {
        ["array"] = Utf8("[1,2,3]"),
        ["string"] = Utf8("\"hello\""),
        ["number"] = Utf8("42"),
        ["boolean"] = Utf8("true"),
        ["truncated"] = Utf8("{\"a\":"),
        ["nested 64 deep"] = Utf8(new string('[', 64) + new string(']', 64)),
        ["object nested 64 deep"] = Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64)),
        ["lone surrogate"] = Utf8("{\"title\":\"\\ud800\",\"description\":\"\\udfff\",\"note\":\"\\ud800\",\"reason\":\"\\ud800\",\"role\":\"\\ud800\",\"paymentMethodId\":\"\\ud800\"}"),
        ["invalid UTF-8"] = [(byte)'{', (byte)'"', (byte)'t', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}'],
        ["byte order mark only"] = [0xEF, 0xBB, 0xBF],
        ["huge number"] = Utf8("{\"amount\":1" + new string('0', 400) + "}"),
        ["duplicate members"] = Utf8("{\"amount\":5000,\"amount\":-1,\"title\":\"a\",\"title\":\"b\",\"description\":\"x\",\"description\":\"y\"}"),
    };

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var route in _routes.Keys)
            {
                foreach (var body in _bodies.Keys)
                {
                    data.Add(route, body);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Send_WhenBodyIsJunk_AnswersA4xxProblemWithoutLoggingAnError(string route, string body)
    {
        var (actor, method, path) = _routes[route];
        var world = fixture.World;
        var errorsBefore = fixture.Factory.Logs.Errors.Count;
        var request = new ByteArrayContent(_bodies[body]);
        request.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await fixture.Api.SendContentAsync(
            RouteTemplate.Method(method), RouteTemplate.Fill(path, world), actor switch { "employer" => world.Employer, "trainer" => world.Trainer, _ => null }, request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{route} with {body}: {(int)response.StatusCode} {text}");
        Assert.Equal(Expect.ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(errorsBefore, fixture.Factory.Logs.Errors.Count);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
