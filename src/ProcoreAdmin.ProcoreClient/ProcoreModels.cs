using System.Text.Json.Serialization;
using ProcoreAdmin.ProcoreClient.Internal;

namespace ProcoreAdmin.ProcoreClient;

// Typed results. Property names map to Procore's snake_case JSON. Only fields with a known, stable shape are mapped;
// text fields whose type varies between versions are read leniently (numbers become text, objects become null).

/// <summary><c>GET /rest/v1.0/me</c>.</summary>
public sealed record ProcoreMe
{
    public long Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Login { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }
}

/// <summary>A <c>{id, name}</c> reference (company, office, stage, vendor, …).</summary>
public sealed record ProcoreReference
{
    public long? Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/companies</c>.</summary>
public sealed record ProcoreCompany
{
    public long Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }

    public bool? IsActive { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? LogoUrl { get; init; }

    public bool? PcnBusinessExperience { get; init; }

    public bool? MyCompany { get; init; }
}

/// <summary>A project from <c>/rest/v1.0/projects</c>, <c>/rest/v1.1/projects</c> or <c>/rest/v1.0/projects/{id}</c>.</summary>
public sealed record ProcoreProject
{
    public long Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? DisplayName { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? ProjectNumber { get; init; }

    public bool? Active { get; init; }

    public bool? IsDemo { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Address { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? City { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? StateCode { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? CountryCode { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Zip { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? County { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? TimeZone { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Phone { get; init; }

    /// <summary>The stage name as text (v1.0 sends a string).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Stage { get; init; }

    public ProcoreReference? ProjectStage { get; init; }

    public ProcoreReference? Company { get; init; }

    public ProcoreReference? Office { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? StartDate { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? CompletionDate { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? OriginId { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? OriginCode { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/companies/{company_id}/users</c>.</summary>
public sealed record ProcoreCompanyUser
{
    public long Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? FirstName { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? LastName { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? EmailAddress { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? JobTitle { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? BusinessPhone { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? MobilePhone { get; init; }

    public bool? IsActive { get; init; }

    public bool? IsEmployee { get; init; }

    public ProcoreReference? Vendor { get; init; }

    public ProcoreReference? PermissionTemplate { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? LastLoginAt { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>An item of <c>GET /rest/v1.0/offices?company_id=</c>.</summary>
public sealed record ProcoreOffice
{
    public long Id { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Address { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? City { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? StateCode { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? CountryCode { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Zip { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Phone { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Fax { get; init; }

    [JsonConverter(typeof(LenientStringConverter))]
    public string? Division { get; init; }
}
