using ProcoreAdmin.Web.Components;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Dashboard;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddHardening();
builder.AddAppDatabase();
builder.AddKeyRing();
builder.AddDevelopmentCompanions();
builder.AddStaffAuthentication();
builder.AddBackgroundJobs();
builder.AddHealth();
builder.AddUserInterface();
builder.AddProcore();
builder.AddAudit();
builder.AddCompanies();
builder.AddCredentials();
builder.AddMaintenance();
builder.AddNotifications();
builder.AddRotation();
builder.AddDashboard();
builder.AddProjects();
builder.AddApiConsole();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseErrorPages();
app.UseSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapStaffAccountEndpoints();
app.MapHealth();
app.MapBackgroundJobsDashboard();
app.MapRotation();
app.MapAudit();
app.MapProjects();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
