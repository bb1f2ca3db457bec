using System.Runtime.InteropServices;

namespace ProcoreAdmin.ProcoreSimulator;

/// <summary>
/// Standalone entry point. Usage (see README.md next to this file for the seed format, environments and control endpoints):
/// <code>
/// dotnet run --project src/ProcoreAdmin.ProcoreSimulator -- [--urls http://127.0.0.1:5380] [--seed path/to/seed.json] [--environment Development]
/// </code>
/// The environment also comes from DOTNET_ENVIRONMENT / ASPNETCORE_ENVIRONMENT (default Development); Production is refused.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new SimulatorHostOptions
        {
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? "Development",
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        };

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value() => inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value"));

            switch (arg)
            {
                case "--urls":
                    options.Url = Value().Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
                    break;
                case "--seed":
                    options.SeedPath = Value();
                    break;
                case "--environment":
                    options.EnvironmentName = Value();
                    break;
                case "--help" or "-h":
                    Console.WriteLine("ProcoreSimulator [--urls http://127.0.0.1:5380] [--seed seed.json] [--environment Development]");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"Unknown argument '{arg}'. Use --help.");
                    return 2;
            }
        }

        SimulatorHost host;
        try
        {
            host = await SimulatorHost.StartAsync(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or IOException)
        {
            await Console.Error.WriteLineAsync("ProcoreSimulator: " + ex.Message);
            return 1;
        }

        await using (host)
        {
            var seed = host.State.Seed;
            Console.WriteLine($"ProcoreSimulator listening on {host.BaseAddress} ({options.EnvironmentName}; seed: {options.SeedPath ?? "default"}; " +
                $"{seed.Companies.Count} companies, {seed.Apps.Count} apps). Press Ctrl+C to stop.");
            using var stop = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM.
            }

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }

        return 0;
    }
}
