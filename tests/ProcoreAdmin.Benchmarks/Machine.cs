namespace ProcoreAdmin.Benchmarks;

/// <summary>Facts about the machine that help read the figures.</summary>
public static class Machine
{
    /// <summary>1-minute load average (Linux), "n/a" elsewhere. Wall-time ratios are noisy when it exceeds the core count.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
