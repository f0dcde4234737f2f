using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTrain.Clean.Api.Endpoints;
using OpenTrain.Clean.Api.Infrastructure;
using OpenTrain.Clean.Api.Infrastructure.OpenApi;
using OpenTrain.Clean.Application;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Infrastructure;
using OpenTrain.Clean.Infrastructure.Scheduling;
using OpenTrain.Clean.Infrastructure.Logging;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders().AddRedactedConsole();

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration, builder.Environment);
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentUser, HttpCurrentUser>();
builder.Services.AddBearerAuthentication(builder.Configuration, builder.Environment);
builder.Services.AddProblemResponses();
builder.Services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => JsonSetup.Configure(options.JsonSerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Api:MaxRequestBodyBytes", 256 * 1024));
builder.Services.AddOpenApiDocument();
builder.Services.AddHttpHardening(builder.Configuration);
if (builder.Configuration.GetValue<bool?>("Worker:InProcess") ?? builder.Environment.IsDevelopment())
{
    // The embedded default runs the jobs in this process; production runs them in src/Worker.
    builder.Services.AddBackgroundJobs(builder.Configuration);
}

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHttpHardening();
app.UseRequestSizeLimit(builder.Configuration.GetValue("Api:MaxRequestBodyBytes", 256 * 1024));

// The OpenAPI document and Swagger UI are public: a newcomer gets a token from inside them.
app.UseOpenApiDocument();

app.UseAuthentication();
app.UseAuthorization();

// A replayed response is not new work: it must not use up the caller's money permits.
app.UseMiddleware<IdempotencyMiddleware>();
app.UseRateLimiter();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
app.MapGet("/", () => Results.Redirect("/swagger")).AllowAnonymous().ExcludeFromDescription();
if (app.Environment.IsDevelopment())
{
    app.MapDevTokens();
}

app.MapMe();
app.MapJobs();
app.MapContracts();
app.MapMilestones();
app.MapBilling();
app.MapInvoices();
app.MapPayouts();
app.MapNotifications();
app.MapReports();
app.MapOps();
app.MapWebhookEndpoints();
app.MapEvents();

var gateway = app.Services.GetRequiredService<IPaymentGateway>();
if (app.Services.GetService<OpenTrain.Clean.Infrastructure.Payments.Simulator.PaymentSimulator>() is not null)
{
    app.MapSimulatorPages();
}
else
{
    app.MapStripeWebhook();
}

app.Logger.LogInformation("Payments go through the {Gateway} ({Kind})", gateway.Name, gateway.Name == "simulator" ? "offline, no money moves" : "live provider");
app.Lifetime.ApplicationStarted.Register(() => OpenApiSetup.LogSwaggerAddresses(app));

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
