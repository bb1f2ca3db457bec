using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Tests.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Companies;

public sealed class CompaniesServiceTests : IAsyncLifetime
{
    private RegistryHarness _h = null!;

    public async Task InitializeAsync() => _h = await RegistryHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string?, string?, string?, string, string> BadInput => new()
    {
        { "", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "required" },
        { "12ab", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "whole number" },
        { "-5", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "positive" },
        { "0", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "positive" },
        { "99999999999999999999", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "out of range" },
        { "9007199254740992", "Name", "Production", nameof(CompanyInput.ProcoreCompanyId), "out of range" },
        { "5000000001", "", "Production", nameof(CompanyInput.Name), "required" },
        { "5000000001", new string('n', 201), "Production", nameof(CompanyInput.Name), "at most 200" },
        { "5000000001", "Evil\r\nName", "Production", nameof(CompanyInput.Name), "control characters" },
        { "5000000001", "Esc\u001b[31m", "Production", nameof(CompanyInput.Name), "control characters" },
        { "5000000001", "Name", "Moon", nameof(CompanyInput.Environment), "Unknown environment" },
        { "5000000001", "Name", "3", nameof(CompanyInput.Environment), "Unknown environment" },
        { "5000000001", "Name", null, nameof(CompanyInput.Environment), "required" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Create_WithBadInput_ReturnsAFieldErrorAndStoresNothing(string? id, string? name, string? environment, string field, string message)
    {
        var result = await _h.Companies(StaffRoles.Admin).CreateAsync(new CompanyInput { ProcoreCompanyId = id, Name = name, Environment = environment });

        Assert.False(result.Succeeded);
        Assert.Contains(message, result[field]);
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.Companies.CountAsync());
        Assert.Equal(0, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task Create_KeepsIdsAbove32Bits_AndRejectsADuplicateInTheSameEnvironment()
    {
        var service = _h.Companies(StaffRoles.Admin);
        Assert.True((await service.CreateAsync(new CompanyInput { ProcoreCompanyId = "598134325694431", Name = "Big", Environment = "Production" })).Succeeded);
        var duplicate = await service.CreateAsync(new CompanyInput { ProcoreCompanyId = "598134325694431", Name = "Again", Environment = "Production" });
        var otherEnvironment = await service.CreateAsync(new CompanyInput { ProcoreCompanyId = "598134325694431", Name = "Sandbox", Environment = "DeveloperSandbox" });

        Assert.Contains("already registered", duplicate[nameof(CompanyInput.ProcoreCompanyId)]);
        Assert.True(otherEnvironment.Succeeded);
        var rows = await service.ListAsync("598134325694431");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(598134325694431L, r.ProcoreCompanyId));
        Assert.Single(await service.ListAsync("sand"));
    }

    [Fact]
    public async Task Update_ByTwoAdminsFromTheSameVersion_SecondGetsAConflict()
    {
        var id = await _h.AddCompanyAsync(5000000001, "Northwind");
        var row = (await _h.Companies(StaffRoles.Viewer).ListAsync()).Single();

        var first = await _h.Companies(StaffRoles.Admin).UpdateAsync(id, new CompanyInput { ProcoreCompanyId = "5000000001", Name = "First", Environment = "Custom" }, row.Version);
        var second = await _h.Companies(StaffRoles.Admin).UpdateAsync(id, new CompanyInput { ProcoreCompanyId = "5000000001", Name = "Second", Environment = "Custom" }, row.Version);

        Assert.True(first.Succeeded);
        Assert.True(second.IsConflict);
        Assert.Contains("Someone else changed", second.Message);
        Assert.Equal("First", (await _h.Companies(StaffRoles.Viewer).ListAsync()).Single().Name);
    }

    [Fact]
    public async Task WriteMethods_AsViewerOrOperator_AreForbiddenAndChangeNothing()
    {
        var id = await _h.AddCompanyAsync(5000000001, "Northwind");
        await using var db = await _h.Db.CreateDbContextAsync();
        var auditBefore = await db.AuditEvents.CountAsync();
        foreach (var role in new[] { StaffRoles.Viewer, StaffRoles.Operator })
        {
            var service = _h.Companies(role);
            await Assert.ThrowsAsync<StaffForbiddenException>(() => service.CreateAsync(new CompanyInput { ProcoreCompanyId = "1", Name = "x", Environment = "Production" }));
            await Assert.ThrowsAsync<StaffForbiddenException>(() => service.UpdateAsync(id, new CompanyInput { ProcoreCompanyId = "1", Name = "x", Environment = "Custom" }, 0));
            await Assert.ThrowsAsync<StaffForbiddenException>(() => service.SetArchivedAsync(id, true));
        }

        await Assert.ThrowsAsync<StaffForbiddenException>(() => _h.Companies("none").ListAsync());
        var company = await db.Companies.AsNoTracking().SingleAsync();
        Assert.Equal(("Northwind", (DateTime?)null), (company.Name, company.ArchivedUtc));
        Assert.Equal(auditBefore, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task Archive_HidesTheCompanyUnlessAskedFor_AndIsAudited()
    {
        var id = await _h.AddCompanyAsync(5000000001, "Northwind");
        await _h.Companies(StaffRoles.Admin).SetArchivedAsync(id, true);

        Assert.Empty(await _h.Companies(StaffRoles.Viewer).ListAsync());
        Assert.Single(await _h.Companies(StaffRoles.Viewer).ListAsync(includeArchived: true));
        await using var db = await _h.Db.CreateDbContextAsync();
        Assert.Equal(["company.create", "company.archive"], await db.AuditEvents.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }
}
