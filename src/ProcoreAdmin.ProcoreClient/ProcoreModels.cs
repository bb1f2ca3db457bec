namespace ProcoreAdmin.ProcoreClient;

// Typed results. Property names map to Procore's snake_case JSON. Only fields with a known, stable shape are mapped;
// text fields whose type varies between versions are read leniently (numbers become text, objects become null), through
// the converters of ProcoreJsonContext.

/// <summary><c>GET /rest/v1.0/me</c>.</summary>
public sealed record ProcoreMe
{
    public long Id { get; init; }
    public string? Login { get; init; }
    public string? Name { get; init; }
}

/// <summary>A <c>{id, name}</c> reference (company, office, stage, vendor, …).</summary>
public sealed record ProcoreReference
{
    public long? Id { get; init; }
    public string? Name { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/companies</c>.</summary>
public sealed record ProcoreCompany
{
    public long Id { get; init; }
    public string? Name { get; init; }

    public bool? IsActive { get; init; }
    public string? LogoUrl { get; init; }

    public bool? PcnBusinessExperience { get; init; }

    public bool? MyCompany { get; init; }
}

/// <summary>A project from <c>/rest/v1.0/projects</c>, <c>/rest/v1.1/projects</c> or <c>/rest/v1.0/projects/{id}</c>.</summary>
public sealed record ProcoreProject
{
    public long Id { get; init; }
    public string? Name { get; init; }
    public string? DisplayName { get; init; }
    public string? ProjectNumber { get; init; }

    public bool? Active { get; init; }

    public bool? IsDemo { get; init; }
    public string? Address { get; init; }
    public string? City { get; init; }
    public string? StateCode { get; init; }
    public string? CountryCode { get; init; }
    public string? Zip { get; init; }
    public string? County { get; init; }
    public string? TimeZone { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }
    public string? Phone { get; init; }

    /// <summary>The stage name as text (v1.0 sends a string).</summary>
    public string? Stage { get; init; }

    public ProcoreReference? ProjectStage { get; init; }

    public ProcoreReference? Company { get; init; }

    public ProcoreReference? Office { get; init; }
    public string? StartDate { get; init; }
    public string? CompletionDate { get; init; }
    public string? OriginId { get; init; }
    public string? OriginCode { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/companies/{company_id}/users</c>.</summary>
public sealed record ProcoreCompanyUser
{
    public long Id { get; init; }
    public string? Name { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? EmailAddress { get; init; }
    public string? JobTitle { get; init; }
    public string? BusinessPhone { get; init; }
    public string? MobilePhone { get; init; }

    public bool? IsActive { get; init; }

    public bool? IsEmployee { get; init; }

    public ProcoreReference? Vendor { get; init; }

    public ProcoreReference? PermissionTemplate { get; init; }
    public DateTimeOffset? LastLoginAt { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/offices?company_id=</c>.</summary>
public sealed record ProcoreOffice
{
    public long Id { get; init; }
    public string? Name { get; init; }
    public string? Address { get; init; }
    public string? City { get; init; }
    public string? StateCode { get; init; }
    public string? CountryCode { get; init; }
    public string? Zip { get; init; }
    public string? Phone { get; init; }
    public string? Fax { get; init; }
    public string? Division { get; init; }
}
