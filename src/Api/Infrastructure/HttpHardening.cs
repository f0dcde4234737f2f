using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.RateLimiting;

namespace OpenTrain.Clean.Api.Infrastructure;

internal static class HttpHardening
{
    public const string MoneyPolicy = "money";

    /// <summary>Routes that cost far more than a read (a PDF's first render, a CSV export): a few at a time per caller, the rest queued.</summary>
    public const string ExpensivePolicy = "expensive";
    public const string CorsPolicy = "frontends";

    public static IServiceCollection AddHttpHardening(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitingOptions.SectionName).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(MoneyPolicy, context =>
            {
                if (!limits.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                var caller = context.User.FindFirstValue(AuthClaims.Subject) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                return RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.MoneyPermits,
                    Window = limits.MoneyWindow,
                    QueueLimit = 0,
                });
            });
            // Not a rate limit (on even when those are off): one caller's downloads queue behind each other
            // instead of taking every core from everyone else's reads.
            options.AddPolicy(ExpensivePolicy, context => RateLimitPartition.GetConcurrencyLimiter(
                context.User.FindFirstValue(AuthClaims.Subject) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.ExpensivePerCaller,
                    QueueLimit = limits.ExpensiveQueuePerCaller,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var expensive = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ExpensivePolicy;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : expensive ? TimeSpan.FromSeconds(1) : limits.MoneyWindow;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = ProblemExceptionHandler.Problem(
                        StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests", expensive
                            ? $"Too many downloads of yours are running or queued ({limits.ExpensivePerCaller} at a time, {limits.ExpensiveQueuePerCaller} waiting); retry after {context.Response.Headers.RetryAfter} s."
                            : $"Too many money-moving requests; retry after {context.Response.Headers.RetryAfter} s."),
                });
            };
        });

        // Closed unless the internal frontends' origins are configured.
        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().WithMethods("GET", "POST", "PATCH", "DELETE")
                    .WithExposedHeaders("Location", IdempotencyMiddleware.ReplayedHeader, "Retry-After");
            }
        }));
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

        // Behind a TLS-terminating proxy, X-Forwarded-For/-Proto are believed only from the configured
        // proxies and networks, so that HTTPS redirection, HSTS and the rate limit see the real client.
        var proxies = TrustedProxies.From(configuration);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var address in proxies.Addresses)
            {
                options.KnownProxies.Add(address);
            }

            foreach (var network in proxies.Networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        if (proxies.Any && string.IsNullOrEmpty(HttpsPortSetting(configuration)))
        {
            // The proxy listens for HTTPS on its own port, which this process cannot discover.
            services.Configure<HttpsRedirectionOptions>(options => options.HttpsPort = proxies.HttpsPort);
        }

        return services;
    }

    /// <summary>
    /// Refuses a declared body over the limit with a 413 problem before anything reads it, whatever
    /// the server (Kestrel also enforces the limit on bodies without a length).
    /// </summary>
    public static WebApplication UseRequestSizeLimit(this WebApplication app, long maxBytes)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > maxBytes && !context.Request.Path.StartsWithSegments("/webhooks", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = ProblemExceptionHandler.Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "Request body too large", $"Request bodies are limited to {maxBytes} bytes."),
                });
                return;
            }

            await next(context);
        });
        return app;
    }

    public static WebApplication UseHttpHardening(this WebApplication app)
    {
        if (TrustedProxies.From(app.Configuration).Any)
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use(async (context, next) =>
        {
            // Set when the response starts, so that error responses (whose headers the exception handler
            // clears before writing the problem) carry them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseCors(CorsPolicy);
        return app;
    }

    /// <summary>The HTTPS port the way UseHttpsRedirection reads it from configuration.</summary>
    internal static string? HttpsPortSetting(IConfiguration configuration) =>
        configuration["HTTPS_PORT"] ?? configuration["ANCM_HTTPS_PORT"] ?? configuration["HTTPS_PORTS"];

    internal static bool ListensOnHttps(IConfiguration configuration) =>
        (configuration["URLS"] ?? string.Empty).Contains("https://", StringComparison.OrdinalIgnoreCase)
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(endpoint => endpoint["Url"]?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true);
}
