using StripeConfiguration = Stripe.StripeConfiguration;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Stripe;

/// <summary>The README tells operators which API version to create the webhook endpoint with: the one this build's Stripe.net reads.</summary>
public sealed class WebhookApiVersionReadmeTests
{
    [Fact]
    public void Readme_NamesTheApiVersionThatStripeNetSpeaks()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        Assert.Contains($"API version **`{StripeConfiguration.ApiVersion}`**", readme, StringComparison.Ordinal);
        Assert.Contains($"api_version={StripeConfiguration.ApiVersion}", readme, StringComparison.Ordinal);
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

        throw new InvalidOperationException("The repository root (OpenTrain.Clean.sln) is not above the test's directory.");
    }
}
