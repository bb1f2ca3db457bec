using Microsoft.EntityFrameworkCore;

namespace ProcoreAdmin.DevIdentity;

/// <summary>Holds only OpenIddict's entities (applications, authorizations, scopes, tokens), in an in-memory SQLite database.</summary>
internal sealed class DevIdentityDbContext(DbContextOptions<DevIdentityDbContext> options) : DbContext(options);
