using OpenTrain.Clean.Application;
using OpenTrain.Clean.Application.Abstractions;
using OpenTrain.Clean.Infrastructure;
using OpenTrain.Clean.Infrastructure.Scheduling;
using OpenTrain.Clean.Infrastructure.Logging;
using OpenTrain.Clean.Worker;

// Runs the background jobs (outbox dispatch, payouts, funding reconciliation) against the same
// database as the API. Any number of instances may run at once.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders().AddRedactedConsole();
builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration, builder.Environment)
    .AddBackgroundJobs(builder.Configuration);
builder.Services.AddScoped<ICurrentUser, NoCallerInBackgroundWork>();

var host = builder.Build();
host.Run();
