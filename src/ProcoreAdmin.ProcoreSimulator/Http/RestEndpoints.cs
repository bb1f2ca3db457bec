using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ProcoreAdmin.ProcoreSimulator.Auth;
using ProcoreAdmin.ProcoreSimulator.Data;
using ProcoreAdmin.ProcoreSimulator.RateLimiting;

namespace ProcoreAdmin.ProcoreSimulator.Http;

/// <summary>
/// The API host (<c>/rest/v1.x/…</c>). Order of checks: rate limit and faults, bearer token (401),
/// <c>Procore-Company-Id</c> (missing → 404/400 unless lenient; not installed → 403), then the route.
/// </summary>
internal sealed class RestEndpoints
{
    public const string NotConnectedMessage = "App is not connected to this company.";
    public const string ProjectForbiddenMessage = "You do not have permission to access this project.";
    public const string MissingCompanyHeaderMessage =
        "Missing Procore-Company-Id header! Every request must include the Procore-Company-Id header with the id of the company it is for. See https://developers.procore.com/documentation/tutorial-mpz";

    private static readonly string[] ProjectSortKeys = ["name", "display_name", "id", "project_number", "created_at", "updated_at"];
    private static readonly string[] UserSortKeys = ["name", "first_name", "last_name", "email", "id", "job_title"];

    private sealed record ApiCall(RequestScope Scope, AppRuntime App, long? HeaderCompanyId)
    {
        public HttpContext Context => Scope.Context;

        public IQueryCollection Query => Scope.Context.Request.Query;

        public SimulatorState State => Scope.State;

        public PagingSeed Paging => Scope.Settings.Paging;
    }

    private sealed record CompanyAccess(CompanyData Company, InstallationData Installation);

    public async Task HandleAsync(RequestScope scope)
    {
        var context = scope.Context;
        var request = context.Request;
        var token = scope.BearerToken;
        var header = request.Headers["Procore-Company-Id"];
        var companyKey = header.Count > 0 ? header[0] : request.Query["company_id"] is { Count: > 0 } q ? q[0] : "-";
        var clientId = token is not null && scope.State.Tokens.TryGet(token, out var owner) && owner!.Environment == scope.Environment ? owner.ClientId : null;
        if (await SimulatorRequestHandler.GateAsync(scope, RateLimiter.ApiKey(scope.Settings.RateLimits, scope.Environment, clientId, token, companyKey ?? "-")))
        {
            return;
        }

        var status = scope.State.Tokens.Check(token, scope.Environment, scope.Now, scope.State.FindApp, scope.State.SecretVersionIn, out _, out var app);
        if (status != TokenStatus.Valid || app is null)
        {
            await OAuthEndpoints.InvalidTokenAsync(context, status);
            return;
        }

        long? headerCompany = null;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
        {
            if (!scope.Settings.CompanyHeader.Lenient)
            {
                await JsonOut.ErrorsAsync(context, scope.Settings.CompanyHeader.MissingStatus, MissingCompanyHeaderMessage);
                return;
            }
        }
        else if (!long.TryParse(header[0]!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
        {
            await JsonOut.ErrorsAsync(context, 400, "Invalid Procore-Company-Id header: it must be a company id.");
            return;
        }
        else if (!app.Installations.ContainsKey(parsed) || !scope.State.Companies.ContainsKey(parsed))
        {
            await JsonOut.ErrorsArrayAsync(context, 403, NotConnectedMessage);
            return;
        }
        else
        {
            headerCompany = parsed;
        }

        var call = new ApiCall(scope, app, headerCompany);
        var segments = scope.Route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var minor = segments.Length > 1 ? segments[1].ToLowerInvariant() switch
        {
            "v1.0" => 0,
            "v1.1" => 1,
            "v1.2" => 2,
            "v1.3" => 3,
            _ => -1,
        } : -1;

        if (!HttpMethods.IsGet(request.Method) || minor < 0 || segments.Length < 3)
        {
            await JsonOut.ErrorsAsync(context, 404, "Not Found");
            return;
        }

        var resource = segments[2].ToLowerInvariant();
        var task = (segments.Length, resource) switch
        {
            (3, "me") when minor == 0 => MeAsync(call),
            (3, "companies") when minor == 0 => CompaniesAsync(call),
            (5, "companies") when segments[4].Equals("users", StringComparison.OrdinalIgnoreCase) => CompanyUsersAsync(call, segments[3]),
            (3, "projects") when minor <= 1 => ProjectsAsync(call, minor),
            (4, "projects") when minor <= 1 => ProjectAsync(call, segments[3]),
            (5, "projects") when minor == 0 && segments[4].Equals("users", StringComparison.OrdinalIgnoreCase) => ProjectUsersAsync(call, segments[3]),
            (3, "offices") when minor == 0 => OfficesAsync(call),
            (4, "offices") when minor == 0 => OfficeAsync(call, segments[3]),
            _ => JsonOut.ErrorsAsync(context, 404, "Not Found"),
        };
        await task;
    }

    private static Task MeAsync(ApiCall call) =>
        JsonOut.WriteAsync(call.Context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("id", call.App.ServiceUserId);
            w.WriteString("login", call.App.ServiceUserLogin);
            w.WriteString("name", call.App.ServiceUserName);
            w.WriteEndObject();
        });

    private static Task CompaniesAsync(ApiCall call)
    {
        var companies = call.App.Installations.Keys
            .Where(call.State.Companies.ContainsKey)
            .Order()
            .Select(id => call.State.Companies[id])
            .ToList();
        var spec = PageSpec.Read(call.Query, call.Paging.DefaultPerPage, call.Paging.MaxPerPage);
        return WritePageAsync(call, companies, spec, EntityJson.WriteCompany);
    }

    private static async Task ProjectsAsync(ApiCall call, int minor)
    {
        var access = await CompanyFromQueryAsync(call);
        if (access is null)
        {
            return;
        }

        var query = call.Query;
        var max = minor == 1 ? call.Paging.ProjectsV11MaxPerPage : call.Paging.MaxPerPage;
        var spec = PageSpec.Read(query, call.Paging.DefaultPerPage, max);

        bool? active = query["filters[by_status]"].ToString().ToLowerInvariant() switch
        {
            "" or "active" => true,
            "inactive" => false,
            "all" => null,
            _ => throw new BadRequestException("filters[by_status] must be Active, Inactive or All"),
        };
        var name = query["filters[name]"].ToString();
        var projectNumber = query["filters[project_number]"].ToString();
        var ids = ReadIds(query, "filters[id]");
        var updated = ReadRange(query, "filters[updated_at]");
        var created = ReadRange(query, "filters[created_at]");
        var view = ReadProjectView(query, minor);
        var source = SortedProjects(access.Company, query["sort"].ToString());
        var installation = access.Installation;

        bool Matches(ProjectRecord p) =>
            installation.IsPermitted(p.Id)
            && (active is null || p.Active == active)
            && (name.Length == 0 || p.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            && (projectNumber.Length == 0 || p.ProjectNumber.Equals(projectNumber, StringComparison.OrdinalIgnoreCase))
            && (ids is null || ids.Contains(p.Id))
            && (updated is null || updated.Value.Contains(p.UpdatedAt))
            && (created is null || created.Value.Contains(p.CreatedAt));

        await WritePageAsync(call, source.Where(Matches), spec, (w, p) => EntityJson.WriteProject(w, p, view));
    }

    private static async Task ProjectAsync(ApiCall call, string rawId)
    {
        var access = await CompanyFromQueryAsync(call);
        if (access is null)
        {
            return;
        }

        if (!long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !access.Company.ProjectsById.TryGetValue(id, out var project))
        {
            await JsonOut.ErrorsAsync(call.Context, 404, "Project not found");
            return;
        }

        if (!access.Installation.IsPermitted(id))
        {
            await JsonOut.ErrorsArrayAsync(call.Context, 403, ProjectForbiddenMessage);
            return;
        }

        var view = call.Query["view"].ToString() == "compact" ? ProjectView.Compact
            : call.Query["serializer_view"].ToString() == "compact" ? ProjectView.SerializerCompact
            : ProjectView.V11;
        await JsonOut.WriteAsync(call.Context, 200, w => EntityJson.WriteProject(w, project, view));
    }

    private static async Task ProjectUsersAsync(ApiCall call, string rawId)
    {
        if (!long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !call.State.ProjectOwners.TryGetValue(id, out var ownerId)
            || (call.HeaderCompanyId is { } headerCompany && headerCompany != ownerId))
        {
            await JsonOut.ErrorsAsync(call.Context, 404, "Project not found");
            return;
        }

        if (!call.App.Installations.TryGetValue(ownerId, out var installation))
        {
            await JsonOut.ErrorsArrayAsync(call.Context, 403, NotConnectedMessage);
            return;
        }

        if (!installation.IsPermitted(id))
        {
            await JsonOut.ErrorsArrayAsync(call.Context, 403, ProjectForbiddenMessage);
            return;
        }

        var company = call.State.Companies[ownerId];
        var compact = call.Query["view"].ToString() == "compact";
        var spec = PageSpec.Read(call.Query, call.Paging.DefaultPerPage, call.Paging.MaxPerPage);
        await WritePageAsync(call, company.UsersOfProject(company.ProjectsById[id]), spec, (w, u) => EntityJson.WriteUser(w, u, compact));
    }

    private static async Task CompanyUsersAsync(ApiCall call, string rawCompanyId)
    {
        var access = await CompanyAccessAsync(call, rawCompanyId);
        if (access is null)
        {
            return;
        }

        var query = call.Query;
        var search = query["filters[search]"].ToString();
        var ids = ReadIds(query, "filters[id]");
        var compact = query["view"].ToString() == "compact";
        var spec = PageSpec.Read(query, call.Paging.DefaultPerPage, call.Paging.MaxPerPage);
        IEnumerable<UserRecord> users = access.Company.Users.Where(u =>
            u.IsActive
            && (ids is null || ids.Contains(u.Id))
            && (search.Length == 0
                || u.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || u.EmailAddress.Contains(search, StringComparison.OrdinalIgnoreCase)
                || u.JobTitle.Contains(search, StringComparison.OrdinalIgnoreCase)));
        users = SortUsers(users, query["sort"].ToString());
        await WritePageAsync(call, users, spec, (w, u) => EntityJson.WriteUser(w, u, compact));
    }

    private static async Task OfficesAsync(ApiCall call)
    {
        var access = await CompanyFromQueryAsync(call);
        if (access is null)
        {
            return;
        }

        var extended = call.Query["view"].ToString() == "extended";
        var spec = PageSpec.Read(call.Query, call.Paging.DefaultPerPage, call.Paging.MaxPerPage);
        await WritePageAsync(call, access.Company.Offices, spec, (w, o) => EntityJson.WriteOffice(w, o, extended));
    }

    private static async Task OfficeAsync(ApiCall call, string rawId)
    {
        var access = await CompanyFromQueryAsync(call);
        if (access is null)
        {
            return;
        }

        var office = long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? access.Company.Offices.FirstOrDefault(o => o.Id == id)
            : null;
        if (office is null)
        {
            await JsonOut.ErrorsAsync(call.Context, 404, "Office not found");
            return;
        }

        await JsonOut.WriteAsync(call.Context, 200, w => EntityJson.WriteOffice(w, office, extended: true));
    }

    private static async Task<CompanyAccess?> CompanyFromQueryAsync(ApiCall call)
    {
        var raw = call.Query["company_id"];
        if (raw.Count == 0 || string.IsNullOrWhiteSpace(raw[0]))
        {
            await JsonOut.ErrorsAsync(call.Context, 400, "company_id is missing");
            return null;
        }

        return await CompanyAccessAsync(call, raw[0]!);
    }

    private static async Task<CompanyAccess?> CompanyAccessAsync(ApiCall call, string raw)
    {
        if (!long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var companyId))
        {
            await JsonOut.ErrorsAsync(call.Context, 400, "company_id is invalid");
            return null;
        }

        if (!call.App.Installations.TryGetValue(companyId, out var installation)
            || !call.State.Companies.TryGetValue(companyId, out var company))
        {
            await JsonOut.ErrorsArrayAsync(call.Context, 403, NotConnectedMessage);
            return null;
        }

        return new CompanyAccess(company, installation);
    }

    private static Task WritePageAsync<T>(ApiCall call, IEnumerable<T> items, PageSpec spec, Action<System.Text.Json.Utf8JsonWriter, T> writeItem)
    {
        long total = 0;
        var page = new List<T>(Math.Min(spec.PerPage, 1000));
        var skip = spec.Skip;
        foreach (var item in items)
        {
            if (total >= skip && page.Count < spec.PerPage)
            {
                page.Add(item);
            }

            total++;
        }

        Paging.WriteHeaders(call.Context, total, spec);
        return JsonOut.WriteAsync(call.Context, 200, w =>
        {
            w.WriteStartArray();
            foreach (var item in page)
            {
                writeItem(w, item);
            }

            w.WriteEndArray();
        });
    }

    private static ProjectView ReadProjectView(IQueryCollection query, int minor)
    {
        if (query["view"].ToString().Equals("compact", StringComparison.OrdinalIgnoreCase))
        {
            return ProjectView.Compact;
        }

        if (query["serializer_view"].ToString().Equals("compact", StringComparison.OrdinalIgnoreCase))
        {
            return ProjectView.SerializerCompact;
        }

        return minor == 1 ? ProjectView.V11 : ProjectView.V10;
    }

    private static ProjectRecord[] SortedProjects(CompanyData company, string sort)
    {
        var keys = ParseSort(sort, ProjectSortKeys);
        if (keys.Count == 0)
        {
            return company.Projects;
        }

        var normalized = string.Join(",", keys.Select(k => (k.Descending ? "-" : "") + k.Key));
        return company.ProjectsSortedBy(normalized, projects =>
        {
            var copy = (ProjectRecord[])projects.Clone();
            Array.Sort(copy, (a, b) =>
            {
                foreach (var (key, descending) in keys)
                {
                    var c = key switch
                    {
                        "name" => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name),
                        "display_name" => StringComparer.OrdinalIgnoreCase.Compare(a.DisplayName, b.DisplayName),
                        "project_number" => StringComparer.OrdinalIgnoreCase.Compare(a.ProjectNumber, b.ProjectNumber),
                        "created_at" => a.CreatedAt.CompareTo(b.CreatedAt),
                        "updated_at" => a.UpdatedAt.CompareTo(b.UpdatedAt),
                        _ => a.Id.CompareTo(b.Id),
                    };
                    if (c != 0)
                    {
                        return descending ? -c : c;
                    }
                }

                return a.Id.CompareTo(b.Id);
            });
            return copy;
        });
    }

    private static IEnumerable<UserRecord> SortUsers(IEnumerable<UserRecord> users, string sort)
    {
        var keys = ParseSort(sort, UserSortKeys);
        if (keys.Count == 0)
        {
            return users;
        }

        var list = users.ToList();
        list.Sort((a, b) =>
        {
            foreach (var (key, descending) in keys)
            {
                var c = key switch
                {
                    "name" => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name),
                    "first_name" => StringComparer.OrdinalIgnoreCase.Compare(a.FirstName, b.FirstName),
                    "last_name" => StringComparer.OrdinalIgnoreCase.Compare(a.LastName, b.LastName),
                    "email" => StringComparer.OrdinalIgnoreCase.Compare(a.EmailAddress, b.EmailAddress),
                    "job_title" => StringComparer.OrdinalIgnoreCase.Compare(a.JobTitle, b.JobTitle),
                    _ => a.Id.CompareTo(b.Id),
                };
                if (c != 0)
                {
                    return descending ? -c : c;
                }
            }

            return a.Id.CompareTo(b.Id);
        });
        return list;
    }

    private static List<(string Key, bool Descending)> ParseSort(string sort, string[] allowed)
    {
        var keys = new List<(string, bool)>();
        foreach (var raw in sort.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = raw.StartsWith('-');
            var key = (descending ? raw[1..] : raw).ToLowerInvariant();
            if (allowed.Contains(key))
            {
                keys.Add((key, descending));
            }
        }

        return keys;
    }

    /// <summary>Reads <c>name[]=1&amp;name[]=2</c> and <c>name=1,2</c>. null = no filter.</summary>
    private static HashSet<long>? ReadIds(IQueryCollection query, string name)
    {
        var values = StringValues.Concat(query[name + "[]"], query[name]);
        if (values.Count == 0)
        {
            return null;
        }

        var ids = new HashSet<long>();
        foreach (var value in values)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw new BadRequestException($"{name} must contain ids");
                }

                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>Reads a Procore range filter <c>A...B</c> (ISO-8601; either side may be empty; date-only ends are whole days).</summary>
    private static DateRange? ReadRange(IQueryCollection query, string name)
    {
        var raw = query[name].ToString().Trim();
        if (raw.Length == 0)
        {
            return null;
        }

        var separator = raw.IndexOf("...", StringComparison.Ordinal);
        var fromText = separator < 0 ? raw : raw[..separator];
        var toText = separator < 0 ? raw : raw[(separator + 3)..];
        DateTimeOffset? from = null, to = null;
        if (fromText.Length > 0)
        {
            from = ParseDate(fromText, name);
        }

        if (toText.Length > 0)
        {
            var end = ParseDate(toText, name);
            to = toText.Trim().Length <= 10 ? end.AddDays(1).AddTicks(-1) : end;
        }

        return new DateRange(from, to);
    }

    private static DateTimeOffset ParseDate(string text, string name) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new BadRequestException($"{name} must be a range like 2024-01-01T00:00:00Z...2024-12-31T23:59:59Z");

    private readonly record struct DateRange(DateTimeOffset? From, DateTimeOffset? To)
    {
        public bool Contains(DateTimeOffset value) => (From is null || value >= From) && (To is null || value <= To);
    }
}

/// <summary>A 400 with <c>{"errors": message}</c>, raised while reading query parameters.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
