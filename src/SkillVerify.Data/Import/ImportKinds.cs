using System.Globalization;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Data.Import;

/// <summary>An organization's registration window <c>[From, To)</c>, as the registry holds it.</summary>
public readonly record struct RegistrationWindow(DateOnly From, DateOnly? To);

/// <summary>What a kind's conversion needs: the registry as it stands, the run's time, the holder hasher.</summary>
public sealed class ImportContext
{
    private readonly HolderHasher? hasher;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> organizationsBySpan;

    public ImportContext(IReadOnlySet<string> knownOrganizations, DateTimeOffset updatedAt, HolderHasher? hasher,
        IReadOnlyDictionary<string, RegistrationWindow>? windows = null)
    {
        var set = knownOrganizations as HashSet<string> is { Comparer: var comparer } h && ReferenceEquals(comparer, StringComparer.Ordinal)
            ? h
            : new HashSet<string>(knownOrganizations, StringComparer.Ordinal);
        KnownOrganizations = set;
        organizationsBySpan = set.GetAlternateLookup<ReadOnlySpan<char>>();
        UpdatedAt = updatedAt;
        BoxedUpdatedAt = updatedAt;
        Today = DateOnly.FromDateTime(updatedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        Windows = windows ?? new Dictionary<string, RegistrationWindow>();
        this.hasher = hasher;
    }

    public IReadOnlySet<string> KnownOrganizations { get; }

    /// <summary>Registration windows of the registry's organizations (loaded for the kinds that check against them).</summary>
    public IReadOnlyDictionary<string, RegistrationWindow> Windows { get; }

    public DateTimeOffset UpdatedAt { get; }

    /// <summary>The run's date in China (UTC+8): ID numbers born later and issue years after it are refused.</summary>
    public DateOnly Today { get; }

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

/// <summary>One column of an import file: its name, the Chinese header names accepted for it, whether it may be omitted.</summary>
/// <param name="Name">The English header name (also the JSON field name).</param>
/// <param name="NameZh">The Chinese header name the template writes.</param>
/// <param name="Required">A required column must be in the header and non-empty on every row.</param>
/// <param name="Personal">The value is personal data: the rejects file shows it masked.</param>
/// <param name="Aliases">Other accepted header names.</param>
public sealed record ImportColumn(string Name, string NameZh, bool Required, bool Personal = false, params string[] Aliases);

/// <summary>One reason a row is rejected: the column (index in the kind's columns, -1 for the whole row), a stable code, a sentence in Chinese and English.</summary>
public readonly record struct RowError(int Column, string Code, string MessageZh, string MessageEn);

/// <summary>The errors of the row being converted (every one of them, not only the first). Reused row after row by one thread.</summary>
public sealed class RowErrors
{
    private readonly List<RowError> items = [];

    public int Count => items.Count;

    public IReadOnlyList<RowError> Items => items;

    public void Add(int column, string code, string zh, string en) => items.Add(new RowError(column, code, zh, en));

    public void Clear() => items.Clear();
}

/// <summary>
/// One importable file kind: its columns (the CSV header / JSON field names), the table it fills and the
/// conversion of one record into a row of that table. Rows are validated here; the database never sees a bad one.
/// Every error of a row is collected (see <see cref="RowErrors"/>), so one pass over a file lists everything to fix.
/// </summary>
public abstract class ImportKind
{
    private string[]? columnNames;

    public abstract string Name { get; }

    /// <summary>The kind's columns in table-conversion order.</summary>
    public abstract IReadOnlyList<ImportColumn> ColumnSpecs { get; }

    /// <summary>The English column names, in <see cref="ColumnSpecs"/> order.</summary>
    public IReadOnlyList<string> Columns => columnNames ??= ColumnSpecs.Select(c => c.Name).ToArray();

    public abstract TableSpec Table { get; }

    /// <summary>Whether the registry snapshot version is bumped when a batch changes rows.</summary>
    public virtual bool RegistryData => true;

    /// <summary>Whether the kind's rows must name an organization already in the registry.</summary>
    public virtual bool NeedsOrganizations => true;

    /// <summary>Whether the conversion checks dates against the organizations' registration windows.</summary>
    public virtual bool NeedsRegistrationWindows => false;

    /// <summary>One example row for the template (values by column name).</summary>
    public abstract IReadOnlyDictionary<string, string> Example { get; }

    /// <summary>
    /// The row's values in <see cref="TableSpec.Columns"/> order, and its key (for duplicate detection); or null
    /// (and the reasons in <paramref name="errors"/>, which the caller clears first) when the row is refused.
    /// </summary>
    public abstract (object?[]? Row, string? Key) Convert(string?[] fields, ImportContext context, RowErrors errors);

    public static readonly IReadOnlyList<ImportKind> All = [new OrganizationsKind(), new ScopesKind(), new StatusEventsKind(), new CertificatesKind()];

    public static ImportKind? Find(string name) => All.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>"issue_date（发证日期）": how sentences name a column.</summary>
    protected string Label(int index) => $"{ColumnSpecs[index].Name}（{ColumnSpecs[index].NameZh}）";

    protected string? Required(string?[] fields, int index, RowErrors errors, int maxLength = 400)
    {
        var value = fields[index]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(index, "field.required", $"{Label(index)}为空，该列必须填写。", $"{Label(index)} is empty; it must be filled in.");
            return null;
        }
        return Limit(value, index, maxLength, errors);
    }

    protected string? Optional(string?[] fields, int index, RowErrors errors, int maxLength = 400)
    {
        var value = fields[index]?.Trim();
        return string.IsNullOrEmpty(value) ? null : Limit(value, index, maxLength, errors);
    }

    protected DateOnly? Date(string?[] fields, int index, RowErrors errors) =>
        Required(fields, index, errors) is { } text ? ParseDate(text, index, errors) : null;

    protected DateOnly? OptionalDate(string?[] fields, int index, RowErrors errors) =>
        Optional(fields, index, errors) is { } text ? ParseDate(text, index, errors) : null;

    /// <summary>A date and its one boxed copy per distinct text (see <see cref="ValueCache"/>); null when empty or not a date.</summary>
    protected (DateOnly Date, object Boxed)? SharedDate(string? text, int index, ImportContext context, RowErrors errors)
    {
        if (text is null)
        {
            return null;
        }
        if (context.Values.TryGetDate(text, out var date, out var boxed))
        {
            return (date, boxed);
        }
        return ParseDate(text, index, errors) is { } parsed ? (parsed, context.Values.AddDate(text, parsed)) : null;
    }

    protected string? Organization(string?[] fields, int index, ImportContext context, RowErrors errors)
    {
        if (Required(fields, index, errors) is not { } text)
        {
            return null;
        }
        var (code, error) = CodeParser.ParseOrganizationCode(text);
        if (code is null)
        {
            errors.Add(index, "organization.malformed", $"{Label(index)}：{error!.MessageZh}", $"{Label(index)}: {error.MessageEn}");
            return null;
        }
        if (NeedsOrganizations && !context.KnownOrganizations.Contains(code))
        {
            errors.Add(index, "organization.unknown", $"机构 {code} 不在机构目录中：请先导入机构（organizations）。",
                $"Organization {code} is not in the registry; import organizations first.");
            return null;
        }
        return code;
    }

    /// <summary>A value given in Chinese or English, as its stored English word; null (and an error) when it is neither.</summary>
    protected string? Word(string? value, int index, WordTable words, RowErrors errors)
    {
        if (value is null)
        {
            return null;
        }
        if (words.Map.TryGetValue(value, out var word))
        {
            return word;
        }
        var allowed = words.Display;
        errors.Add(index, ColumnSpecs[index].Name + ".unknown", $"{Label(index)}“{value}”不是可用的值：{allowed}。",
            $"{Label(index)} '{value}' is not one of: {allowed}.");
        return null;
    }

    private string? Limit(string value, int index, int maxLength, RowErrors errors)
    {
        if (value.Length <= maxLength)
        {
            return value;
        }
        errors.Add(index, "field.too_long", $"{Label(index)}超过 {maxLength} 个字符。", $"{Label(index)} is longer than {maxLength} characters.");
        return null;
    }

    private DateOnly? ParseDate(string text, int index, RowErrors errors)
    {
        if (ImportValues.TryParseDate(text, out var date))
        {
            return date;
        }
        errors.Add(index, "field.date", $"{Label(index)}“{text}”不是日期：请写成 2023-03-01（也接受 2023/3/1、2023年3月1日和 Excel 日期）。",
            $"{Label(index)} '{text}' is not a date: write it as 2023-03-01 (2023/3/1, 2023年3月1日 and Excel dates are read too).");
        return null;
    }

    /// <summary>Word tables: every accepted spelling → the stored English word (which maps to itself).</summary>
    protected static WordTable Words(params (string Stored, string[] Spellings)[] words)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (stored, spellings) in words)
        {
            map[stored] = stored;
            foreach (var s in spellings)
            {
                map[s] = stored;
            }
        }
        return new WordTable(map, string.Join(", ", words.Select(w => $"{w.Stored}（{string.Join("/", w.Spellings)}）")));
    }

    /// <summary>Accepted spellings → stored word, and the list a sentence shows.</summary>
    protected sealed record WordTable(IReadOnlyDictionary<string, string> Map, string Display);
}

public sealed class OrganizationsKind : ImportKind
{
    private static readonly WordTable Types = Words(("Y", ["用人单位"]), ("S", ["社会培训评价组织", "社评组织"]));

    public override string Name => "organizations";

    public override IReadOnlyList<ImportColumn> ColumnSpecs { get; } =
    [
        new("code", "机构代码", true, false, "评价机构代码"),
        new("type", "机构类型", true, false, "类型"),
        new("name", "机构名称", true, false, "名称"),
        new("province", "省份代码", true, false, "省份"),
        new("parent_code", "上级机构代码", false),
        new("address", "地址", false),
        new("contact", "联系方式", false, false, "联系电话"),
        new("registered_from", "备案日期", true, false, "备案开始日期"),
        new("registered_to", "备案截止日期", false, false, "备案结束日期"),
    ];

    public override IReadOnlyDictionary<string, string> Example { get; } = new Dictionary<string, string>
    {
        ["code"] = "Y000044030006",
        ["type"] = "Y",
        ["name"] = "深圳市某某电子有限公司",
        ["province"] = "44",
        ["parent_code"] = "",
        ["address"] = "广东省深圳市南山区科技园",
        ["contact"] = "0755-12345678",
        ["registered_from"] = "2021-06-01",
        ["registered_to"] = "",
    };

    public override TableSpec Table => Tables.Organizations;

    public override bool NeedsOrganizations => false;

    public override (object?[]? Row, string? Key) Convert(string?[] fields, ImportContext context, RowErrors errors)
    {
        var code = Organization(fields, 0, context, errors);
        var type = Word(Required(fields, 1, errors, 20), 1, Types, errors);
        if (code is not null && type is not null && code[0] != type[0])
        {
            errors.Add(1, "organization.type_mismatch", $"机构类型 {type} 与机构代码首位 {code[0]} 不一致。", $"type {type} does not match the code's first character {code[0]}.");
        }
        var province = Required(fields, 3, errors, 2);
        if (province is not null && ReferenceData.FindProvince(province) is null)
        {
            errors.Add(3, "organization.province", $"省份代码“{province}”不在省份代码表中。", $"province '{province}' is not a known province code.");
        }
        string? parent = null;
        if (Optional(fields, 4, errors) is { } parentText)
        {
            parent = CodeParser.ParseOrganizationCode(parentText).Code;
            if (parent is null)
            {
                errors.Add(4, "organization.malformed", $"上级机构代码“{parentText}”不是机构代码。", $"parent_code '{parentText}' is not an organization code.");
            }
        }
        var name = Required(fields, 2, errors, 200);
        var address = Optional(fields, 5, errors);
        var contact = Optional(fields, 6, errors, 200);
        var from = Date(fields, 7, errors);
        var to = OptionalDate(fields, 8, errors);
        if (to < from)
        {
            errors.Add(8, "field.date_order", "备案截止日期早于备案日期。", "registered_to is before registered_from.");
        }
        return errors.Count > 0 ? (null, null) : ([code, type, name, province, parent, address, contact, from, to, context.UpdatedAt], code);
    }
}

public sealed class ScopesKind : ImportKind
{
    public override string Name => "scopes";

    public override IReadOnlyList<ImportColumn> ColumnSpecs { get; } =
    [
        new("organization_code", "机构代码", true),
        new("occupation_code", "职业编码", true, false, "职业代码"),
        new("occupation_name", "职业名称", true),
        new("work_type", "工种", false),
        new("levels", "等级", true, false, "可评价等级"),
        new("valid_from", "有效期起", true, false, "生效日期"),
        new("valid_to", "有效期止", false, false, "失效日期"),
    ];

    public override IReadOnlyDictionary<string, string> Example { get; } = new Dictionary<string, string>
    {
        ["organization_code"] = "Y000044030006",
        ["occupation_code"] = "6-25-04-08",
        ["occupation_name"] = "电子产品制版工",
        ["work_type"] = "",
        ["levels"] = "X54321",
        ["valid_from"] = "2021-06-01",
        ["valid_to"] = "",
    };

    public override TableSpec Table => Tables.Scopes;

    public override (object?[]? Row, string? Key) Convert(string?[] fields, ImportContext context, RowErrors errors)
    {
        var organization = Organization(fields, 0, context, errors);
        var occupation = Required(fields, 1, errors, 20);
        var levels = Required(fields, 4, errors, 8);
        if (levels is not null && (levels.Any(c => ReferenceData.FindLevel(c) is null) || levels.Distinct().Count() != levels.Length))
        {
            errors.Add(4, "scope.levels", $"等级“{levels}”必须是 X54321TS 中互不重复的字符。", $"levels '{levels}' must be distinct level characters of X54321TS.");
        }
        var workType = Optional(fields, 3, errors, 100) ?? "";
        var name = Required(fields, 2, errors, 100);
        var from = Date(fields, 5, errors);
        var to = OptionalDate(fields, 6, errors);
        if (to < from)
        {
            errors.Add(6, "field.date_order", "有效期止早于有效期起。", "valid_to is before valid_from.");
        }
        return errors.Count > 0
            ? (null, null)
            : ([organization, occupation, workType, from, name, levels, to], $"{organization}|{occupation}|{workType}|{from:yyyy-MM-dd}");
    }
}

public sealed class StatusEventsKind : ImportKind
{
    private static readonly WordTable Statuses = Words(
        (OrganizationStatus.Registered, ["备案", "已备案"]), (OrganizationStatus.Suspended, ["暂停"]),
        (OrganizationStatus.Revoked, ["撤销", "已撤销"]), (OrganizationStatus.Withdrawn, ["退出", "已退出"]));

    public override string Name => "status-events";

    public override IReadOnlyList<ImportColumn> ColumnSpecs { get; } =
    [
        new("organization_code", "机构代码", true),
        new("effective_date", "生效日期", true),
        new("status", "状态", true),
        new("reason", "原因", false, false, "事由"),
    ];

    public override IReadOnlyDictionary<string, string> Example { get; } = new Dictionary<string, string>
    {
        ["organization_code"] = "Y000044030006",
        ["effective_date"] = "2024-03-01",
        ["status"] = "suspended",
        ["reason"] = "评价质量抽查不合格，暂停整改",
    };

    public override TableSpec Table => Tables.StatusEvents;

    public override bool NeedsRegistrationWindows => true;

    public override (object?[]? Row, string? Key) Convert(string?[] fields, ImportContext context, RowErrors errors)
    {
        var organization = Organization(fields, 0, context, errors);
        var date = Date(fields, 1, errors);
        var status = Word(Required(fields, 2, errors, 20), 2, Statuses, errors);
        var reason = Optional(fields, 3, errors);
        // The registration window and the status history must not contradict each other (domain.md §3).
        if (organization is not null && date is { } d && status is not null && context.Windows.TryGetValue(organization, out var window))
        {
            if (d < window.From)
            {
                errors.Add(1, "status.before_registration", $"生效日期 {d:yyyy-MM-dd} 早于该机构的备案日期 {window.From:yyyy-MM-dd}。",
                    $"effective_date {d:yyyy-MM-dd} is before the organization's registration began ({window.From:yyyy-MM-dd}).");
            }
            else if (status == OrganizationStatus.Registered && window.To is { } to && d >= to)
            {
                errors.Add(1, "status.after_registration", $"“备案”状态的生效日期 {d:yyyy-MM-dd} 不在备案期内（截止 {to:yyyy-MM-dd}）。",
                    $"a 'registered' event on {d:yyyy-MM-dd} falls after the registration window ended ({to:yyyy-MM-dd}).");
            }
        }
        return errors.Count > 0 ? (null, null) : ([organization, date, status, reason], $"{organization}|{date:yyyy-MM-dd}|{status}");
    }
}

public sealed class CertificatesKind : ImportKind
{
    private static readonly WordTable Statuses = Words(
        (CertificateStatus.Active, ["有效", "正常"]), (CertificateStatus.Revoked, ["撤销", "已撤销"]));

    private static readonly WordTable ReviewStates = Words(
        (ReviewState.NotRequired, ["无需复核", "不需复核"]), (ReviewState.Pending, ["待复核", "待复核确认"]), (ReviewState.Confirmed, ["已复核", "已确认", "复核确认"]),
        (ReviewState.Refused, ["复核未通过", "未通过"]));

    private static readonly HashSet<string> Obtained = new(ObtainedBy.All, StringComparer.Ordinal);

    public const int CodeColumn = 0, HolderNameColumn = 5, IdNumberColumn = 6;

    public override string Name => "certificates";

    public override IReadOnlyList<ImportColumn> ColumnSpecs { get; } =
    [
        new("code", "证书编号", true),
        new("issue_date", "发证日期", true),
        new("occupation_code", "职业编码", true, false, "职业代码"),
        new("occupation_name", "职业名称", true),
        new("work_type", "工种", false),
        new("holder_name", "姓名", true, true, "持证人姓名", "持证人"),
        new("id_number", "身份证号", false, true, "身份证号码", "证件号码", "公民身份号码"),
        new("obtained_by", "取得方式", true, false, "获取方式", "评价方式"),
        new("status", "证书状态", false, false, "状态"),
        new("revoked_on", "撤销日期", false),
        new("revocation_reason", "撤销原因", false),
        new("term_from", "聘期起始", false, false, "聘期开始"),
        new("term_to", "聘期截止", false, false, "聘期结束"),
        new("review_state", "复核状态", false),
    ];

    public override IReadOnlyDictionary<string, string> Example { get; } = new Dictionary<string, string>
    {
        ["code"] = "Y000044030006233000015",
        ["issue_date"] = "2023-03-01",
        ["occupation_code"] = "6-25-04-08",
        ["occupation_name"] = "电子产品制版工",
        ["work_type"] = "",
        ["holder_name"] = "张三",
        ["id_number"] = "11010519491231002X",
        ["obtained_by"] = "考核",
        ["status"] = "active",
        ["revoked_on"] = "",
        ["revocation_reason"] = "",
        ["term_from"] = "",
        ["term_to"] = "",
        ["review_state"] = "not_required",
    };

    public override TableSpec Table => Tables.Certificates;

    public override bool RegistryData => false;

    public override (object?[]? Row, string? Key) Convert(string?[] fields, ImportContext context, RowErrors errors)
    {
        var values = context.Values;
        CertificateCode? code = null;
        string? issuer = null;
        if (Required(fields, 0, errors) is { } codeText)
        {
            var parsed = CodeParser.Parse(codeText);
            code = parsed.Code;
            if (code is null)
            {
                errors.Add(0, "code.malformed", parsed.Error is { } e ? $"证书编号：{e.MessageZh}" : "证书编号是旧的职业资格证书编号，不是 22 位职业技能等级证书编号。",
                    parsed.Error is { } e2 ? $"code: {e2.MessageEn}" : "code: a legacy qualification code, not a 22-character skill-level code.");
            }
            else
            {
                var c = code.Value;
                foreach (var violation in CodeRules.Check(c, CodeRuleSettings.Default, context.Today.Year))
                {
                    errors.Add(0, "code." + violation.Code, violation.MessageZh, violation.MessageEn);
                }
                if (!context.TryGetOrganization(c.Value.AsSpan(0, CertificateCode.OrganizationCodeLength), out issuer))
                {
                    errors.Add(0, "issuer.unknown", $"发证机构 {c.OrganizationCode} 不在机构目录中：请先导入机构（organizations）。",
                        $"Issuer {c.OrganizationCode} is not in the registry; import organizations first.");
                }
            }
        }
        var issued = SharedDate(Required(fields, 1, errors), 1, context, errors);
        if (issued is { } i && code is { } withYear)
        {
            if (i.Date.Year != withYear.IssueYear)
            {
                errors.Add(1, "issue_date.year", $"发证日期 {i.Date:yyyy-MM-dd} 不在证书编号所示的 {withYear.IssueYear} 年。",
                    $"issue_date {i.Date:yyyy-MM-dd} is not in the code's year {withYear.IssueYear}.");
            }
            if (i.Date > context.Today)
            {
                errors.Add(1, "issue_date.future", $"发证日期 {i.Date:yyyy-MM-dd} 在今天（北京时间 {context.Today:yyyy-MM-dd}）之后。",
                    $"issue_date {i.Date:yyyy-MM-dd} is after today ({context.Today:yyyy-MM-dd}, Beijing time).");
            }
            else if (CodeRuleSettings.Default.FirstDateOf(withYear.Level) is { } first && i.Date < first)
            {
                errors.Add(1, "issue_date.level_too_early", $"{withYear.Level.Name}（{withYear.LevelCode}）自 {first:yyyy-MM-dd} 起才设立，发证日期 {i.Date:yyyy-MM-dd} 早于此。",
                    $"The level {withYear.Level.NameEn} ({withYear.LevelCode}) exists only since {first:yyyy-MM-dd}; issue_date {i.Date:yyyy-MM-dd} is before that.");
            }
        }
        var occupationCode = Required(fields, 2, errors, 20);
        var occupationName = Required(fields, 3, errors, 100);
        var workType = Optional(fields, 4, errors, 100);
        // Normalized once here for the check, the hash and the mask.
        string? normalizedName = null;
        if (Required(fields, HolderNameColumn, errors, HolderNormalization.MaxNameLength) is { } name)
        {
            normalizedName = HolderNormalization.NormalizeName(name);
            if (normalizedName.Length == 0)
            {
                errors.Add(HolderNameColumn, "field.required", "姓名（holder_name）为空。", "holder_name is empty.");
            }
        }
        var normalizedId = Optional(fields, IdNumberColumn, errors, HolderNormalization.MaxIdNumberLength) is { } id ? IdNumbers.Check(id, context.Today, IdNumberColumn, errors) : null;
        var obtainedBy = Required(fields, 7, errors, 20);
        if (obtainedBy is not null && !Obtained.Contains(obtainedBy))
        {
            errors.Add(7, "obtained_by.unknown", $"取得方式“{obtainedBy}”不是以下之一：{string.Join("、", ObtainedBy.All)}。",
                $"obtained_by '{obtainedBy}' is not one of: {string.Join(", ", ObtainedBy.All)}.");
        }
        else if (obtainedBy is not null && code is { } forLevel && !forLevel.Level.MayBeObtainedBy(obtainedBy))
        {
            // The domain's rule (levels.json): X by 转正定级考核, T/S by 评聘 or 复核确认, 5–1 by 考核, 以赛代评 or 直接认定.
            errors.Add(7, "obtained_by.level", $"{forLevel.Level.Name}（{forLevel.LevelCode}）不能通过“{obtainedBy}”取得，只能通过：{string.Join("、", forLevel.Level.ObtainedByAllowed)}。",
                $"{forLevel.Level.NameEn} ({forLevel.LevelCode}) cannot be obtained by '{obtainedBy}'; only by: {string.Join(", ", forLevel.Level.ObtainedByAllowed)}.");
        }
        var status = Word(Optional(fields, 8, errors, 10), 8, Statuses, errors) ?? (fields[8] is null || fields[8]!.Trim().Length == 0 ? CertificateStatus.Active : null);
        var revokedOn = SharedDate(Optional(fields, 9, errors), 9, context, errors);
        var reason = Optional(fields, 10, errors);
        if (status == CertificateStatus.Revoked && revokedOn is null && !HasError(errors, 9))
        {
            errors.Add(9, "revoked_on.required", "证书状态为“撤销”（revoked）时必须填写撤销日期。", "A revoked certificate needs its revocation date (revoked_on).");
        }
        else if (status == CertificateStatus.Active && revokedOn is not null)
        {
            errors.Add(9, "revoked_on.not_revoked", "证书状态为“有效”（active），却填写了撤销日期：请核对状态或删除撤销日期。",
                "revoked_on is filled in but the status is active: check the status or clear the date.");
        }
        else if (revokedOn is { } r && issued is { } iss && r.Date < iss.Date)
        {
            errors.Add(9, "revoked_on.before_issue", $"撤销日期 {r.Date:yyyy-MM-dd} 早于发证日期 {iss.Date:yyyy-MM-dd}。",
                $"revoked_on {r.Date:yyyy-MM-dd} is before the issue date {iss.Date:yyyy-MM-dd}.");
        }
        var termFrom = SharedDate(Optional(fields, 11, errors), 11, context, errors);
        var termTo = SharedDate(Optional(fields, 12, errors), 12, context, errors);
        if (termFrom is { } tf && termTo is { } tt && tt.Date < tf.Date)
        {
            errors.Add(12, "field.date_order", "聘期截止早于聘期起始。", "term_to is before term_from.");
        }
        var review = Word(Optional(fields, 13, errors, 20), 13, ReviewStates, errors) ?? (fields[13] is null || fields[13]!.Trim().Length == 0 ? ReviewState.NotRequired : null);
        if (review is not null && code is { } reviewed && !ReviewState.AppliesTo(review, reviewed.Level))
        {
            // The domain's rule: 复核确认 concerns only the titles above 高级技师 (T/S).
            errors.Add(13, "review_state.level", $"复核状态“{review}”只适用于特级技师（T）和首席技师（S），{reviewed.Level.Name}（{reviewed.LevelCode}）应为 not_required 或留空。",
                $"review_state '{review}' applies only to T and S titles; {reviewed.Level.NameEn} ({reviewed.LevelCode}) must be not_required or empty.");
        }
        if (errors.Count > 0)
        {
            return (null, null);
        }
        var hasher = context.Hasher;
        var certificate = code!.Value;
        // The plaintext name and ID number stop here: only keyed hashes and masked forms go on.
        // Repeated values (occupation, status, dates…) are shared instances: see ValueCache.
        return ([
            certificate.Value, issuer, values.Intern(LevelText(certificate.LevelCode)), issued!.Value.Boxed, values.Intern(occupationCode!), values.Intern(occupationName!),
            values.InternOptional(workType),
            hasher.HashNormalizedName(normalizedName!), values.Intern(HolderNormalization.MaskNormalizedName(normalizedName!)),
            normalizedId is null ? null : hasher.HashNormalizedIdNumber(normalizedId), normalizedId is null ? null : HolderNormalization.MaskNormalizedIdNumber(normalizedId),
            values.Intern(obtainedBy!), values.Intern(status!), revokedOn?.Boxed, values.InternOptional(reason),
            termFrom?.Boxed, termTo?.Boxed, values.Intern(review!),
            context.BoxedUpdatedAt,
        ], certificate.Value);
    }

    private static bool HasError(RowErrors errors, int column)
    {
        foreach (var e in errors.Items)
        {
            if (e.Column == column)
            {
                return true;
            }
        }
        return false;
    }

    private static string LevelText(char level) => level.ToString();
}

/// <summary>Values as spreadsheets write them: dates in several spellings and Excel's serial numbers.</summary>
public static class ImportValues
{
    private static readonly string[] DateFormats =
    [
        "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日",
        "yyyy/M/d H:mm", "yyyy/M/d H:mm:ss", "yyyy-M-d H:mm", "yyyy-M-d H:mm:ss", "yyyy-M-dTH:mm:ss",
    ];

    /// <summary>
    /// 2023-03-01, 2023/3/1, 2023.3.1, 20230301, 2023年3月1日 (with a time of day Excel may add, e.g. 2023/3/1 0:00),
    /// or an Excel serial day number (1900 date system: 44986 is 2023-03-01) from 1950 to 2099.
    /// </summary>
    public static bool TryParseDate(string text, out DateOnly date)
    {
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
        {
            date = DateOnly.FromDateTime(dt);
            return true;
        }
        if (text.Length is >= 5 and <= 12 && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial)
            && serial is >= 18264 and < 73051) // 1950-01-01 .. 2100-01-01
        {
            date = ExcelEpoch.AddDays((int)Math.Floor(serial));
            return true;
        }
        date = default;
        return false;
    }

    /// <summary>Day 0 of Excel's 1900 date system as it counts (it takes 1900 for a leap year, so serials from March 1900 on are right from here).</summary>
    public static readonly DateOnly ExcelEpoch = new(1899, 12, 30);
}
