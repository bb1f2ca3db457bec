namespace ProcoreAdmin.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder() => Assert.True(typeof(ProcoreAdmin.Data.AppDbContext).IsSealed);
}
