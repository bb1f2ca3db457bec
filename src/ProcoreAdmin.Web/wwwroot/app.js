// Small helpers called from Blazor through JS interop (no inline script: the CSP forbids it).
window.procoreAdmin = {
    timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
};
