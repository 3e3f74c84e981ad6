using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Auditing;
using Portal.Domain.Data;
using Portal.Jobs.Operations;

namespace Portal.Replica;

/// <summary>The replica's entry point (not top-level statements: the tests reference this assembly next to the portal's).</summary>
internal static class ReplicaProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Usage: Portal.Replica <provider: sqlite|postgresql> <connection string> <replica name> <step delay ms>
        // Migrates the database, starts the operations engine with the effect handler, prints "ready", and runs until it is
        // stopped (SIGTERM/Ctrl+C: a graceful stop) or killed.
        if (args.Length == 4 && args[0] is "enqueue" or "report")
            return await BatchCommands.RunAsync(args[0], args[1], args[2], args[3]);
        if (args.Length != 4 || !int.TryParse(args[3], out var delayMs))
        {
            Console.Error.WriteLine("usage: Portal.Replica <sqlite|postgresql> <connection string> <replica name> <step delay ms>");
            Console.Error.WriteLine("       Portal.Replica enqueue <sqlite|postgresql> <connection string> <count>");
            Console.Error.WriteLine("       Portal.Replica report <sqlite|postgresql> <connection string> <expected count>");
            return 2;
        }
        var data = PortalDataOptions.FromSettings(args[0], args[1], Path.GetTempPath());
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(data);
        services.AddDbContextFactory<PortalDbContext>(options => DatabaseSetup.Configure(options, data));
        services.AddSingleton<AuditLog>();
        services.AddOperationsEngine(options =>
        {
            // Found again quickly after a kill: the test and the benchmark wait on these.
            options.SweepInterval = TimeSpan.FromSeconds(5);
            options.SweepGracePeriod = TimeSpan.FromSeconds(5);
        });
        services.AddSingleton<IOperationHandler>(sp => new EffectHandler(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), args[2], TimeSpan.FromMilliseconds(delayMs)));
        await using var provider = services.BuildServiceProvider();

        await using (var db = await provider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await DatabaseSetup.MigrateAsync(db);
            await EffectHandler.CreateTablesAsync(db);
        }
        var engine = provider.GetRequiredService<OperationsEngine>();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        await engine.StartAsync(CancellationToken.None);
        Console.WriteLine("ready");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        await engine.StopAsync(CancellationToken.None);
        return 0;
    }
}
