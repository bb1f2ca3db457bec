// Small helpers called from Blazor through JS interop (no inline script: the CSP forbids it).
window.procoreAdmin = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
};

// Saves a file streamed from .NET (DotNetStreamReference) without any inline script or server endpoint.
window.procoreAdmin.downloadFile = async (fileName, contentType, streamRef) => {
    const buffer = await streamRef.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = fileName || "download";
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
};

// Downloads a file the server streams from a one-time, authorised URL (the file never passes through the circuit).
window.procoreAdmin.downloadUrl = (url) => {
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = "";
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
};

// Copies text (e.g. a cURL command with placeholders) to the clipboard; returns false when the browser refuses.
window.procoreAdmin.copyText = async (text) => {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
};

// Remembers the colour scheme in a cookie; App.razor reads it at prerender, so a reload starts in the chosen mode.
window.procoreAdmin.rememberTheme = (mode) => {
    document.cookie = `procoreadmin-theme=${mode === "dark" ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.dataset.theme = mode;
};

// The skip link moves focus to the main content without a navigation (the router would resolve "#…" against <base>).
document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.skip-link") : null;
    const main = document.getElementById("main-content");
    if (!link || !main) {
        return;
    }

    event.preventDefault();
    event.stopPropagation();
    main.focus();
    main.scrollIntoView();
}, true);

// Moves keyboard focus to an element (e.g. a form's error message after a failed save).
window.procoreAdmin.focus = (selector) => document.querySelector(selector)?.focus();

// While the user has not chosen a colour scheme, the operating system's applies, also when it changes with the page
// open (e.g. at sunset): tells the layout, and returns whether it prefers dark now.
window.procoreAdmin.watchColorScheme = (layout) => {
    window.procoreAdmin.stopWatchingColorScheme();
    const query = window.matchMedia("(prefers-color-scheme: dark)");
    const changed = (e) => layout.invokeMethodAsync("OnSystemColorSchemeChanged", e.matches).catch(() => { });
    query.addEventListener("change", changed);
    window.procoreAdmin.stopWatchingColorScheme = () => query.removeEventListener("change", changed);
    return query.matches;
};
window.procoreAdmin.stopWatchingColorScheme = () => { };
