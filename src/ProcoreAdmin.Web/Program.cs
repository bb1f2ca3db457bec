using ProcoreAdmin.Web.Components;
using ProcoreAdmin.Web.Features.ApiConsole;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Companies;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Features.Dashboard;
using ProcoreAdmin.Web.Features.Maintenance;
using ProcoreAdmin.Web.Features.Notifications;
using ProcoreAdmin.Web.Features.Projects;
using ProcoreAdmin.Web.Features.Rotation;
using ProcoreAdmin.Web.Features.TokenBroker;
using ProcoreAdmin.Web.Hosting;
using ProcoreAdmin.Web.Hosting.Outbound;

var builder = WebApplication.CreateBuilder(args);

builder.AddHardening();
builder.AddReverseProxySupport();
builder.AddAppDatabase();
builder.AddKeyRing();
builder.AddDevelopmentCompanions();
builder.AddStaffAuthentication();
builder.AddBackgroundJobs();
builder.AddHealth();
builder.AddTelemetry();
builder.AddUserInterface();
builder.AddOutboundPolicy();
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
builder.AddTokenBroker();

var app = builder.Build();

await app.MigrateDatabaseAsync();

app.UseReverseProxySupport();
app.UseErrorPages();
app.UseSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapStaffAccountEndpoints();
app.MapHealth();
app.MapBackgroundJobsDashboard();
app.MapRotation();
app.MapAudit();
app.MapTokenBroker();
app.MapProjects();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
