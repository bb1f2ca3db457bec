namespace ProcoreAdmin.ProcoreSimulator.Data;

/// <summary>
/// Builds company data from a seed. Same seed → same data: every value comes from <see cref="DeterministicRandom"/>
/// seeded with (random_seed, company id), and dates come from a fixed epoch, never from the clock.
/// Generated ids are above 2^31 (projects use 15-digit ids like real MPR regions).
/// </summary>
internal static class DataGenerator
{
    public const int DefaultGeneratedUsers = 10;
    public const int DefaultGeneratedOffices = 2;

    private static readonly DateTimeOffset Epoch = new(2018, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2025, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private sealed record City(string Name, string State, string County, string Tz, string RailsZone, double Lat, double Lon, string ZipPrefix);

    private static readonly City[] Cities =
    [
        new("Seattle", "WA", "King", "America/Los_Angeles", "Pacific Time (US & Canada)", 47.6062, -122.3321, "981"),
        new("Portland", "OR", "Multnomah", "America/Los_Angeles", "Pacific Time (US & Canada)", 45.5152, -122.6784, "972"),
        new("San Francisco", "CA", "San Francisco", "America/Los_Angeles", "Pacific Time (US & Canada)", 37.7749, -122.4194, "941"),
        new("Los Angeles", "CA", "Los Angeles", "America/Los_Angeles", "Pacific Time (US & Canada)", 34.0522, -118.2437, "900"),
        new("San Diego", "CA", "San Diego", "America/Los_Angeles", "Pacific Time (US & Canada)", 32.7157, -117.1611, "921"),
        new("Phoenix", "AZ", "Maricopa", "America/Phoenix", "Arizona", 33.4484, -112.0740, "850"),
        new("Denver", "CO", "Denver", "America/Denver", "Mountain Time (US & Canada)", 39.7392, -104.9903, "802"),
        new("Salt Lake City", "UT", "Salt Lake", "America/Denver", "Mountain Time (US & Canada)", 40.7608, -111.8910, "841"),
        new("Dallas", "TX", "Dallas", "America/Chicago", "Central Time (US & Canada)", 32.7767, -96.7970, "752"),
        new("Austin", "TX", "Travis", "America/Chicago", "Central Time (US & Canada)", 30.2672, -97.7431, "787"),
        new("Houston", "TX", "Harris", "America/Chicago", "Central Time (US & Canada)", 29.7604, -95.3698, "770"),
        new("Chicago", "IL", "Cook", "America/Chicago", "Central Time (US & Canada)", 41.8781, -87.6298, "606"),
        new("Minneapolis", "MN", "Hennepin", "America/Chicago", "Central Time (US & Canada)", 44.9778, -93.2650, "554"),
        new("Nashville", "TN", "Davidson", "America/Chicago", "Central Time (US & Canada)", 36.1627, -86.7816, "372"),
        new("Atlanta", "GA", "Fulton", "America/New_York", "Eastern Time (US & Canada)", 33.7490, -84.3880, "303"),
        new("Miami", "FL", "Miami-Dade", "America/New_York", "Eastern Time (US & Canada)", 25.7617, -80.1918, "331"),
        new("Charlotte", "NC", "Mecklenburg", "America/New_York", "Eastern Time (US & Canada)", 35.2271, -80.8431, "282"),
        new("Washington", "DC", "District of Columbia", "America/New_York", "Eastern Time (US & Canada)", 38.9072, -77.0369, "200"),
        new("Philadelphia", "PA", "Philadelphia", "America/New_York", "Eastern Time (US & Canada)", 39.9526, -75.1652, "191"),
        new("New York", "NY", "New York", "America/New_York", "Eastern Time (US & Canada)", 40.7128, -74.0060, "100"),
        new("Boston", "MA", "Suffolk", "America/New_York", "Eastern Time (US & Canada)", 42.3601, -71.0589, "021"),
        new("Columbus", "OH", "Franklin", "America/New_York", "Eastern Time (US & Canada)", 39.9612, -82.9988, "432"),
    ];

    private static readonly string[] NamePrefixes =
    [
        "Harbor", "Riverside", "Summit", "Maple", "Cedar", "Lakeview", "Granite", "Oak Ridge", "Pioneer", "Bayfront",
        "Silver Creek", "Westgate", "Northpoint", "Eastwood", "Stonebridge", "Willow", "Redwood", "Highland", "Crescent",
        "Union", "Liberty", "Meridian", "Parkside", "Canyon", "Falcon", "Beacon", "Aspen", "Ironwood", "Copper", "Sunset",
    ];

    private static readonly string[] NameMiddles =
    [
        "Medical", "Office", "Retail", "Logistics", "Residential", "Mixed-Use", "Data", "Transit", "Community", "Science",
        "Hotel", "Senior Living", "Parking", "Water Treatment", "Elementary School", "High School", "Library",
        "Fire Station", "Arena", "Laboratory",
    ];

    private static readonly string[] NameSuffixes =
        ["Center", "Tower", "Campus", "Plaza", "Complex", "Building", "Annex", "Pavilion", "Hub", "Commons"];

    private static readonly string[] Streets =
    [
        "Main St", "Market St", "1st Ave", "Broadway", "Harbor Blvd", "Industrial Pkwy", "Oak St", "Pine St",
        "Commerce Dr", "Lake Shore Dr", "Elm St", "Park Ave", "Mission St", "Airport Rd", "Center St",
    ];

    private static readonly (int Id, string Name)[] Stages =
        [(1, "Pre-Construction"), (2, "Bidding"), (3, "Course of Construction"), (4, "Post-Construction"), (5, "Warranty")];

    private static readonly (int Id, string Name)[] ProjectTypes =
    [
        (11, "Commercial"), (12, "Healthcare"), (13, "Education"), (14, "Residential"), (15, "Industrial"),
        (16, "Infrastructure"), (17, "Hospitality"), (18, "Retail"),
    ];

    private static readonly string[] FirstNames =
    [
        "Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia", "Tim",
        "Hedy", "John", "Katherine", "Donald", "Jean", "Niklaus", "Sophie", "Guido", "Anita", "Bjarne", "Karen", "James",
        "Mary", "Robert", "Patricia", "Michael", "Linda", "David", "Elena", "Carlos", "Priya", "Wei", "Fatima", "Kofi",
        "Ingrid", "Mateo", "Yuki", "Omar",
    ];

    private static readonly string[] LastNames =
    [
        "Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra",
        "Perlman", "Berners-Lee", "Lamarr", "Backus", "Johnson", "Knuth", "Bartik", "Wirth", "Wilson", "van Rossum",
        "Borg", "Stroustrup", "Jones", "Gosling", "Smith", "Garcia", "Martinez", "Brown", "Davis", "Miller", "Nguyen",
        "Patel", "Kim", "Okafor", "Larsen", "Rossi", "Tanaka", "Haddad", "Silva", "O'Brien",
    ];

    private static readonly string[] JobTitles =
    [
        "Project Manager", "Superintendent", "Project Engineer", "Estimator", "Safety Manager", "Controller",
        "Assistant Project Manager", "Field Engineer", "Project Executive", "Office Manager",
    ];

    private static readonly (long Offset, string Name)[] PermissionTemplates =
        [(1, "Company Admin"), (2, "Project Manager"), (3, "Superintendent"), (4, "Read Only")];

    private static readonly string[] Divisions = ["Building", "Civil", "Interiors", "Healthcare", "Special Projects"];

    public static CompanyData Build(CompanySeed seed, int randomSeed)
    {
        var companySlot = seed.Id % 100_000;
        var offices = BuildOffices(seed, randomSeed, companySlot);
        var users = BuildUsers(seed, randomSeed, companySlot);
        var projects = BuildProjects(seed, randomSeed, companySlot, offices);
        return new CompanyData
        {
            Id = seed.Id,
            Name = seed.Name,
            IsActive = seed.IsActive,
            LogoUrl = seed.LogoUrl,
            PcnBusinessExperience = seed.PcnBusinessExperience,
            Projects = projects,
            ProjectsById = projects.ToDictionary(p => p.Id),
            Users = users,
            Offices = offices,
        };
    }

    private static ProjectRecord[] BuildProjects(CompanySeed seed, int randomSeed, long companySlot, OfficeRecord[] offices)
    {
        var rng = DeterministicRandom.For(randomSeed, seed.Id * 3 + 1);
        var explicitItems = seed.Projects?.Items ?? [];
        var generate = seed.Projects?.Generate ?? 0;
        var result = new List<ProjectRecord>(explicitItems.Count + generate);
        var usedIds = new HashSet<long>(explicitItems.Select(p => p.Id));
        var sequence = 0;

        foreach (var item in explicitItems)
        {
            result.Add(MakeProject(seed, rng, ++sequence, item.Id, offices, item));
        }

        var nextId = 598_000_000_000_000L + companySlot * 1_000_000L;
        for (var i = 0; i < generate; i++)
        {
            do
            {
                nextId++;
            }
            while (usedIds.Contains(nextId));

            result.Add(MakeProject(seed, rng, ++sequence, nextId, offices, null));
        }

        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return [.. result];
    }

    private static ProjectRecord MakeProject(CompanySeed company, DeterministicRandom rng, int sequence, long id, OfficeRecord[] offices, ProjectSeed? item)
    {
        var city = rng.Pick(Cities);
        if (item?.City is { } wantedCity)
        {
            city = Cities.FirstOrDefault(c => c.Name.Equals(wantedCity, StringComparison.OrdinalIgnoreCase))
                ?? city with { Name = wantedCity, State = item.StateCode ?? city.State };
        }

        var generatedName = $"{rng.Pick(NamePrefixes)} {rng.Pick(NameMiddles)} {rng.Pick(NameSuffixes)}";
        if (rng.Next(10) < 3)
        {
            generatedName += $" - Phase {rng.Next(2, 5)}";
        }

        var created = Truncate(Epoch.AddDays(rng.Next(0, 2700)).AddSeconds(rng.Next(0, 86_400)));
        var updated = created.AddSeconds(rng.Next(0, 400 * 86_400));
        if (updated > Latest)
        {
            updated = Latest.AddSeconds(-rng.Next(0, 86_400));
        }

        created = item?.CreatedAt is { } c ? Truncate(c.ToUniversalTime()) : created;
        updated = item?.UpdatedAt is { } u ? Truncate(u.ToUniversalTime()) : (updated < created ? created : updated);

        var stage = rng.Pick(Stages);
        if (item?.Stage is { } wantedStage)
        {
            stage = Stages.FirstOrDefault(s => s.Name.Equals(wantedStage, StringComparison.OrdinalIgnoreCase)) is { Name: not null } known
                ? known
                : (0, wantedStage);
        }

        var type = rng.Pick(ProjectTypes);
        var office = offices.Length == 0 ? null : offices[rng.Next(offices.Length)];
        var active = rng.Next(100) < 85;
        var start = DateOnly.FromDateTime(created.UtcDateTime).AddDays(rng.Next(14, 120));
        var completion = start.AddDays(rng.Next(180, 1100));
        var name = item?.Name is { Length: > 0 } n ? n : generatedName;
        var number = item?.ProjectNumber ?? $"{created.Year % 100:00}-{sequence:00000}";
        var totalValue = (long)rng.Next(5, 2000) * 50_000L;
        var squareFeet = rng.Next(4, 800) * 500;
        var streetNumber = rng.Next(100, 9999);
        var street = rng.Pick(Streets);
        var zip = city.ZipPrefix + rng.Next(0, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        var phone = FormatPhone(rng);

        return new ProjectRecord
        {
            Id = id,
            Name = name,
            DisplayName = item?.DisplayName ?? $"{number} - {name}",
            ProjectNumber = number,
            Address = $"{streetNumber} {street}",
            City = city.Name,
            StateCode = item?.StateCode ?? city.State,
            CountryCode = "US",
            Zip = zip,
            County = city.County,
            TimeZone = city.RailsZone,
            TzName = city.Tz,
            Latitude = Math.Round(city.Lat + (rng.NextDouble() - 0.5) * 0.2, 6),
            Longitude = Math.Round(city.Lon + (rng.NextDouble() - 0.5) * 0.2, 6),
            Stage = stage.Name,
            StageId = stage.Id,
            Phone = phone,
            Active = item?.Active ?? active,
            CreatedAt = created,
            UpdatedAt = updated,
            StartDate = start,
            CompletionDate = completion,
            TotalValue = totalValue,
            SquareFeet = squareFeet,
            ProjectType = type.Name,
            ProjectTypeId = type.Id,
            Description = $"{type.Name} project for {company.Name} in {city.Name}, {city.State}.",
            CompanyId = company.Id,
            CompanyName = company.Name,
            OfficeId = office?.Id ?? 0,
            OfficeName = office?.Name ?? "",
        };
    }

    private static UserRecord[] BuildUsers(CompanySeed seed, int randomSeed, long companySlot)
    {
        var rng = DeterministicRandom.For(randomSeed, seed.Id * 3 + 2);
        var domain = Slug(seed.Name) + ".example";
        var explicitItems = seed.Users?.Items ?? [];
        var generate = seed.Users is null ? DefaultGeneratedUsers : seed.Users.Generate;
        var usedEmails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var usedIds = new HashSet<long>(explicitItems.Select(u => u.Id));
        var result = new List<UserRecord>(explicitItems.Count + generate);

        foreach (var item in explicitItems)
        {
            result.Add(MakeUser(seed, rng, item.Id, item.FirstName, item.LastName, item.EmailAddress, item.JobTitle, item.IsActive, domain, usedEmails, companySlot));
        }

        var nextId = 12_000_000_000L + companySlot * 1_000_000L;
        for (var i = 0; i < generate; i++)
        {
            do
            {
                nextId++;
            }
            while (usedIds.Contains(nextId));

            var active = rng.Next(100) < 90;
            result.Add(MakeUser(seed, rng, nextId, rng.Pick(FirstNames), rng.Pick(LastNames), null, null, active, domain, usedEmails, companySlot));
        }

        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return [.. result];
    }

    private static UserRecord MakeUser(CompanySeed company, DeterministicRandom rng, long id, string first, string last,
        string? email, string? jobTitle, bool active, string domain, HashSet<string> usedEmails, long companySlot)
    {
        var localPart = $"{Slug(first)}.{Slug(last)}";
        var candidate = email ?? $"{localPart}@{domain}";
        for (var n = 2; !usedEmails.Add(candidate); n++)
        {
            candidate = $"{localPart}{n}@{domain}";
        }

        var city = rng.Pick(Cities);
        var template = rng.Pick(PermissionTemplates);
        var created = Truncate(Epoch.AddDays(rng.Next(0, 2500)).AddSeconds(rng.Next(0, 86_400)));
        var updated = created.AddSeconds(rng.Next(0, 300 * 86_400));
        var title = jobTitle ?? rng.Pick(JobTitles);
        var lastLogin = active ? updated.AddSeconds(rng.Next(0, 30 * 86_400)) : (DateTimeOffset?)null;
        return new UserRecord
        {
            Id = id,
            FirstName = first,
            LastName = last,
            EmailAddress = candidate,
            JobTitle = title,
            BusinessPhone = FormatPhone(rng),
            MobilePhone = FormatPhone(rng),
            Address = $"{rng.Next(100, 9999)} {rng.Pick(Streets)}",
            City = city.Name,
            StateCode = city.State,
            Zip = city.ZipPrefix + rng.Next(0, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            IsActive = active,
            IsEmployee = rng.Next(100) < 80,
            EmployeeId = $"E{rng.Next(10_000, 99_999)}",
            CreatedAt = created,
            UpdatedAt = updated,
            LastLoginAt = lastLogin,
            PermissionTemplateId = 6_000_000_000L + companySlot * 100 + template.Offset,
            PermissionTemplateName = template.Name,
            VendorId = 4_000_000_000L + companySlot,
            VendorName = company.Name,
        };
    }

    private static OfficeRecord[] BuildOffices(CompanySeed seed, int randomSeed, long companySlot)
    {
        var rng = DeterministicRandom.For(randomSeed, seed.Id * 3 + 3);
        var explicitItems = seed.Offices?.Items ?? [];
        var generate = seed.Offices is null ? DefaultGeneratedOffices : seed.Offices.Generate;
        var usedIds = new HashSet<long>(explicitItems.Select(o => o.Id));
        var result = new List<OfficeRecord>(explicitItems.Count + generate);
        foreach (var item in explicitItems)
        {
            result.Add(MakeOffice(rng, item.Id, item.Name, item.City, item.StateCode, result.Count == 0));
        }

        var nextId = 3_000_000_000L + companySlot * 10_000L;
        for (var i = 0; i < generate; i++)
        {
            do
            {
                nextId++;
            }
            while (usedIds.Contains(nextId));

            result.Add(MakeOffice(rng, nextId, null, null, null, result.Count == 0));
        }

        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return [.. result];
    }

    private static OfficeRecord MakeOffice(DeterministicRandom rng, long id, string? name, string? cityName, string? state, bool main)
    {
        var city = rng.Pick(Cities);
        if (cityName is not null)
        {
            city = Cities.FirstOrDefault(c => c.Name.Equals(cityName, StringComparison.OrdinalIgnoreCase)) ?? city with { Name = cityName };
        }

        return new OfficeRecord
        {
            Id = id,
            Name = name ?? (main ? "Headquarters" : $"{city.Name} Office"),
            Address = $"{rng.Next(100, 9999)} {rng.Pick(Streets)}",
            City = city.Name,
            StateCode = state ?? city.State,
            CountryCode = "US",
            Zip = city.ZipPrefix + rng.Next(0, 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            Phone = FormatPhone(rng),
            Fax = FormatPhone(rng),
            Division = rng.Pick(Divisions),
            MainOffice = main,
        };
    }

    private static string FormatPhone(DeterministicRandom rng) =>
        $"({rng.Next(201, 989)}) 555-{rng.Next(0, 10_000):0000}";

    private static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    internal static string Slug(string value)
    {
        var chars = value.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray();
        return chars.Length == 0 ? "company" : new string(chars);
    }
}
