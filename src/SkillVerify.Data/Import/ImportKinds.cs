using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data.Import;

/// <summary>What a kind's conversion needs: the registry as it stands, the run's time, the holder hasher.</summary>
public sealed class ImportContext
{
    private readonly HolderHasher? hasher;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> organizationsBySpan;

    public ImportContext(IReadOnlySet<string> knownOrganizations, DateTimeOffset updatedAt, HolderHasher? hasher)
    {
        var set = knownOrganizations as HashSet<string> is { Comparer: var comparer } h && ReferenceEquals(comparer, StringComparer.Ordinal)
            ? h
            : new HashSet<string>(knownOrganizations, StringComparer.Ordinal);
        KnownOrganizations = set;
        organizationsBySpan = set.GetAlternateLookup<ReadOnlySpan<char>>();
        UpdatedAt = updatedAt;
        BoxedUpdatedAt = updatedAt;
        this.hasher = hasher;
    }

    public IReadOnlySet<string> KnownOrganizations { get; }

    public DateTimeOffset UpdatedAt { get; }

    /// <summary><see cref="UpdatedAt"/> boxed once for every row, instead of once per row.</summary>
    public object BoxedUpdatedAt { get; }

    public HolderHasher Hasher => hasher ?? throw new InvalidOperationException($"{HolderKeys.Setting} is required to import certificates.");

    /// <summary>Values repeated across rows, shared (see <see cref="ValueCache"/>).</summary>
    public ValueCache Values { get; } = new();

    /// <summary>The registry's own instance of an organization code, so a row does not carry a copy.</summary>
    public bool TryGetOrganization(ReadOnlySpan<char> code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? known) =>
        organizationsBySpan.TryGetValue(code, out known);
}

/// <summary>
/// One shared instance of the values that repeat across rows (a status, an occupation, a date), so a batch
/// waiting for the writer holds a few objects per row instead of a dozen: the garbage collector's copying
/// of those batches from one generation to the next was the import's largest single cost. Bounded: past
/// <see cref="MaxEntries"/> distinct values a value is returned as it came. Used by one thread at a time.
/// </summary>
public sealed class ValueCache
{
    private const int MaxEntries = 1 << 16;
    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateOnly Date, object Boxed)> dates = new(StringComparer.Ordinal);

    public string Intern(string value)
    {
        if (strings.TryGetValue(value, out var shared))
        {
            return shared;
        }
        if (strings.Count < MaxEntries)
        {
            strings.Add(value, value);
        }
        return value;
    }

    public string? InternOptional(string? value) => value is null ? null : Intern(value);

    /// <summary>A date parsed before (its text seen before): the date and its one boxed copy.</summary>
    public bool TryGetDate(string text, out DateOnly date, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? boxed)
    {
        if (dates.TryGetValue(text, out var entry))
        {
            (date, boxed) = entry;
            return true;
        }
        (date, boxed) = (default, null);
        return false;
    }

    public object AddDate(string text, DateOnly date)
    {
        object boxed = date;
        if (dates.Count < MaxEntries)
        {
            dates[text] = (date, boxed);
        }
        return boxed;
    }
}

/// <summary>A rejected value: a stable code and a sentence.</summary>
public sealed class RejectException(string code, string detail) : Exception(detail)
{
    public string Code { get; } = code;
}

/// <summary>
/// One importable file kind: its columns (the CSV header / JSON field names), the table it fills and the
/// conversion of one record into a row of that table. Rows are validated here; the database never sees a bad one.
/// </summary>
public abstract class ImportKind
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> Columns { get; }

    public abstract TableSpec Table { get; }

    /// <summary>Whether the registry snapshot version is bumped when a batch changes rows.</summary>
    public virtual bool RegistryData => true;

    /// <summary>Whether the kind's rows must name an organization already in the registry.</summary>
    public virtual bool NeedsOrganizations => true;

    /// <summary>The row's values in <see cref="TableSpec.Columns"/> order, and its key (for duplicate detection).</summary>
    public abstract (object?[] Row, string Key) Convert(string?[] fields, ImportContext context);

    public static readonly IReadOnlyList<ImportKind> All = [new OrganizationsKind(), new ScopesKind(), new StatusEventsKind(), new CertificatesKind()];

    public static ImportKind? Find(string name) => All.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    protected string Required(string?[] fields, int index, int maxLength = 400)
    {
        var value = fields[index]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new RejectException("field.required", $"{Columns[index]} is empty");
        }
        return Limit(value, index, maxLength);
    }

    protected string? Optional(string?[] fields, int index, int maxLength = 400)
    {
        var value = fields[index]?.Trim();
        return string.IsNullOrEmpty(value) ? null : Limit(value, index, maxLength);
    }

    protected DateOnly Date(string?[] fields, int index) => ParseDate(Required(fields, index), index);

    protected DateOnly? OptionalDate(string?[] fields, int index) => Optional(fields, index) is { } text ? ParseDate(text, index) : null;

    /// <summary><see cref="Date"/>, and the date boxed once per distinct text for the row.</summary>
    protected (DateOnly Date, object Boxed) SharedDate(string?[] fields, int index, ImportContext context) =>
        SharedDate(Required(fields, index), index, context);

    /// <summary><see cref="OptionalDate"/>, boxed once per distinct text.</summary>
    protected object? OptionalSharedDate(string?[] fields, int index, ImportContext context) =>
        Optional(fields, index) is { } text ? SharedDate(text, index, context).Boxed : null;

    private (DateOnly Date, object Boxed) SharedDate(string text, int index, ImportContext context)
    {
        if (context.Values.TryGetDate(text, out var date, out var boxed))
        {
            return (date, boxed);
        }
        date = ParseDate(text, index);
        return (date, context.Values.AddDate(text, date));
    }

    protected string Organization(string?[] fields, int index, ImportContext context)
    {
        var (code, error) = CodeParser.ParseOrganizationCode(Required(fields, index));
        if (code is null)
        {
            throw new RejectException("organization.malformed", $"{Columns[index]}: {error!.MessageEn}");
        }
        if (NeedsOrganizations && !context.KnownOrganizations.Contains(code))
        {
            throw new RejectException("organization.unknown", $"organization {code} is not in the registry; import organizations first");
        }
        return code;
    }

    private string Limit(string value, int index, int maxLength) => value.Length <= maxLength
        ? value
        : throw new RejectException("field.too_long", $"{Columns[index]} is longer than {maxLength} characters");

    private DateOnly ParseDate(string text, int index) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new RejectException("field.date", $"{Columns[index]} '{text}' is not a date yyyy-MM-dd");
}

public sealed class OrganizationsKind : ImportKind
{
    public override string Name => "organizations";

    public override IReadOnlyList<string> Columns { get; } =
        ["code", "type", "name", "province", "parent_code", "address", "contact", "registered_from", "registered_to"];

    public override TableSpec Table => Tables.Organizations;

    public override bool NeedsOrganizations => false;

    public override (object?[] Row, string Key) Convert(string?[] f, ImportContext context)
    {
        var code = Organization(f, 0, context);
        var type = Required(f, 1, 1);
        if (type is not ("Y" or "S"))
        {
            throw new RejectException("organization.type", $"type '{type}' must be Y (用人单位) or S (社会培训评价组织)");
        }
        var province = Required(f, 3, 2);
        if (ReferenceData.FindProvince(province) is null)
        {
            throw new RejectException("organization.province", $"province '{province}' is not a known province code");
        }
        string? parent = null;
        if (Optional(f, 4) is { } parentText)
        {
            parent = CodeParser.ParseOrganizationCode(parentText).Code
                ?? throw new RejectException("organization.malformed", $"parent_code '{parentText}' is not an organization code");
        }
        var from = Date(f, 7);
        var to = OptionalDate(f, 8);
        if (to < from)
        {
            throw new RejectException("field.date", "registered_to is before registered_from");
        }
        return ([code, type, Required(f, 2, 200), province, parent, Optional(f, 5), Optional(f, 6, 200), from, to, context.UpdatedAt], code);
    }
}

public sealed class ScopesKind : ImportKind
{
    public override string Name => "scopes";

    public override IReadOnlyList<string> Columns { get; } =
        ["organization_code", "occupation_code", "occupation_name", "work_type", "levels", "valid_from", "valid_to"];

    public override TableSpec Table => Tables.Scopes;

    public override (object?[] Row, string Key) Convert(string?[] f, ImportContext context)
    {
        var organization = Organization(f, 0, context);
        var occupation = Required(f, 1, 20);
        var levels = Required(f, 4, 8);
        if (levels.Any(c => ReferenceData.FindLevel(c) is null) || levels.Distinct().Count() != levels.Length)
        {
            throw new RejectException("scope.levels", $"levels '{levels}' must be distinct level characters of X54321TS");
        }
        var workType = Optional(f, 3, 100) ?? "";
        var from = Date(f, 5);
        return ([organization, occupation, workType, from, Required(f, 2, 100), levels, OptionalDate(f, 6)],
            $"{organization}|{occupation}|{workType}|{from:yyyy-MM-dd}");
    }
}

public sealed class StatusEventsKind : ImportKind
{
    public override string Name => "status-events";

    public override IReadOnlyList<string> Columns { get; } = ["organization_code", "effective_date", "status", "reason"];

    public override TableSpec Table => Tables.StatusEvents;

    public override (object?[] Row, string Key) Convert(string?[] f, ImportContext context)
    {
        var organization = Organization(f, 0, context);
        var date = Date(f, 1);
        var status = Required(f, 2, 20);
        if (!OrganizationStatus.IsKnown(status))
        {
            throw new RejectException("status.unknown", $"status '{status}' must be registered, suspended, revoked or withdrawn");
        }
        return ([organization, date, status, Optional(f, 3)], $"{organization}|{date:yyyy-MM-dd}|{status}");
    }
}

public sealed class CertificatesKind : ImportKind
{
    public override string Name => "certificates";

    public override IReadOnlyList<string> Columns { get; } =
    [
        "code", "issue_date", "occupation_code", "occupation_name", "work_type", "holder_name", "id_number", "obtained_by",
        "status", "revoked_on", "revocation_reason", "term_from", "term_to", "review_state",
    ];

    public override TableSpec Table => Tables.Certificates;

    public override bool RegistryData => false;

    public override (object?[] Row, string Key) Convert(string?[] f, ImportContext context)
    {
        var parsed = CodeParser.Parse(Required(f, 0));
        if (parsed.Code is not { } code)
        {
            throw new RejectException("code.malformed", parsed.Error is { } e ? $"code: {e.MessageEn}" : "code: a legacy qualification code, not a 22-character skill-level code");
        }
        if (!context.TryGetOrganization(code.Value.AsSpan(0, CertificateCode.OrganizationCodeLength), out var issuer))
        {
            throw new RejectException("issuer.unknown", $"issuer {code.OrganizationCode} is not in the registry; import organizations first");
        }
        var (issued, issuedBoxed) = SharedDate(f, 1, context);
        if (issued.Year != code.IssueYear)
        {
            throw new RejectException("issue_date.year", $"issue_date {issued:yyyy-MM-dd} is not in the code's year {code.IssueYear}");
        }
        var name = Required(f, 5, HolderNormalization.MaxNameLength);
        // Normalized once here for the check, the hash and the mask (each used to normalize it again).
        var normalizedName = HolderNormalization.NormalizeName(name);
        if (normalizedName.Length == 0)
        {
            throw new RejectException("field.required", "holder_name is empty");
        }
        var id = Optional(f, 6, HolderNormalization.MaxIdNumberLength);
        var values = context.Values;
        var status = Optional(f, 8, 10) ?? CertificateStatus.Active;
        if (status is not (CertificateStatus.Active or CertificateStatus.Revoked))
        {
            throw new RejectException("status.unknown", $"status '{status}' must be active or revoked");
        }
        var review = Optional(f, 13, 20) ?? ReviewState.NotRequired;
        if (!ReviewState.IsKnown(review))
        {
            throw new RejectException("review_state.unknown", $"review_state '{review}' must be not_required, pending or confirmed");
        }
        var hasher = context.Hasher;
        var normalizedId = id is null ? null : HolderNormalization.NormalizeIdNumber(id);
        // The plaintext name and ID number stop here: only keyed hashes and masked forms go on.
        // Repeated values (occupation, status, dates…) are shared instances: see ValueCache.
        return ([
            code.Value, issuer, values.Intern(LevelText(code.LevelCode)), issuedBoxed, values.Intern(Required(f, 2, 20)), values.Intern(Required(f, 3, 100)),
            values.InternOptional(Optional(f, 4, 100)),
            hasher.HashNormalizedName(normalizedName), values.Intern(HolderNormalization.MaskNormalizedName(normalizedName)),
            normalizedId is null ? null : hasher.HashNormalizedIdNumber(normalizedId), normalizedId is null ? null : HolderNormalization.MaskNormalizedIdNumber(normalizedId),
            values.Intern(Required(f, 7, 20)), values.Intern(status), OptionalSharedDate(f, 9, context), values.InternOptional(Optional(f, 10)),
            OptionalSharedDate(f, 11, context), OptionalSharedDate(f, 12, context), values.Intern(review),
            context.BoxedUpdatedAt,
        ], code.Value);
    }

    private static string LevelText(char level) => level.ToString();
}
