using Portal.Domain.Data;
using Portal.Hosting;

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortal();
    app = builder.Build();
    await app.InitializePortalAsync();
}
catch (PortalStartupException refused)
{
    // A setting or another process that the person starting the portal has to deal with: say so, without a stack trace.
    Console.Error.WriteLine($"Portal cannot start: {refused.Message}");
    return 1;
}

app.UsePortal();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host the real application.</summary>
public partial class Program;
