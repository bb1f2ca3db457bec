using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Hosting;

public sealed class OptionsValidationTests
{
    private static readonly string SamplePath = Path.Combine(RepoRoot(), "appsettings.Development.json.sample");

    [Fact]
    public void SampleFile_WithClientSecretFromEnvironment_ValidatesForProduction()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(SamplePath)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Authentication:Oidc:ClientSecret"] = "from-environment" })
            .Build();

        var staff = configuration.GetSection(StaffAuthenticationOptions.SectionName).Get<StaffAuthenticationOptions>()!;
        var result = new StaffAuthenticationOptionsValidator(Environment("Production"), Options.Create(new DevelopmentCompanionsOptions())).Validate(null, staff);
        Assert.True(result.Succeeded, result.FailureMessage);

        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()!;
        Assert.True(new DatabaseOptionsValidator().Validate(null, database).Succeeded);
    }

    [Fact]
    public void SampleFile_DoesNotCarryAClientSecret()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(SamplePath).Build();
        Assert.True(string.IsNullOrEmpty(configuration["Authentication:Oidc:ClientSecret"]));
        Assert.True(string.IsNullOrEmpty(configuration["DataProtection:CertificatePassword"]));
    }

    [Fact]
    public void StaffAuthentication_InProductionWithoutAuthority_FailsWithWhatToFix()
    {
        var result = new StaffAuthenticationOptionsValidator(Environment("Production"), Options.Create(new DevelopmentCompanionsOptions()))
            .Validate(null, new StaffAuthenticationOptions());

        Assert.True(result.Failed);
        Assert.Contains("Authentication:Oidc:Authority is missing", result.FailureMessage);
        Assert.Contains("Authentication__Oidc__ClientSecret", result.FailureMessage);
        Assert.Contains("RoleMapping:Admin", result.FailureMessage);
    }

    [Fact]
    public void StaffAuthentication_InDevelopmentWithoutAuthority_UsesDevIdentity()
    {
        var result = new StaffAuthenticationOptionsValidator(Environment("Development"), Options.Create(new DevelopmentCompanionsOptions()))
            .Validate(null, new StaffAuthenticationOptions());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void StaffAuthentication_UnknownRoleInMapping_IsRejected()
    {
        var options = new StaffAuthenticationOptions { RoleMapping = { ["SuperUser"] = ["x"] } };
        var result = new StaffAuthenticationOptionsValidator(Environment("Development"), Options.Create(new DevelopmentCompanionsOptions())).Validate(null, options);
        Assert.Contains("unknown app role 'SuperUser'", result.FailureMessage);
    }

    [Fact]
    public void RoleMapping_MapsIdpValuesAndExpandsToLowerRoles()
    {
        var options = new StaffAuthenticationOptions
        {
            RoleClaim = "groups",
            RoleMapping = { ["Admin"] = ["admins"], ["Viewer"] = ["readers"] },
        };
        var identity = new System.Security.Claims.ClaimsIdentity([new("groups", "[\"admins\",\"other\"]")], "oidc");
        AuthenticationSetup.MapRoles(new System.Security.Claims.ClaimsPrincipal(identity), options);

        Assert.Equal(
            [StaffRoles.Viewer, StaffRoles.Operator, StaffRoles.Admin],
            identity.FindAll(StaffRoles.ClaimType).Select(c => c.Value).ToArray());
    }

    [Fact]
    public void RoleMapping_UnmappedValues_GiveNoRole()
    {
        var options = new StaffAuthenticationOptions { RoleClaim = "groups", RoleMapping = { ["Admin"] = ["admins"] } };
        var identity = new System.Security.Claims.ClaimsIdentity([new("groups", "everyone")], "oidc");
        AuthenticationSetup.MapRoles(new System.Security.Claims.ClaimsPrincipal(identity), options);
        Assert.Empty(identity.FindAll(StaffRoles.ClaimType));
    }

    [Fact]
    public void DataProtection_OutsideDevelopmentWithoutCertificate_RefusesToStart()
    {
        var result = new DataProtectionOptionsValidator(Environment("Production")).Validate(null, new DataProtectionOptions());
        Assert.True(result.Failed);
        Assert.Contains("DataProtection:CertificatePath is required", result.FailureMessage);
    }

    [Fact]
    public void DataProtection_MissingCertificateFile_RefusesToStartInsteadOfMakingANewKeyRing()
    {
        var result = new DataProtectionOptionsValidator(Environment("Production"))
            .Validate(null, new DataProtectionOptions { CertificatePath = "/nonexistent/keys.pfx" });
        Assert.Contains("does not exist", result.FailureMessage);
    }

    [Fact]
    public void Database_SqlServerWithoutConnectionString_SaysWhereToSetIt()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { Provider = DatabaseProvider.SqlServer });
        Assert.Contains("Database__ConnectionString", result.FailureMessage);
    }

    internal static IHostEnvironment Environment(string name) => new TestEnvironment { EnvironmentName = name };

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProcoreAdmin.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ProcoreAdmin.sln not found above the test folder.");
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";
        public string ApplicationName { get; set; } = "ProcoreAdmin.Web";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
