using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTrain.Clean.Application.Common;

namespace OpenTrain.Clean.Infrastructure.Logging;

/// <summary>
/// The console log with secrets masked in every line and exception (third-party messages included):
/// card-number-like digits, bearer tokens, Stripe keys and client secrets, password/secret values. One
/// entry's message is one line: line breaks in it (user text, a provider's message) are written escaped,
/// so nobody can forge an entry; an exception's stack trace follows on lines of its own, indented.
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
        textWriter.WriteLine(SensitiveText.ForLog(message));
        for (var exception = logEntry.Exception; exception is not null; exception = exception.InnerException)
        {
            textWriter.WriteLine($"      {(exception == logEntry.Exception ? string.Empty : "---> ")}{exception.GetType().FullName}: {SensitiveText.ForLog(exception.Message)}");
            foreach (var frame in (exception.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                textWriter.WriteLine($"         {SensitiveText.ForLog(frame)}");
            }
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
