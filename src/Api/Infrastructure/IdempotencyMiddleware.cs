using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics;
using OpenTrain.Clean.Application.Abstractions;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on every POST, PATCH and DELETE of the API: the first response (status,
/// body, location) is kept per caller and key for 24 hours and sent again for a repeat. The same
/// key with another request answers 422 <c>idempotency_key_reused</c>; a repeat while the first is
/// running answers 409 <c>idempotency_request_in_progress</c>. Failures on our side (5xx) and
/// conflicts that a retry may resolve (409, 429) are not kept, so the key can be retried. The running
/// claim is a short lease renewed while the request runs: a request whose process died blocks its key
/// for seconds (<see cref="IdempotencyLease.Running"/>), not minutes.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(HeaderName, out var values) || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || context.User.Identity?.IsAuthenticated != true || !request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return next(context);
        }

        // Resolved only for a request that carries a key: the others (every read) pay nothing here.
        var services = context.RequestServices;
        return KeyedAsync(
            context,
            values,
            services.GetRequiredService<IIdempotencyStore>(),
            services.GetRequiredService<ICurrentUser>(),
            services.GetRequiredService<IProblemDetailsService>(),
            services.GetServices<IExceptionHandler>(),
            services.GetRequiredService<TimeProvider>());
    }

    private async Task KeyedAsync(HttpContext context, Microsoft.Extensions.Primitives.StringValues values, IIdempotencyStore store, ICurrentUser user, IProblemDetailsService problems, IEnumerable<IExceptionHandler> exceptionHandlers, TimeProvider clock)
    {
        var request = context.Request;

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            await WriteProblemAsync(context, problems, StatusCodes.Status400BadRequest, ProblemCodes.IdempotencyKeyInvalid, $"{HeaderName} must be one value of 1 to {MaxKeyLength} printable characters.");
            return;
        }

        var claim = await store.ClaimAsync(user.Id, key, await HashAsync(request), context.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyClaimOutcome.Mismatch:
                await WriteProblemAsync(context, problems, StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused, $"This {HeaderName} was used for a different request; use a new key.");
                return;
            case IdempotencyClaimOutcome.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await WriteProblemAsync(context, problems, StatusCodes.Status409Conflict, ProblemCodes.IdempotencyRequestInProgress, $"The first request with this {HeaderName} is still running; retry shortly.");
                return;
            case IdempotencyClaimOutcome.Replay:
                await ReplayAsync(context, claim.Response!);
                return;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var renewing = RenewWhileRunningAsync(store, user, key, clock, running.Token);
        try
        {
            await RunAndKeepAsync(context, store, user, key, exceptionHandlers);
        }
        finally
        {
            await running.CancelAsync();
            await renewing;
        }
    }

    /// <summary>Keeps the claim's lease ahead of the clock until the request ends; a failed renewal is tried again next time.</summary>
    private static async Task RenewWhileRunningAsync(IIdempotencyStore store, ICurrentUser user, string key, TimeProvider clock, CancellationToken running)
    {
        var caller = user.Id;
        while (!running.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(IdempotencyLease.RenewEvery, clock, running);
                await store.RenewAsync(caller, key, running);
            }
            catch (Exception) when (running.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!running.IsCancellationRequested)
            {
                // The database is briefly unreachable: the lease still has seconds left; try again.
            }
        }
    }

    private async Task RunAndKeepAsync(HttpContext context, IIdempotencyStore store, ICurrentUser user, string key, IEnumerable<IExceptionHandler> exceptionHandlers)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            try
            {
                await next(context);
            }
            catch (Exception exception) when (!context.Response.HasStarted)
            {
                // Turn the failure into its problem response here, so that the response we keep is the one the client saw.
                context.Response.Clear();
                var handled = false;
                foreach (var handler in exceptionHandlers)
                {
                    if (await handler.TryHandleAsync(context, exception, context.RequestAborted))
                    {
                        handled = true;
                        break;
                    }
                }

                if (!handled)
                {
                    throw;
                }
            }

            var status = context.Response.StatusCode;
            if (status is >= 500 or StatusCodes.Status409Conflict or StatusCodes.Status429TooManyRequests)
            {
                await store.ReleaseAsync(user.Id, key, CancellationToken.None);
            }
            else
            {
                await store.CompleteAsync(
                    user.Id,
                    key,
                    new StoredResponse(status, context.Response.ContentType, buffer.ToArray(), context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null),
                    CancellationToken.None);
            }
        }
        catch
        {
            await store.ReleaseAsync(user.Id, key, CancellationToken.None);
            throw;
        }
        finally
        {
            context.Response.Body = original;
            buffer.Position = 0;
            await buffer.CopyToAsync(original, CancellationToken.None);
        }
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        if (response.Location is not null)
        {
            context.Response.Headers.Location = response.Location;
        }

        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>The request's identity: method, path, query and body.</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static Task WriteProblemAsync(HttpContext context, IProblemDetailsService problems, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = ProblemExceptionHandler.Problem(status, code, "Idempotency-Key refused", detail),
        }).AsTask();
    }
}
