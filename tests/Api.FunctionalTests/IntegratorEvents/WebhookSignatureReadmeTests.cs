using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Api.FunctionalTests.IntegratorEvents;

/// <summary>The README's verification snippet, run by Node against a delivery the real sender made to a real receiver.</summary>
public sealed partial class WebhookSignatureReadmeTests
{
    private const string Secret = "whsec_readme-test-secret";

    [Fact]
    public async Task ReadmeNodeSnippet_ForARealDelivery_AcceptsItAndRejectsTamperingAWrongSecretAndAnOldTimestamp()
    {
        await using var receiver = await WebhookReceiver.StartAsync(() => DateTimeOffset.UtcNow);
        receiver.Secrets.Add(Secret);
        using var sender = new WebhookSender(SenderPolicy.Development(), Options.Create(new IntegratorEventOptions()), TimeProvider.System);
        var body = IntegratorEventExamples.ByType["milestone.funded"];
        var outcome = await sender.SendAsync(new WebhookMessage(receiver.Url, Guid.NewGuid(), "milestone.funded", body, ["whsec_previous", Secret]), CancellationToken.None);
        Assert.True(outcome.Delivered, outcome.Error);
        var delivery = Assert.Single(receiver.Received);
        Assert.True(delivery.SignatureValid);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var verdicts = await RunNodeAsync(
            new { secret = Secret, header = delivery.Signature, body = delivery.Body, now },
            new { secret = "whsec_previous", header = delivery.Signature, body = delivery.Body, now },
            new { secret = Secret, header = delivery.Signature, body = delivery.Body.Replace("active_funded", "paid", StringComparison.Ordinal), now },
            new { secret = "whsec_somebody_else", header = delivery.Signature, body = delivery.Body, now },
            new { secret = Secret, header = delivery.Signature, body = delivery.Body, now = now + 301 },
            new { secret = Secret, header = "v1=" + delivery.Signature.Split(",v1=")[1], body = delivery.Body, now });

        Assert.Equal([true, true, false, false, false, false], verdicts);
    }

    [Fact]
    public void Readme_Catalog_ListsEveryEventType()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        Assert.All(IntegratorEventCatalog.Kinds, kind => Assert.Contains($"| `{kind.Type}` |", readme, StringComparison.Ordinal));
    }

    private static async Task<bool[]> RunNodeAsync(params object[] cases)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var snippet = NodeSnippet().Match(readme);
        Assert.True(snippet.Success, "the README has a ```js block with verifyOpenTrainSignature");
        var directory = Directory.CreateTempSubdirectory("opentrain-readme-node");
        try
        {
            var script = Path.Combine(directory.FullName, "verify.mjs");
            await File.WriteAllTextAsync(script, snippet.Groups["code"].Value + """

                let input = '';
                for await (const chunk of process.stdin) input += chunk;
                const cases = JSON.parse(input);
                console.log(JSON.stringify(cases.map((c) => verifyOpenTrainSignature(c.secret, c.header, c.body, c.now))));
                """);
            var start = new ProcessStartInfo("node", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            await node.StandardInput.WriteAsync(JsonSerializer.Serialize(cases));
            node.StandardInput.Close();
            var output = await node.StandardOutput.ReadToEndAsync();
            var errors = await node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            Assert.True(node.ExitCode == 0, $"node failed: {errors}");
            return JsonSerializer.Deserialize<bool[]>(output)!;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenTrain.Clean.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OpenTrain.Clean.sln) is not above the test binaries.");
    }

    [GeneratedRegex("```js\\n(?<code>(?:(?!```).)*verifyOpenTrainSignature(?:(?!```).)*)```", RegexOptions.Singleline)]
    private static partial Regex NodeSnippet();
}

/// <summary>The address policy as each environment builds it.</summary>
internal static class SenderPolicy
{
    public static WebhookAddressPolicy Development() => For(Environments.Development);

    public static WebhookAddressPolicy Production() => For(Environments.Production);

    private static WebhookAddressPolicy For(string environment) =>
        new(Options.Create(new IntegratorEventOptions()), new TestEnvironment(environment));

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "OpenTrain.Clean.Api.FunctionalTests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
