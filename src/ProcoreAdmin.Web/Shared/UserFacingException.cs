namespace ProcoreAdmin.Web.Shared;

/// <summary>
/// The one exception type whose message is written for the person on screen: a service throws it (or a subclass)
/// when it refuses an action and nothing has changed. <see cref="UserActions"/> turns it into the page's message;
/// any other exception is a bug and goes to the error boundary.
/// </summary>
public class UserFacingException(string message, Exception? innerException = null) : Exception(message, innerException);
