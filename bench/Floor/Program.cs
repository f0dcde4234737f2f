using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.Tokens;

// The floor of the read benchmarks: the API's read routes written by hand, with nothing between
// Kestrel and SQLite but the same bearer-token validation. Same database file, same visibility
// rules, same rows read (every column of each row the route shows), statements prepared once per
// connection and reused; JSON written straight from the reader. What the API costs on top of this
// is what its layers cost. Never part of the product.
//
//   dotnet OpenTrain.Clean.Bench.Floor.dll --db PATH --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var db = builder.Configuration["db"] ?? throw new InvalidOperationException("--db PATH is required");
var key = builder.Configuration["Auth:SigningKey"] ?? "opentrain-clean-development-signing-key-change-me-0123456789";
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
{
    options.MapInboundClaims = false;
    options.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = builder.Configuration["Auth:Issuer"] ?? "opentrain-clean",
        ValidAudience = builder.Configuration["Auth:Audience"] ?? "opentrain-clean-api",
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = "name",
        RoleClaimType = "role",
        ClockSkew = TimeSpan.FromSeconds(30),
    };
});
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
builder.Services.AddSingleton(new Sessions($"Data Source={db}"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/health/live", () => "Healthy").AllowAnonymous();

app.MapGet("/api/v1/milestones/{id:guid}", (Guid id, HttpContext http, Sessions sessions) =>
    sessions.Run(http, (session, json) =>
    {
        var (user, role) = Caller(http);
        var milestone = session.Command(role switch
        {
            "admin" => "SELECT * FROM Milestones WHERE Id = $id",
            "employer" => "SELECT * FROM Milestones WHERE Id = $id AND EmployerId = $user",
            _ => "SELECT * FROM Milestones WHERE Id = $id AND TrainerId = $user",
        }, ("$id", id), ("$user", user));
        using var reader = milestone.ExecuteReader();
        if (!reader.Read())
        {
            return 404;
        }

        json.WriteStartObject();
        WriteColumns(json, reader);
        json.WritePropertyName("timeline");
        var timeline = session.Command("SELECT * FROM MilestoneTimeline WHERE MilestoneId = $id ORDER BY Sequence", ("$id", id));
        using (var rows = timeline.ExecuteReader())
        {
            WriteRows(json, rows);
        }

        json.WriteEndObject();
        return 200;
    }));

app.MapGet("/api/v1/contracts/{id:guid}/milestones", (Guid id, HttpContext http, Sessions sessions) =>
    sessions.Run(http, (session, json) =>
    {
        var (user, role) = Caller(http);
        var contract = session.Command(role switch
        {
            "admin" => "SELECT EmployerId FROM Contracts WHERE Id = $id",
            "employer" => "SELECT EmployerId FROM Contracts WHERE Id = $id AND EmployerId = $user",
            _ => "SELECT EmployerId FROM Contracts WHERE Id = $id AND TrainerId = $user",
        }, ("$id", id), ("$user", user));
        if (contract.ExecuteScalar() is null)
        {
            return 404;
        }

        var page = session.Command("SELECT * FROM Milestones WHERE ContractId = $id ORDER BY Sequence LIMIT 21", ("$id", id));
        using var reader = page.ExecuteReader();
        WritePage(json, reader, 20);
        return 200;
    }));

app.MapGet("/api/v1/invoices", (HttpContext http, Sessions sessions) => Invoices(http, sessions, totals: false));
app.MapGet("/api/v1/reports/invoices", (HttpContext http, Sessions sessions) => Invoices(http, sessions, totals: true));

app.Run();

// The caller's invoices, newest first, 20 with their lines; the report adds totals per payment status over all of them.
static Task Invoices(HttpContext http, Sessions sessions, bool totals) => sessions.Run(http, (session, json) =>
{
    var (user, role) = Caller(http);
    var visible = role switch
    {
        "admin" => "1 = 1",
        "employer" => "EmployerId = $user AND Kind <> 'TrainerPayout'",
        _ => "TrainerId = $user AND Kind = 'TrainerPayout'",
    };
    json.WriteStartObject();
    json.WritePropertyName("data");
    var page = session.Command($"SELECT * FROM Invoices WHERE {visible} ORDER BY Id DESC LIMIT 21", ("$user", user));
    var ids = new List<string>(21);
    using (var reader = page.ExecuteReader())
    {
        json.WriteStartArray();
        while (reader.Read() && ids.Count < 20)
        {
            ids.Add(reader.GetString(reader.GetOrdinal("Id")));
            json.WriteStartObject();
            WriteColumns(json, reader);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    json.WritePropertyName("lines");
    var lines = session.Command(
        $"SELECT l.* FROM (SELECT Id FROM Invoices WHERE {visible} ORDER BY Id DESC LIMIT 20) AS i JOIN InvoiceLines AS l ON l.InvoiceId = i.Id ORDER BY i.Id DESC, l.Id",
        ("$user", user));
    using (var reader = lines.ExecuteReader())
    {
        WriteRows(json, reader);
    }

    if (totals)
    {
        json.WritePropertyName("totals");
        // An admin's totals add up the day totals the API keeps (docs/decisions/015); a party's, its own invoices.
        var sums = session.Command(
            role == "admin"
                ? "SELECT PaymentStatus, Currency, SUM(Count) AS Count, SUM(TotalCents) AS Total FROM InvoiceDayTotals GROUP BY PaymentStatus, Currency HAVING SUM(Count) > 0"
                : $"SELECT PaymentStatus, TotalCurrency, COUNT(*) AS Count, SUM(TotalCents) AS Total FROM Invoices WHERE {visible} GROUP BY PaymentStatus, TotalCurrency",
            ("$user", user));
        using var reader = sums.ExecuteReader();
        WriteRows(json, reader);
    }

    json.WriteEndObject();
    return 200;
});

static (Guid User, string Role) Caller(HttpContext http) =>
    (Guid.Parse(http.User.FindFirst("sub")!.Value), http.User.FindFirst("role")!.Value);

static void WritePage(Utf8JsonWriter json, SqliteDataReader reader, int limit)
{
    json.WriteStartObject();
    json.WritePropertyName("data");
    json.WriteStartArray();
    var count = 0;
    var hasMore = false;
    while (reader.Read())
    {
        if (count == limit)
        {
            hasMore = true;
            break;
        }

        json.WriteStartObject();
        WriteColumns(json, reader);
        json.WriteEndObject();
        count++;
    }

    json.WriteEndArray();
    json.WriteBoolean("hasMore", hasMore);
    json.WriteEndObject();
}

static void WriteRows(Utf8JsonWriter json, SqliteDataReader reader)
{
    json.WriteStartArray();
    while (reader.Read())
    {
        json.WriteStartObject();
        WriteColumns(json, reader);
        json.WriteEndObject();
    }

    json.WriteEndArray();
}

static void WriteColumns(Utf8JsonWriter json, SqliteDataReader reader)
{
    for (var i = 0; i < reader.FieldCount; i++)
    {
        var name = reader.GetName(i);
        if (reader.IsDBNull(i))
        {
            json.WriteNull(name);
            continue;
        }

        switch (reader.GetFieldType(i))
        {
            case var t when t == typeof(long):
                json.WriteNumber(name, reader.GetInt64(i));
                break;
            case var t when t == typeof(double):
                json.WriteNumber(name, reader.GetDouble(i));
                break;
            default:
                json.WriteString(name, reader.GetString(i));
                break;
        }
    }
}

/// <summary>Open connections, each with its statements prepared once; a request rents one.</summary>
internal sealed class Sessions(string connectionString)
{
    private readonly ConcurrentBag<Session> idle = [];

    public async Task Run(HttpContext http, Func<Session, Utf8JsonWriter, int> handle)
    {
        var session = idle.TryTake(out var s) ? s : new Session(connectionString);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        int status;
        try
        {
            using var json = new Utf8JsonWriter(buffer);
            status = handle(session, json);
            json.Flush();
        }
        finally
        {
            idle.Add(session);
        }

        http.Response.StatusCode = status;
        if (status == 200)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.ContentLength = buffer.WrittenCount;
            await http.Response.Body.WriteAsync(buffer.WrittenMemory);
        }
    }
}

internal sealed class Session
{
    private readonly SqliteConnection connection;
    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);

    public Session(string connectionString)
    {
        connection = new SqliteConnection(connectionString);
        connection.Open();
        using var readOnly = connection.CreateCommand();
        readOnly.CommandText = "PRAGMA query_only = 1;";
        readOnly.ExecuteNonQuery();
    }

    /// <summary>The statement for this SQL, prepared on first use; the parameters it names are bound (GUIDs as EF Core stores them: upper-case text).</summary>
    public SqliteCommand Command(string sql, params (string Name, Guid Value)[] parameters)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                if (sql.Contains(name, StringComparison.Ordinal))
                {
                    command.Parameters.Add(name, SqliteType.Text);
                }
            }

            command.Prepare();
            prepared[sql] = command;
        }

        foreach (var (name, value) in parameters)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value.ToString().ToUpperInvariant();
            }
        }

        return command;
    }
}
