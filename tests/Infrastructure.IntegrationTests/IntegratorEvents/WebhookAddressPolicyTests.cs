using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTrain.Clean.Application.IntegratorEvents;
using OpenTrain.Clean.Infrastructure.IntegrationTests.Outbox;
using OpenTrain.Clean.Infrastructure.IntegratorEvents;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.IntegratorEvents;

/// <summary>Where deliveries may go (server-side request forgery), outside Development and in it.</summary>
public sealed class WebhookAddressPolicyTests
{
    [Theory]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://localhost:8443/hook", "loopback")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://10.0.0.5/hook", "private")]
    [InlineData("https://172.16.4.1/hook", "private")]
    [InlineData("https://192.168.1.20/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://100.64.0.1/hook", "carrier-grade NAT")]
    [InlineData("https://0.0.0.0/hook", "unspecified")]
    [InlineData("https://[fe80::1]/hook", "link-local")]
    [InlineData("https://[fd12:3456::1]/hook", "unique-local")]
    [InlineData("https://[::ffff:10.1.2.3]/hook", "private")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "link-local")]
    [InlineData("https://[2002:c0a8:0101::1]/hook", "private")]
    [InlineData("http://93.184.215.14/hook", "https")]
    public async Task RefusalAsync_OutsideDevelopment_RefusesInternalAddressesAndPlainHttp(string url, string reason)
    {
        var refusal = await Policy(Environments.Production).RefusalAsync(url, CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://93.184.215.14/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public async Task RefusalAsync_OutsideDevelopment_AcceptsHttpsToPublicAddresses(string url)
    {
        Assert.Null(await Policy(Environments.Production).RefusalAsync(url, CancellationToken.None));
    }

    [Fact]
    public async Task RefusalAsync_ForAHostThatDoesNotResolve_Refuses()
    {
        var refusal = await Policy(Environments.Production).RefusalAsync("https://no-such-host.invalid/hook", CancellationToken.None);

        Assert.Contains("does not resolve", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/hook")]
    [InlineData("http://localhost:5005/hook")]
    public async Task RefusalAsync_InDevelopment_AcceptsLoopback(string url)
    {
        Assert.Null(await Policy(Environments.Development).RefusalAsync(url, CancellationToken.None));
    }

    [Fact]
    public async Task RefusalAsync_InDevelopment_StillRefusesPrivateAddresses()
    {
        Assert.Contains("private", await Policy(Environments.Development).RefusalAsync("http://10.0.0.5/hook", CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalAsync_ForAnAllowListedHost_AcceptsItOutsideDevelopment()
    {
        var policy = Policy(Environments.Production, "127.0.0.1");

        Assert.Null(await policy.RefusalAsync("http://127.0.0.1:5005/hook", CancellationToken.None));
        Assert.NotNull(await policy.RefusalAsync("https://10.0.0.5/hook", CancellationToken.None));
    }

    private static WebhookAddressPolicy Policy(string environment, params string[] allowedHosts)
    {
        var options = new IntegratorEventOptions();
        foreach (var host in allowedHosts)
        {
            options.AllowedHosts.Add(host);
        }

        return new WebhookAddressPolicy(Options.Create(options), new ReleaseHostEnvironment(Path.GetTempPath()) { EnvironmentName = environment });
    }
}
