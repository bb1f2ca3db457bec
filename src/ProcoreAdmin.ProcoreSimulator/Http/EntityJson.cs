using System.Text.Json;
using ProcoreAdmin.ProcoreSimulator.Data;

namespace ProcoreAdmin.ProcoreSimulator.Http;

internal enum ProjectView
{
    /// <summary><c>view=compact</c>: id and name.</summary>
    Compact,

    /// <summary><c>serializer_view=compact</c> (v1.0): id, name and display_name.</summary>
    SerializerCompact,

    /// <summary>v1.0 list fields (the subset Procore returns in list responses).</summary>
    V10,

    /// <summary>v1.1 normal/extended: the v1.0 set plus the v1.1 fields.</summary>
    V11,
}

/// <summary>Writes simulated entities with Procore's field names.</summary>
internal static class EntityJson
{
    public static void WriteProject(Utf8JsonWriter w, ProjectRecord p, ProjectView view)
    {
        w.WriteStartObject();
        w.WriteNumber("id", p.Id);
        w.WriteString("name", p.Name);
        if (view == ProjectView.Compact)
        {
            w.WriteEndObject();
            return;
        }

        w.WriteString("display_name", p.DisplayName);
        if (view == ProjectView.SerializerCompact)
        {
            w.WriteEndObject();
            return;
        }

        w.WriteString("project_number", p.ProjectNumber);
        w.WriteBoolean("is_demo", false);
        w.WriteNull("parent_job_id");
        w.WriteString("address", p.Address);
        w.WriteString("city", p.City);
        w.WriteString("state_code", p.StateCode);
        w.WriteString("country_code", p.CountryCode);
        w.WriteString("zip", p.Zip);
        w.WriteString("county", p.County);
        w.WriteString("time_zone", p.TimeZone);
        w.WriteNumber("latitude", p.Latitude);
        w.WriteNumber("longitude", p.Longitude);
        w.WriteString("stage", p.Stage);
        w.WriteIdName("project_stage", p.StageId, p.Stage);
        w.WriteNull("project_template");
        w.WriteString("phone", p.Phone);
        w.WriteNull("fax");
        w.WriteTimestamp("created_at", p.CreatedAt);
        w.WriteTimestamp("updated_at", p.UpdatedAt);
        w.WriteBoolean("active", p.Active);
        w.WriteNull("origin_id");
        w.WriteNull("origin_data");
        w.WriteNull("origin_code");
        w.WriteNull("owners_project_id");
        w.WriteString("total_value", p.TotalValue.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("estimated_value", p.TotalValue.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNull("store_number");
        w.WriteNull("accounting_project_number");
        w.WriteNull("designated_market_area");
        w.WriteNull("project_region_id");
        w.WriteNull("project_bid_type_id");
        w.WriteNull("project_owner_type_id");
        w.WriteNull("photo_id");
        w.WriteDate("start_date", p.StartDate);
        w.WriteDate("completion_date", p.CompletionDate);
        w.WriteIdName("company", p.CompanyId, p.CompanyName);
        w.WriteStartObject("custom_fields");
        w.WriteEndObject();
        if (view == ProjectView.V11)
        {
            w.WriteDate("actual_start_date", p.StartDate);
            w.WriteDate("estimated_start_date", p.StartDate);
            w.WriteDate("estimated_completion_date", p.CompletionDate);
            w.WriteDate("projected_finish_date", p.CompletionDate);
            w.WriteString("description", p.Description);
            w.WriteStartArray("departments");
            w.WriteEndArray();
            w.WriteNull("flag");
            w.WriteString("inbound_email", $"project-{p.Id}@procore-simulator.example");
            w.WriteNull("logo_url");
            if (p.OfficeId != 0)
            {
                w.WriteIdName("office", p.OfficeId, p.OfficeName);
            }
            else
            {
                w.WriteNull("office");
            }

            w.WriteNull("persistent_message");
            w.WriteNull("program");
            w.WriteNull("project_bid_type");
            w.WriteNull("project_owner_type");
            w.WriteNull("project_region");
            w.WriteIdName("project_type", p.ProjectTypeId, p.ProjectType);
            w.WriteNull("public_notes");
            w.WriteNumber("square_feet", p.SquareFeet);
            w.WriteNull("standard_cost_code_list_id");
            w.WriteString("tz_name", p.TzName);
            w.WriteNull("warranty_start_date");
            w.WriteNull("warranty_end_date");
        }

        w.WriteEndObject();
    }

    public static void WriteUser(Utf8JsonWriter w, UserRecord u, bool compact)
    {
        w.WriteStartObject();
        w.WriteNumber("id", u.Id);
        w.WriteString("name", u.Name);
        if (compact)
        {
            w.WriteString("email_address", u.EmailAddress);
            w.WriteEndObject();
            return;
        }

        w.WriteString("first_name", u.FirstName);
        w.WriteString("last_name", u.LastName);
        w.WriteString("initials", u.Initials);
        w.WriteString("email_address", u.EmailAddress);
        w.WriteString("job_title", u.JobTitle);
        w.WriteString("business_phone", u.BusinessPhone);
        w.WriteNull("business_phone_extension");
        w.WriteString("mobile_phone", u.MobilePhone);
        w.WriteNull("fax_number");
        w.WriteString("address", u.Address);
        w.WriteString("city", u.City);
        w.WriteString("state_code", u.StateCode);
        w.WriteString("country_code", "US");
        w.WriteString("zip", u.Zip);
        w.WriteBoolean("is_active", u.IsActive);
        w.WriteBoolean("is_employee", u.IsEmployee);
        w.WriteString("employee_id", u.EmployeeId);
        w.WriteTimestampOrNull("last_login_at", u.LastLoginAt);
        w.WriteTimestamp("welcome_email_sent_at", u.CreatedAt);
        w.WriteTimestamp("created_at", u.CreatedAt);
        w.WriteTimestamp("updated_at", u.UpdatedAt);
        w.WriteNull("avatar");
        w.WriteNull("business_id");
        w.WriteNull("contact_id");
        w.WriteBoolean("erp_integrated_accountant", false);
        w.WriteNull("notes");
        w.WriteNull("origin_id");
        w.WriteNull("origin_data");
        w.WriteNull("email_signature");
        w.WriteNull("work_classification_id");
        w.WriteStartObject("permission_template");
        w.WriteNumber("id", u.PermissionTemplateId);
        w.WriteString("name", u.PermissionTemplateName);
        w.WriteBoolean("project_specific", false);
        w.WriteString("type", "ProjectPermissionTemplate");
        w.WriteEndObject();
        w.WriteNull("company_permission_template");
        w.WriteIdName("vendor", u.VendorId, u.VendorName);
        w.WriteEndObject();
    }

    public static void WriteOffice(Utf8JsonWriter w, OfficeRecord o, bool extended)
    {
        w.WriteStartObject();
        w.WriteNumber("id", o.Id);
        w.WriteString("name", o.Name);
        w.WriteString("address", o.Address);
        w.WriteString("city", o.City);
        w.WriteString("state_code", o.StateCode);
        w.WriteString("country_code", o.CountryCode);
        w.WriteString("zip", o.Zip);
        w.WriteString("phone", o.Phone);
        w.WriteString("fax", o.Fax);
        w.WriteString("division", o.Division);
        w.WriteNull("logo");
        if (extended)
        {
            w.WriteBoolean("main_office", o.MainOffice);
        }

        w.WriteEndObject();
    }

    public static void WriteCompany(Utf8JsonWriter w, CompanyData c)
    {
        w.WriteStartObject();
        w.WriteNumber("id", c.Id);
        w.WriteString("name", c.Name);
        w.WriteBoolean("is_active", c.IsActive);
        if (c.LogoUrl is null)
        {
            w.WriteNull("logo_url");
        }
        else
        {
            w.WriteString("logo_url", c.LogoUrl);
        }

        w.WriteBoolean("pcn_business_experience", c.PcnBusinessExperience);
        w.WriteBoolean("my_company", false);
        w.WriteEndObject();
    }
}
