using Microsoft.EntityFrameworkCore;
using ProcoreAdmin.Data;
using ProcoreAdmin.Data.Credentials;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Web.Features.Credentials;

/// <summary>Moves free-text owners to e-mail addresses (run by <see cref="CredentialStartup"/> at every start).</summary>
public static class CredentialOwnerMigration
{
    /// <summary>
    /// Owners used to be free text ("Development", "Platform team"). Now they are e-mail addresses, so nobody is left
    /// un-notified by a typo: the valid addresses stay, the rest of the old text moves into the notes (nothing is lost),
    /// and an audit row says so. Runs at every start; credentials whose owners are already addresses are left alone.
    /// </summary>
    public static async Task<int> MigrateFreeTextOwnersAsync(IDbContextFactory<AppDbContext> dbFactory, AuditTrail audit, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await db.CredentialSets.Where(c => c.Owners != null).ToListAsync(ct);
        var migrated = 0;
        foreach (var credential in candidates)
        {
            var old = credential.Owners!;
            var addresses = InputRules.OwnerAddresses(old);
            var normalised = addresses.Count == 0 ? null : string.Join(", ", addresses);
            if (normalised == old)
            {
                continue;
            }

            var leftover = addresses.Aggregate(old, (text, address) => text.Replace(address, "", StringComparison.OrdinalIgnoreCase))
                .Trim(' ', ',', ';', '\t', '\r', '\n');
            credential.Owners = normalised;
            if (leftover.Length > 0)
            {
                var note = $"Owner before owners became e-mail addresses: {leftover}";
                var notes = string.IsNullOrWhiteSpace(credential.Notes) ? note : $"{credential.Notes}\n{note}";
                credential.Notes = notes.Length > CredentialSetConfiguration.NotesMax ? notes[..CredentialSetConfiguration.NotesMax] : notes;
            }

            credential.Version++;
            audit.Add(db, StaffActor.System, "credential.owners-migrated", CredentialSecretStore.TargetType,
                credential.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditOutcomes.Succeeded,
                AuditTrail.Clean($"Owners \"{old}\" → {(normalised is null ? "none (add e-mail addresses)" : normalised)}", 500));
            migrated++;
        }

        await db.SaveChangesAsync(ct);
        return migrated;
    }
}
