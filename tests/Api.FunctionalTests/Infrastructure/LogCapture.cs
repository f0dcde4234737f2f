using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpenTrain.Clean.Api.FunctionalTests.Infrastructure;

/// <summary>Keeps the API's log lines at or above a level (and, below Information, its scopes) instead of printing them.</summary>
public sealed class LogCapture(LogLevel minimum) : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public IReadOnlyList<CapturedLog> Errors => _entries.Where(e => e.Level is >= LogLevel.Error and < LogLevel.None).ToList();

    /// <summary>Each entry as one line: <c>[Level] Category: message {name=value; ...} exception</c>, or <c>[scope] Category: state</c>.</summary>
    public IReadOnlyList<string> Lines => _entries.Select(e => e.Line).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, minimum, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogLevel minimum, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            if (minimum < LogLevel.Information)
            {
                entries.Enqueue(new CapturedLog(category, LogLevel.None, $"{state}", null, $"[scope] {category}: {state}"));
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            entries.Enqueue(new CapturedLog(category, logLevel, message, exception, $"[{logLevel}] {category}: {message} {{{values}}} {exception}"));
        }
    }
}

/// <summary>One captured log entry; <see cref="Line"/> is how it reads in a failure message.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception, string Line);
