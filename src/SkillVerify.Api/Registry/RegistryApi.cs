using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SkillVerify.Api.Caching;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Verification;
using SkillVerify.Data;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Registry;

/// <summary>The public registry of assessment organizations (评价机构目录) and the level reference table.</summary>
public static class RegistryApi
{
    public const int MaxPageSize = 100;
    public const int MaxPage = 10_000;

    private static readonly IReadOnlyList<LevelDto> Levels = ReferenceData.Levels
        .Select(l => new LevelDto(l.Order, l.Code, l.Name, l.NameEn, l.Grade, l.IssuedBy, l.IssuedByEn,
            l.Issuers.Select(c => c.ToString()).ToList(), l.ObtainedBy, l.Appointment, l.Since, l.SinceDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), l.ObtainedByAllowed, l.Requirement))
        .ToList();

    /// <summary>The registry answers' JSON contracts.</summary>
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, RegistryJson.Default));
        return builder;
    }

    public static RouteGroupBuilder MapRegistry(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Registry").RequireRateLimiting(ApiRateLimitPolicy.Name);

        group.MapGet("/organizations/{organizationCode}", GetOrganization)
            .WithName("GetOrganization")
            .WithSummary("查询评价机构 · Look up an organization")
            .WithDescription("评价机构目录中的一条（证书编号第1–13位）：类型、名称、省份、上级、地址、备案期、当前状态、状态历史、范围（职业×工种×等级及有效期）、别名和质量监督结果。\n\n" +
                "A registry entry (positions 1–13 of a code): type, name, province, parent, address, registration window, current status, dated status history, scope (occupation × work type × levels with validity), aliases and quality-supervision results.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .CacheOutput(OutputCachePolicies.Registry);

        group.MapGet("/organizations", SearchOrganizations)
            .WithName("SearchOrganizations")
            .WithSummary("搜索评价机构目录 · Search the registry")
            .WithDescription("按省份、类型、名称或代码前缀、职业搜索，分页。参数不对时为 400 问题，指出哪个参数。\n\n" +
                "Search by province, type, name or code prefix, and occupation; paged. A bad parameter is a 400 problem naming it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .CacheOutput(OutputCachePolicies.Registry);

        group.MapGet("/levels", () => TypedResults.Ok(Levels))
            .WithName("GetLevels")
            .WithSummary("八个等级 · The eight levels")
            .WithDescription("八个技能等级及其要求（人社部发〔2022〕14号附件）、可由谁发、自哪年起。\n\n" +
                "The eight skill levels with their requirement text (附件 of 人社部发〔2022〕14号), who may issue them and since when.")
            .CacheOutput(OutputCachePolicies.Static);

        return group;
    }

    private static async Task<Results<Ok<OrganizationDto>, ProblemHttpResult>> GetOrganization(string organizationCode, RecordCache records, CodeDecoder decoder, CancellationToken cancellationToken)
    {
        var (code, error) = CodeParser.ParseOrganizationCode(organizationCode);
        if (error is not null)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The organization code is not valid.", error.Code, error.MessageZh, error.MessageEn, error.Position);
        }
        var organization = await records.GetOrganizationAsync(code!, cancellationToken);
        if (organization.Value is not { } o)
        {
            return Problems.NotFound("organization.not_found", $"评价机构目录中没有机构代码为 {code} 的机构。", $"No body with organization code {code} is on the registry.");
        }
        return TypedResults.Ok(ToDto(o, decoder.Today));
    }

    private static async Task<Results<Ok<OrganizationSearchResponse>, ProblemHttpResult>> SearchOrganizations(
        string? province, string? type, string? q, string? occupation, string? page, string? pageSize, ISkillVerifyStore store, CancellationToken cancellationToken)
    {
        if (province is not null && ReferenceData.FindProvince(province) is null)
        {
            return Problems.BadRequest("query.province", $"参数 province 应为两位省份代码（如 44），实际为“{Truncate(province)}”。", $"The province parameter must be a two-digit province code such as 44, not '{Truncate(province)}'.");
        }
        char? typeChar = null;
        if (type is not null)
        {
            if (type.Trim().ToUpperInvariant() is not ("Y" or "S"))
            {
                return Problems.BadRequest("query.type", "参数 type 应为 Y（用人单位）或 S（社会培训评价组织）。", "The type parameter must be Y (employer) or S (social training and assessment organization).");
            }
            typeChar = type.Trim().ToUpperInvariant()[0];
        }
        if (q is { Length: > 50 })
        {
            return Problems.BadRequest("query.q", "参数 q 最多50个字符。", "The q parameter is limited to 50 characters.");
        }
        if (occupation is not null && !IsOccupationCode(occupation))
        {
            return Problems.BadRequest("query.occupation", "参数 occupation 应为职业编码，如 4-04-05-01。", "The occupation parameter must be an occupation code such as 4-04-05-01.");
        }
        if (!TryParseBounded(page, 1, 1, MaxPage, out var pageNumber))
        {
            return Problems.BadRequest("query.page", $"参数 page 应为1到{MaxPage}之间的整数。", $"The page parameter must be a whole number from 1 to {MaxPage}.");
        }
        if (!TryParseBounded(pageSize, 20, 1, MaxPageSize, out var size))
        {
            return Problems.BadRequest("query.page_size", $"参数 pageSize 应为1到{MaxPageSize}之间的整数。", $"The pageSize parameter must be a whole number from 1 to {MaxPageSize}.");
        }
        var result = await store.SearchOrganizationsAsync(new OrganizationQuery(province, typeChar, q, occupation, pageNumber, size), cancellationToken);
        var items = result.Items.Select(o =>
        {
            var p = ReferenceData.FindProvince(o.Province);
            return new OrganizationSummaryDto(o.Code, TypeValue(o.Type), o.Name, new NamedValue(o.Province, p?.Name, p?.NameEn), o.ParentCode,
                new RegistrationDto(Iso(o.RegisteredFrom), o.RegisteredTo is { } to ? Iso(to) : null), "/api/v1/organizations/" + o.Code);
        }).ToList();
        return TypedResults.Ok(new OrganizationSearchResponse(items, result.Page, result.PageSize, result.Total));
    }

    internal static OrganizationDto ToDto(OrganizationRecord o, DateOnly today)
    {
        var province = ReferenceData.FindProvince(o.Province);
        return new OrganizationDto(
            o.Code,
            TypeValue(o.Type),
            o.Name,
            new NamedValue(o.Province, province?.Name, province?.NameEn),
            o.ParentCode,
            o.Address,
            o.Contact,
            new RegistrationDto(Iso(o.RegisteredFrom), o.RegisteredTo is { } to ? Iso(to) : null),
            o.CurrentStatus(today),
            o.StatusHistory.Select(e => new StatusEventDto(e.Status, Iso(e.EffectiveDate), e.Reason, e.Seq,
                e.Retraction is { } r ? new RetractionDto(r.Reason, r.RecordedAt) : null)).ToList(),
            o.Scope.Select(s => new ScopeDto(s.OccupationCode, s.OccupationName, s.WorkType,
                s.Levels.Select(c => ReferenceData.FindLevel(c)).OfType<Level>().Select(l => new LevelRef(l.Code, l.Name, l.NameEn)).ToList(),
                Iso(s.ValidFrom), s.ValidTo is { } v ? Iso(v) : null)).ToList(),
            o.Aliases.Select(a => new AliasDto(a.Alias, ReferenceData.FindLevel(a.LevelCode) is { } l ? new LevelRef(l.Code, l.Name, l.NameEn) : new LevelRef(a.LevelCode.ToString(), "", ""))).ToList(),
            o.QualityResults.Select(r => new QualityResultDto(Iso(r.PublishedOn), r.Result, r.Note)).ToList(),
            o.UpdatedAt);
    }

    private static NamedValue TypeValue(char type) =>
        new(type.ToString(), Verifier.BodyTypeZh(type), type == 'Y' ? "Employer" : "Social training and assessment organization");

    private static bool TryParseBounded(string? text, int fallback, int min, int max, out int value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static bool IsOccupationCode(string s) =>
        s.Length == 10 && s[1] == '-' && s[4] == '-' && s[7] == '-'
        && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[2]) && char.IsAsciiDigit(s[3]) && char.IsAsciiDigit(s[5])
        && char.IsAsciiDigit(s[6]) && char.IsAsciiDigit(s[8]) && char.IsAsciiDigit(s[9]);

    private static string Truncate(string s) => s.Length > 20 ? s[..20] + "…" : s;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
