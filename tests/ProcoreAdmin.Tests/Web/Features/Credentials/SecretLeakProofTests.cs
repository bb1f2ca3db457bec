using System.Text;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ProcoreAdmin.Tests.Support;
using ProcoreAdmin.Web.Features.Audit;
using ProcoreAdmin.Web.Features.Credentials;
using ProcoreAdmin.Web.Hosting;

namespace ProcoreAdmin.Tests.Web.Features.Credentials;

/// <summary>
/// QUALITY §A.1, A.2, A.12: registers credentials with random marker secrets, exercises every registry path, then searches the
/// SQLite file and its WAL, every captured log (Trace, EF Core and HttpClient included), the CSV export and the rendered markup
/// for each marker in raw, Base64, hex and UTF-16 forms.
/// </summary>
public sealed class SecretLeakProofTests : MudComponentTest
{
    [Fact]
    public async Task EveryRegistryPath_LeavesNoMarkerInDatabaseLogsExportsOrMarkup()
    {
        await using var h = await RegistryHarness.CreateAsync();
        var markers = new List<string>();
        string NewMarker()
        {
            var m = "TESTSECRET-" + Guid.NewGuid().ToString("N");
            markers.Add(m);
            return m;
        }

        var northwind = await h.AddCompanyAsync(5000000001, "Northwind Builders");
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await h.AddCredentialAsync($"leak-client-{i}", NewMarker(), northwind));
        }

        var admin = h.Credentials(StaffRoles.Admin);
        foreach (var id in ids.Take(5))
        {
            var detail = await admin.GetAsync(id);
            var input = detail!.ToInput();
            input.Secret = NewMarker();
            input.SaveAnyway = true;
            input.Owners = $"owner{id}@example.test";
            Assert.True((await admin.UpdateAsync(id, input, detail.Version)).Succeeded);
            Assert.True((await admin.ReplaceSecretAsync(id, NewMarker(), detail.Version + 1, saveAnyway: true)).Succeeded);
            await h.Store.SetPendingSecretAsync(id, NewMarker(), StaffActor.System);
            await admin.VerifyAsync(id); // sends the secret to the simulator's token endpoint: invalid_client
            await h.Services.GetRequiredService<ICredentialVerifier>().VerifyAsync(id, SecretSlot.Pending, StaffActor.System);
            await h.Store.PromotePendingSecretAsync(id, StaffActor.System);
            await admin.MarkSuspectedCompromiseAsync(id, "drill");
        }

        // Validation failures must not echo the secret either.
        var bad = new CredentialInput { Label = "", Environment = "Production", ClientId = "x", Secret = NewMarker() + "\n" };
        Assert.False((await admin.CreateAsync(bad)).Succeeded);
        await admin.DeleteAsync(ids[^1], "App leak-client-19");

        var now = DateTimeOffset.UtcNow;
        h.KeyManager.CreateNewKey(now.AddSeconds(1), now.AddDays(90));
        await h.ReprotectJob.RunAsync("test", CancellationToken.None);
        var csv = await h.Audit(StaffRoles.Admin).ExportCsvAsync(new AuditFilter());

        // Render the detail, edit and list pages after saving.
        Context.Services.AddSingleton(admin);
        h.AddConsumersPanel(Context.Services, StaffRoles.Admin);
        Context.Services.AddSingleton(TimeProvider.System);
        Context.Services.AddSingleton<ICredentialConsumers>(new CredentialPagesTests.NoConsumers());
        Context.Services.AddScoped<BrowserTimeZone>();
        Context.Services.AddScoped<ProcoreAdmin.Web.Shared.UserActions>();
        Context.JSInterop.Setup<string>("procoreAdmin.timeZone").SetResult("UTC");
        Context.AddAuthorization().SetAuthorized("Ada Admin").SetRoles(ProcoreAdmin.Tests.Web.Hosting.TestSignInExtensions.RolesFor(StaffRoles.Admin));
        var markup = new StringBuilder();
        foreach (var id in ids.Take(3))
        {
            var detailPage = Context.Render<CredentialDetailPage>(p => p.Add(x => x.Id, id));
            detailPage.WaitForAssertion(() => Assert.Contains("fp:", detailPage.Markup));
            markup.Append(detailPage.Markup);
            var edit = Context.Render<CredentialFormPage>(p => p.Add(x => x.Id, id));
            edit.WaitForAssertion(() => Assert.Contains("leak-client", edit.Markup));
            markup.Append(edit.Markup);
        }

        var list = Context.Render<CredentialsPage>();
        list.WaitForAssertion(() => Assert.Contains("leak-client-0", list.Markup));
        markup.Append(list.Markup);

        var logs = h.Logs.GetSnapshot();
        SqliteConnection.ClearAllPools(); // closes pooled connections; the WAL file stays on disk
        var files = new[] { h.DatabaseFile, h.DatabaseFile + "-wal", h.DatabaseFile + "-shm" }.Where(File.Exists)
            .Concat(Directory.Exists(h.Folder) ? Directory.GetFiles(Path.Combine(h.Folder, "keys")) : []).ToList();
        var haystacks = new Dictionary<string, byte[]>
        {
            ["logs"] = Encoding.UTF8.GetBytes(string.Join("\n", logs.Select(r =>
                $"{r.Category} {r.Message} {r.Exception} {string.Join(";", r.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])}"))),
            ["csv"] = Encoding.UTF8.GetBytes(csv),
            ["markup"] = Encoding.UTF8.GetBytes(markup.ToString()),
        };
        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            haystacks[Path.GetFileName(file)] = copy.ToArray();
        }

        Assert.Contains(h.DatabaseFile, files);
        Assert.Contains(logs, r => r.Category?.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true);
        Assert.Contains(logs, r => r.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true || r.Category?.Contains("ProcoreClient", StringComparison.Ordinal) == true);
        Assert.Equal(36, markers.Count);
        var hits = new List<string>();
        foreach (var marker in markers)
        {
            foreach (var (form, needle) in Forms(marker))
            {
                foreach (var (name, bytes) in haystacks)
                {
                    if (bytes.AsSpan().IndexOf(needle) >= 0)
                    {
                        hits.Add($"{form} of a marker in {name}");
                    }
                }
            }
        }

        Assert.Empty(hits);
    }

    /// <summary>The marker as raw UTF-8, UTF-16LE, hex (both cases) and Base64 at each of the three alignments.</summary>
    private static IEnumerable<(string Form, byte[] Needle)> Forms(string marker)
    {
        var utf8 = Encoding.UTF8.GetBytes(marker);
        yield return ("raw", utf8);
        yield return ("utf-16", Encoding.Unicode.GetBytes(marker));
        yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(utf8)));
        yield return ("HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(utf8)));
        for (var pad = 0; pad < 3; pad++)
        {
            var b64 = Convert.ToBase64String([.. new byte[pad], .. utf8]);
            var start = pad == 0 ? 0 : 4; // the first group mixes padding and marker bytes
            var inner = b64.Substring(start, b64.Length - start - 4);
            yield return ($"base64/{pad}", Encoding.ASCII.GetBytes(inner));
            yield return ($"base64url/{pad}", Encoding.ASCII.GetBytes(inner.Replace('+', '-').Replace('/', '_')));
        }
    }
}
