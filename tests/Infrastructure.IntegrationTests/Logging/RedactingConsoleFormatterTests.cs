using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTrain.Clean.Infrastructure.Logging;

namespace OpenTrain.Clean.Infrastructure.IntegrationTests.Logging;

/// <summary>The production log sink: one entry stays one line, whatever the user wrote, and secrets are masked.</summary>
public sealed class RedactingConsoleFormatterTests
{
    [Fact]
    public void Write_WhenTheMessageCarriesALineBreak_WritesOneLineWithTheBreakEscaped()
    {
        var reason = "Please redo batch 2\ninfo: OpenTrain.Clean.Api.Security[0]\n      Admin granted to mallory";

        var lines = Write($"Changes requested: {reason}");

        Assert.Equal(2, lines.Length);
        Assert.StartsWith("info: Test[7]", lines[0], StringComparison.Ordinal);
        Assert.Contains("\\ninfo: OpenTrain.Clean.Api.Security[0]\\n", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("info: OpenTrain.Clean.Api.Security", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_WhenAnExceptionMessageCarriesALineBreakAndACard_KeepsItOnItsLineMasked()
    {
        InvalidOperationException thrown;
        try
        {
            throw new InvalidOperationException("card 4242.4242.4242.4242 refused\nfail: Forged[0]");
        }
        catch (InvalidOperationException exception)
        {
            thrown = exception;
        }

        var lines = Write("failed", thrown);

        Assert.DoesNotContain(lines, l => l.StartsWith("fail: Forged", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("InvalidOperationException: card [redacted] refused\\nfail: Forged[0]", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("      ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Write_WhenAPasswordIsLogged_MasksItsValue()
    {
        var lines = Write("POST /login body password=hunter2&user=ada");

        Assert.DoesNotContain("hunter2", string.Join('\n', lines), StringComparison.Ordinal);
    }

    private static string[] Write(string message, Exception? exception = null)
    {
        using var writer = new StringWriter();
        new RedactingConsoleFormatter().Write(
            new LogEntry<string>(LogLevel.Information, "Test", new EventId(7), message, exception, (m, _) => m),
            scopeProvider: null,
            writer);
        return writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }
}
