using Portal.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
await app.InitializePortalAsync();
app.UsePortal();
await app.RunAsync();

/// <summary>Entry point; public so tests can host the real application.</summary>
public partial class Program;
