using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Infrastructure.Logging;

/// <summary>
/// The console log with secrets masked in every line and exception (third-party messages included):
/// card-number-like digits, bearer tokens, Stripe keys and client secrets.
/// </summary>
public sealed class RedactingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "redacting";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var level = logEntry.LogLevel switch
        {
            Microsoft.Extensions.Logging.LogLevel.Trace => "trce",
            Microsoft.Extensions.Logging.LogLevel.Debug => "dbug",
            Microsoft.Extensions.Logging.LogLevel.Information => "info",
            Microsoft.Extensions.Logging.LogLevel.Warning => "warn",
            Microsoft.Extensions.Logging.LogLevel.Error => "fail",
            Microsoft.Extensions.Logging.LogLevel.Critical => "crit",
            _ => "none",
        };
        textWriter.Write($"{level}: {logEntry.Category}[{logEntry.EventId.Id}]{Environment.NewLine}      ");
        textWriter.WriteLine(SensitiveText.Redact(message));
        if (logEntry.Exception is not null)
        {
            textWriter.WriteLine(SensitiveText.Redact(logEntry.Exception.ToString()));
        }
    }
}

public static class RedactedLogging
{
    /// <summary>The console log, with secrets masked (the API's and the worker's only sink).</summary>
    public static Microsoft.Extensions.Logging.ILoggingBuilder AddRedactedConsole(this Microsoft.Extensions.Logging.ILoggingBuilder logging) =>
        logging.AddConsole(options => options.FormatterName = RedactingConsoleFormatter.FormatterName)
            .AddConsoleFormatter<RedactingConsoleFormatter, ConsoleFormatterOptions>();
}
