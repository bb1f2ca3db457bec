namespace ProcoreAdmin.Web.Components.Layout;

internal static partial class PageErrorLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in a page; the page shows a plain message and the circuit stays up")]
    public static partial void Unhandled(ILogger logger, string exceptionType, Exception exception);
}
