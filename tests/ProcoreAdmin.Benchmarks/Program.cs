namespace ProcoreAdmin.Benchmarks;

public static class Program
{
    public static int Main()
    {
        Console.WriteLine("Benchmarks: see issue 3 (G1-G4).");
        return 0;
    }
}
