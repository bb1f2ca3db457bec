using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ProcoreAdmin.Data;

/// <summary>
/// Tells a failed database call apart from a programming error, for every provider this app runs on (SQLite, SQL Server,
/// PostgreSQL) without naming any provider's exception type: each ADO.NET provider's errors derive from
/// <see cref="DbException"/>, and EF Core wraps failed saves in <see cref="DbUpdateException"/>. Provider-neutral code
/// (services, the rotation engine) catches with this instead of <c>SqliteException</c>, which escapes on the other providers.
/// </summary>
public static class DatabaseFailures
{
    /// <summary>True for a failed save, a provider error (connection lost, database locked, constraint) or EF's wrapper of one.</summary>
    public static bool IsDatabaseFailure(Exception exception) => exception switch
    {
        DbUpdateException or DbException => true,
        InvalidOperationException { InnerException: { } inner } => IsDatabaseFailure(inner),
        _ => false,
    };
}
