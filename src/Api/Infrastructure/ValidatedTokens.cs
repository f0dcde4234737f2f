using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace OpenTrain.Clean.Api.Infrastructure;

/// <summary>
/// Validates a bearer token once and remembers that it was valid until it expires: a client sends the
/// same token with every request, and checking its signature and parsing its claims again each time
/// was about a tenth of a read's cost. Only tokens that passed <paramref name="inner"/>'s full
/// validation are kept, each until its own <c>exp</c> (without the clock skew: after that the full
/// validation decides again). Each request gets its own copy of the claims, so nothing one request
/// does to its principal reaches another. Failures are never kept: a bad token pays the full check.
/// The clock is the system's, as the lifetime validation's is (one to replace in tests only).
/// </summary>
internal sealed class ValidatedTokens(TokenHandler inner, TimeProvider? clock = null, int capacity = ValidatedTokens.DefaultCapacity) : TokenHandler
{
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, Valid> _valid = new(StringComparer.Ordinal);

    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var now = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        if (token is not null && _valid.TryGetValue(token, out var valid))
        {
            if (now < valid.Until)
            {
                return valid.Result();
            }

            _valid.TryRemove(KeyValuePair.Create(token, valid));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token is not null && result.SecurityToken is { ValidTo: var expires } securityToken && expires > now && result.ClaimsIdentity is { } identity)
        {
            if (_valid.Count >= capacity)
            {
                Evict(now);
            }

            _valid[token] = new Valid(identity.Clone(), securityToken, expires);
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <summary>Drops the expired entries; if every entry is still valid, starts over (a full check each is the worst case).</summary>
    private void Evict(DateTime now)
    {
        foreach (var (key, entry) in _valid)
        {
            if (now >= entry.Until)
            {
                _valid.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        if (_valid.Count >= capacity)
        {
            _valid.Clear();
        }
    }

    private sealed record Valid(ClaimsIdentity Identity, SecurityToken Token, DateTime Until)
    {
        public TokenValidationResult Result() => new() { IsValid = true, ClaimsIdentity = Identity.Clone(), SecurityToken = Token };
    }
}
