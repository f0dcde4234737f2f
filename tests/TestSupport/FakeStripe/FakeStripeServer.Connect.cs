using System.Globalization;
using System.Text.Json.Nodes;

namespace OpenTrain.Clean.TestSupport.FakeStripe;

/// <summary>Connect: transfers to connected accounts, the accounts and their onboarding links.</summary>
public sealed partial class FakeStripeServer
{
    private static readonly string[] TransferParameters =
        ["amount", "currency", "description", "destination", "expand", "metadata", "source_transaction", "source_type", "transfer_group"];

    private static readonly string[] AccountParameters =
    [
        "account_token", "business_profile", "business_type", "capabilities", "company", "controller", "country", "default_currency", "documents",
        "email", "expand", "external_account", "groups", "individual", "metadata", "settings", "tos_acceptance", "type",
    ];

    private Answer ListTransfers(Dictionary<string, string> query)
    {
        var limit = query.TryGetValue("limit", out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 10;
        if (limit is < 1 or > 100)
        {
            return Violation(400, "parameter_invalid_integer", "limit", "Invalid limit: must be between 1 and 100.");
        }

        var transfers = _objects.Values
            .Where(o => o["object"]?.GetValue<string>() == "transfer")
            .Where(t => !query.TryGetValue("transfer_group", out var group) || t["transfer_group"]?.GetValue<string>() == group)
            .Where(t => !query.TryGetValue("destination", out var destination) || t["destination"]?.GetValue<string>() == destination)
            .Reverse()
            .ToList();
        var page = FakeStripeObjects.List("/v1/transfers", [.. transfers.Take(limit).Select(t => (JsonObject)t.DeepClone())]);
        page["has_more"] = transfers.Count > limit;
        return new Answer(200, page.ToJsonString(), null, NewRequestId());
    }

    private Answer CreateTransfer(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, TransferParameters) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "amount", "currency", "destination") is { } missing)
        {
            return missing;
        }

        if (Amount(form, "amount") is not { } amount || amount <= 0)
        {
            return Violation(400, "parameter_invalid_integer", "amount", $"Invalid positive integer: {form["amount"]}");
        }

        if (MetadataProblem(form) is { } metadataProblem)
        {
            return metadataProblem;
        }

        var currency = form["currency"].ToLowerInvariant();
        var source = Field(form, "source_transaction");
        if (source is not null)
        {
            // A card charge is ch_..., a bank debit's charge py_...; a PaymentIntent id (pi_...) is not a charge.
            if (!source.StartsWith("ch_", StringComparison.Ordinal) && !source.StartsWith("py_", StringComparison.Ordinal))
            {
                return Violation(400, "parameter_invalid_string", "source_transaction", $"FakeStripe: source_transaction must be the funding charge (ch_..., py_... for a bank debit), got '{source}'.");
            }

            if (Find(source, "charge") is not { } charge || charge["status"]?.GetValue<string>() != "succeeded")
            {
                return Violation(400, "resource_missing", "source_transaction", $"No such charge: '{source}' (or it has not succeeded).");
            }

            if (charge["currency"]!.GetValue<string>() != currency)
            {
                return Violation(400, "parameter_invalid_string", "currency", $"The currency of source_transaction ({charge["currency"]}) must be the transfer's ({currency}).");
            }

            var alreadyTransferred = _objects.Values
                .Where(o => o["object"]?.GetValue<string>() == "transfer" && o["source_transaction"]?.GetValue<string>() == source)
                .Sum(t => t["amount"]!.GetValue<long>());
            if (alreadyTransferred + amount > charge["amount"]!.GetValue<long>())
            {
                return Violation(400, "parameter_invalid_integer", "amount", $"FakeStripe: transfers from {source} would total {alreadyTransferred + amount}, more than the charge's {charge["amount"]}.");
            }
        }

        var destination = form["destination"];
        if (Find(destination, "account") is not { } account)
        {
            return Missing(400, "account", destination, "destination");
        }

        if (account["capabilities"]?["transfers"]?.GetValue<string>() != "active")
        {
            return Error(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments", "destination");
        }

        var transfer = FakeStripeObjects.Transfer(NewId("tr"), amount, currency, destination, source, Field(form, "transfer_group"), MetadataOf(form));
        return Created(transfer);
    }

    private Answer CreateAccount(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, AccountParameters) is { } unknown)
        {
            return unknown;
        }

        var type = Field(form, "type");
        if (type is not null and not ("express" or "standard" or "custom"))
        {
            return Violation(400, "parameter_invalid_string", "type", $"Invalid type: must be one of custom, express, or standard, got {type}.");
        }

        var country = Field(form, "country") ?? "US";
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            return Violation(400, "parameter_invalid_string", "country", $"Country '{country}' is not a valid ISO 3166-1 alpha-2 code.");
        }

        var requested = form.Where(f => f.Key.StartsWith("capabilities[", StringComparison.Ordinal) && f.Key.EndsWith("][requested]", StringComparison.Ordinal) && f.Value == "true")
            .Select(f => f.Key["capabilities[".Length..f.Key.IndexOf(']', StringComparison.Ordinal)])
            .ToList();
        if (type is "express" or "custom" && requested.Count == 0)
        {
            return Violation(400, "parameter_missing", "capabilities", "You must request at least one capability for Express and Custom accounts (capabilities[transfers][requested]=true).");
        }

        var agreement = Field(form, "tos_acceptance[service_agreement]");
        if (agreement is not null and not ("full" or "recipient"))
        {
            return Violation(400, "parameter_invalid_string", "tos_acceptance[service_agreement]", $"Invalid service_agreement: {agreement}.");
        }

        if (agreement == "recipient" && requested.Contains("card_payments"))
        {
            return Violation(400, "parameter_invalid_string", "capabilities", "The recipient service agreement cannot request card_payments.");
        }

        var account = FakeStripeObjects.Account(NewId("acct"), type ?? "standard", country, Field(form, "email"), MetadataOf(form), requested, agreement);
        return Created(account);
    }

    private Answer CreateAccountLink(Dictionary<string, string> form)
    {
        if (UnknownParameter(form, ["account", "collect", "collection_options", "expand", "refresh_url", "return_url", "type"]) is { } unknown)
        {
            return unknown;
        }

        if (Required(form, "account", "type") is { } missing)
        {
            return missing;
        }

        var type = form["type"];
        if (type is not ("account_onboarding" or "account_update"))
        {
            return Violation(400, "parameter_invalid_string", "type", $"Invalid type: {type}.");
        }

        foreach (var url in new[] { "refresh_url", "return_url" })
        {
            if (Field(form, url) is not { } value || !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                return Violation(400, "url_invalid", url, $"Not a valid URL: {url}.");
            }
        }

        var accountId = form["account"];
        if (Find(accountId, "account") is null)
        {
            return Missing(400, "account", accountId, "account");
        }

        var now = FakeStripeObjects.Now;
        var link = new JsonObject
        {
            ["object"] = "account_link",
            ["created"] = now,
            ["expires_at"] = now + 300,
            ["url"] = $"https://connect.stripe.com/setup/e/{accountId}/{Guid.NewGuid():N}",
        };
        return new Answer(200, link.ToJsonString(), null, NewRequestId());
    }
}
