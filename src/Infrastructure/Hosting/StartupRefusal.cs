using Microsoft.Extensions.Options;

namespace OpenTrain.Clean.Infrastructure.Hosting;

/// <summary>A setting the process needs is missing or unsafe: it must not start half-configured.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

public static class StartupRefusal
{
    /// <summary>
    /// Turns a refused start (a missing or unsafe setting, a failed options validation) into one line on
    /// standard error and exit code 1, instead of a crash with a stack trace. Only an exception nobody
    /// catches reaches this, so a test host, which catches the entry point's exceptions, still sees it thrown.
    /// </summary>
    public static void ExitWithMessage(string processName) =>
        AppDomain.CurrentDomain.UnhandledException += (_, args) =>
        {
            var reason = args.ExceptionObject switch
            {
                StartupRefusedException refused => refused.Message,
                OptionsValidationException invalid => invalid.Message,
                AggregateException { InnerExceptions: [StartupRefusedException refused] } => refused.Message,
                _ => null,
            };
            if (reason is not null)
            {
                Console.Error.WriteLine($"{processName} refused to start: {reason}");
                Environment.Exit(1);
            }
        };
}
