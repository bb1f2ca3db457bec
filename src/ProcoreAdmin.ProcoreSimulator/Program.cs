namespace ProcoreAdmin.ProcoreSimulator;

public static class Program
{
    public static async Task Main(string[] args)
    {
        await Task.CompletedTask;
        Console.WriteLine("ProcoreSimulator placeholder");
    }
}
