namespace ProcoreAdmin.Web.Hosting;

/// <summary>How the app's pages become interactive (section <c>Interactivity</c>).</summary>
public sealed class InteractivityOptions
{
    public const string SectionName = "Interactivity";

    /// <summary>
    /// Render each page on the server for the first response (default true): the heading and the page's shell arrive in
    /// the first HTML, and the circuit then takes over without querying anything twice. Off, the first response carries
    /// only an empty placeholder and the page appears once the circuit has started; the prerendering benchmark (G7)
    /// compares the two.
    /// </summary>
    public bool Prerender { get; set; } = true;
}
