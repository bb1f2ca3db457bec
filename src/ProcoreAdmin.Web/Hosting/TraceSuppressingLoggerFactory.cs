namespace ProcoreAdmin.Web.Hosting;

/// <summary>
/// Hands out loggers that never write at <see cref="LogLevel.Trace"/>, whatever the configuration says. The OpenID Connect
/// handler logs the whole authorization response (the authorization code included) at Trace; its loggers come from here, so
/// turning on Trace logging for troubleshooting cannot put a code in the logs.
/// </summary>
public sealed class TraceSuppressingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the host.
    }

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel > LogLevel.Trace && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel > LogLevel.Trace)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
