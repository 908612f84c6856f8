using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Primitives;
using SkillVerify.Api.Infrastructure;
using SkillVerify.Api.Observability;
using SkillVerify.Api.Qr;
using SkillVerify.Api.RateLimiting;
using SkillVerify.Api.Registry;
using SkillVerify.Api.Verification;
using SkillVerify.Data;
using SkillVerify.Domain.Codes;
using SkillVerify.Domain.Privacy;
using SkillVerify.Domain.Reference;
using SkillVerify.Domain.Verification;

namespace SkillVerify.Api.Pages;

/// <summary>
/// The pages for people (docs/pages.md): Razor components rendered on the server (static, no interactivity, no
/// script), one layout, Chinese first. Forms are POSTed so names never sit in URLs; every page is no-store.
/// </summary>
public static partial class PagesExtensions
{
    private const int MaxFormBytes = 4 * 1024;
    private const int MaxReceiptFormBytes = 96 * 1024;
    private const string HtmlType = "text/html; charset=utf-8";

    /// <summary>The pages load this origin's stylesheet and data: images (the receipt QR), nothing else; no script at all.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly byte[] Css = LoadCss();

    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        // Chinese stays readable in the markup (and a third the size); < > & " ' are still encoded.
        builder.Services.Replace(ServiceDescriptor.Singleton<HtmlEncoder>(HtmlEncoder.Create(UnicodeRanges.All)));
        builder.Services.AddSingleton<ReportReceipts>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/", (HttpContext context) => Page<HomePage>(context, new { Ui = Ui.ForGet(context) }));
        pages.MapPost("/check", CheckAsync);
        pages.MapGet("/v/{code}", ShowQrAsync);
        pages.MapPost("/v/{code}", VerifyByNameAsync);
        pages.MapGet("/organizations", SearchOrganizationsAsync);
        pages.MapGet("/organizations/{organizationCode}", OrganizationAsync);
        pages.MapPost("/report", (HttpContext c, VerificationService v, QrTokens t, QrLinks l, ReportReceipts r, HolderBindingBudget g, CodeDecoder d, TimeProvider time, CancellationToken ct) =>
            ReportAsync(c, v, t, l, r, g, d, time, pdf: false, ct));
        pages.MapPost("/report.pdf", (HttpContext c, VerificationService v, QrTokens t, QrLinks l, ReportReceipts r, HolderBindingBudget g, CodeDecoder d, TimeProvider time, CancellationToken ct) =>
            ReportAsync(c, v, t, l, r, g, d, time, pdf: true, ct));
        pages.MapGet("/receipts", (HttpContext context, string? r, ReportReceipts receipts) =>
            Page<ReceiptPage>(context, new { Ui = Ui.ForGet(context, "/receipts"), Check = r is null ? null : receipts.Check(r), Pasted = r }));
        pages.MapPost("/receipts", PasteReceiptAsync);
        pages.MapGet("/spreadsheet", (HttpContext context) => Page<SpreadsheetPage>(context, new { Ui = Ui.ForGet(context) }));
        pages.MapPost("/spreadsheet", SpreadsheetAsync);
        pages.MapPost("/spreadsheet/results.xlsx", (HttpContext c, ReportReceipts r, CancellationToken ct) => ResultsFileAsync(c, r, xlsx: true, ct));
        pages.MapPost("/spreadsheet/results.csv", (HttpContext c, ReportReceipts r, CancellationToken ct) => ResultsFileAsync(c, r, xlsx: false, ct));
        pages.MapGet("/assets/site.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Bytes(Css, "text/css; charset=utf-8");
        });

        app.MapPost("/api/v1/receipts/check", CheckReceiptApiAsync)
            .WithTags("Receipts")
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .WithName("CheckReceipt")
            .WithSummary("核对签名回执 · Check a signed receipt")
            .WithDescription("本服务签发的回执（核验报告、表格核验或合作方批量核验的回执）是否真实、未被改动。\n\nWhether a signed receipt of this service (a verification report's, a spreadsheet check's, or a partner batch's) is genuine and unchanged.")
            .Accepts<ReceiptCheckRequest>("application/json")
            .Produces<ReceiptCheckResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    // ---------------- verify ----------------

    private static async Task<IResult> CheckAsync(HttpContext context, VerificationService verification, HolderBindingBudget budget, CodeDecoder decoder, CancellationToken ct)
    {
        var (form, refused) = await ReadFormAsync(context, MaxFormBytes, ct);
        if (refused is not null)
        {
            return refused;
        }
        var lang = form!.GetValueOrDefault("lang").ToString();
        var code = form!.GetValueOrDefault("code").ToString().Trim();
        var name = form!.GetValueOrDefault("name").ToString().Trim();
        var ui = Ui.ForPost(context, lang, "/");
        string? codeError = code.Length == 0 ? ui.T("请输入证书编号。", "Enter the certificate code.")
            : code.Length > CodeParser.MaxInputLength ? ui.T($"证书编号最多{CodeParser.MaxInputLength}个字符。", $"The code is at most {CodeParser.MaxInputLength} characters.") : null;
        string? nameError = name.Length == 0 ? ui.T("请输入持证人姓名。", "Enter the holder's name.")
            : name.Length > HolderNormalization.MaxNameLength ? ui.T($"姓名最多{HolderNormalization.MaxNameLength}个字符。", $"The name is at most {HolderNormalization.MaxNameLength} characters.") : null;
        if (codeError is not null || nameError is not null)
        {
            return Page<HomePage>(context, new { Ui = ui, Code = code, Name = name, CodeError = codeError, NameError = nameError }, StatusCodes.Status400BadRequest);
        }
        var canonical = CodeParser.Parse(code).Canonical;
        // A name tested against a code spends from the caller's holder-check budget, as on every channel.
        var decision = canonical is null ? null : await budget.TryTakeAsync(context, VerificationChannels.WebForm, canonical, HolderProof.Details, 1, ct);
        if (decision is { Allowed: false })
        {
            return Refused(context, ui, decision);
        }
        var answer = await verification.VerifyAsync(code, name, null, Disclosure.Anonymous, ct);
        await ReportAsync(context, budget, decision, answer, ct);
        return Result(context, ui, answer, canonical ?? code, decoder, name: name, token: null);
    }

    private static async Task<IResult> ShowQrAsync(string code, string? t, HttpContext context, VerificationService verification, QrTokens tokens, HolderBindingBudget budget,
        CodeDecoder decoder, CancellationToken ct)
    {
        var ui = Ui.ForGet(context);
        var parse = CodeParser.Parse(code);
        if (!parse.Success)
        {
            // A code that does not parse reveals nothing about any record: say what is wrong with it.
            var invalid = await verification.VerifyAsync(code, null, null, Disclosure.Anonymous, ct);
            return Result(context, ui, invalid, code, decoder, name: null, token: null);
        }
        var canonical = parse.Canonical!;
        var token = parse.Code is not null ? tokens.Check(canonical, t) : TokenState.Missing;
        // A token tested against a code spends from the holder-check budget too (not bound per certificate).
        if (token != TokenState.Missing && await budget.TryTakeAsync(context, VerificationChannels.MobilePage, canonical, HolderProof.Token, 1, ct) is { Allowed: false } refused)
        {
            return Refused(context, ui, refused);
        }
        if (token == TokenState.Valid)
        {
            var answer = await verification.VerifyAsync(canonical, null, null, Disclosure.Authorized, ct);
            context.RequestServices.GetRequiredService<VerificationMetrics>().Record(VerificationChannels.MobilePage, "token", answer.Outcome, canonical);
            return Result(context, ui, answer, canonical, decoder, name: null, token: t, tokenOnly: true);
        }
        return Page<NameFormPage>(context, new { Ui = ui, Code = canonical, TokenInvalid = token == TokenState.Invalid });
    }

    private static async Task<IResult> VerifyByNameAsync(string code, HttpContext context, VerificationService verification, HolderBindingBudget budget, CodeDecoder decoder, CancellationToken ct)
    {
        var (form, refused) = await ReadFormAsync(context, MaxFormBytes, ct);
        if (refused is not null)
        {
            return refused;
        }
        var ui = Ui.ForPost(context, form!.GetValueOrDefault("lang"), "/v/" + Uri.EscapeDataString(code));
        var name = form!.GetValueOrDefault("name").ToString().Trim();
        var parse = CodeParser.Parse(code);
        var canonical = parse.Canonical ?? code;
        var nameOk = name.Length is > 0 and <= HolderNormalization.MaxNameLength;
        if (parse.Success && !nameOk)
        {
            return Page<NameFormPage>(context, new { Ui = ui, Code = canonical, NameMissing = true });
        }
        var decision = parse.Success ? await budget.TryTakeAsync(context, VerificationChannels.MobilePage, canonical, HolderProof.Details, 1, ct) : null;
        if (decision is { Allowed: false })
        {
            return Refused(context, ui, decision);
        }
        // A code that does not parse is answered with its format error, whatever the name.
        var answer = await verification.VerifyAsync(code, nameOk ? name : null, null, Disclosure.Anonymous, ct);
        await ReportAsync(context, budget, decision, answer, ct);
        return Result(context, ui, answer, canonical, decoder, name: nameOk ? name : null, token: null);
    }

    private static RazorComponentResult<ResultPage> Result(HttpContext context, Ui ui, VerificationResponse answer, string code, CodeDecoder decoder, string? name, string? token, bool tokenOnly = false) =>
        Page<ResultPage>(context, new
        {
            Ui = ui,
            Answer = answer,
            Code = code,
            TokenOnly = tokenOnly,
            Name = name,
            Token = token,
            Standing = answer.Certificate is { } c ? CertificateStanding.Of(c, decoder.Today) : null,
        });

    // ---------------- organizations ----------------

    private static async Task<IResult> SearchOrganizationsAsync(HttpContext context, string? province, string? type, string? occupation, string? q, string? page,
        ISkillVerifyStore store, CancellationToken ct)
    {
        var ui = Ui.ForGet(context);
        province = Blank(province);
        type = Blank(type)?.ToUpperInvariant();
        occupation = Blank(occupation);
        q = Blank(q);
        string? error = null;
        if (province is not null && ReferenceData.FindProvince(province) is null)
        {
            error = ui.T("请选择列表中的省份。", "Choose a province from the list.");
        }
        else if (type is not null and not ("Y" or "S"))
        {
            error = ui.T("机构类型应为用人单位或社会培训评价组织。", "The type must be employer or social training and assessment organization.");
        }
        else if (occupation is not null && !IsOccupationCode(occupation))
        {
            error = ui.T("职业编码应形如 6-31-01-03。", "The occupation code must look like 6-31-01-03.");
        }
        else if (q is { Length: > 50 })
        {
            error = ui.T("名称最多50个字符。", "The name is at most 50 characters.");
        }
        var pageNumber = int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= RegistryApi.MaxPage ? p : 1;
        SkillVerify.Data.OrganizationPage? result = null;
        if (error is null)
        {
            result = await store.SearchOrganizationsAsync(new OrganizationQuery(province, type?[0], q, occupation, pageNumber, 20), ct);
        }
        return Page<OrganizationSearchPage>(context, new { Ui = ui, Province = province, Type = type, Occupation = occupation, Q = q, Error = error, Result = result },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> OrganizationAsync(string organizationCode, HttpContext context, RecordCache records, CodeDecoder decoder, CancellationToken ct)
    {
        var ui = Ui.ForGet(context);
        var (code, error) = CodeParser.ParseOrganizationCode(organizationCode);
        if (error is not null)
        {
            return Page<MessagePage>(context, new { Ui = ui, Heading = ui.T("机构代码无效", "Not a valid organization code"), Message = ui.En ? error.MessageEn : error.MessageZh, BackHref = ui.Href("/organizations") },
                StatusCodes.Status400BadRequest);
        }
        var organization = await records.GetOrganizationAsync(code!, ct);
        if (organization.Value is not { } o)
        {
            return Page<MessagePage>(context, new
            {
                Ui = ui,
                Heading = ui.T("评价机构目录中没有此机构", "Not on the registry"),
                Message = ui.T($"评价机构目录中没有机构代码为 {code} 的机构。", $"No body with organization code {code} is on the registry."),
                BackHref = ui.Href("/organizations"),
            }, StatusCodes.Status404NotFound);
        }
        return Page<OrganizationEntryPage>(context, new { Ui = ui, Org = RegistryApi.ToDto(o, decoder.Today) });
    }

    // ---------------- report and receipts ----------------

    private static async Task<IResult> ReportAsync(HttpContext context, VerificationService verification, QrTokens tokens, QrLinks links, ReportReceipts receipts,
        HolderBindingBudget budget, CodeDecoder decoder, TimeProvider time, bool pdf, CancellationToken ct)
    {
        var (form, refused) = await ReadFormAsync(context, MaxFormBytes, ct);
        if (refused is not null)
        {
            return refused;
        }
        var ui = Ui.ForPost(context, form!.GetValueOrDefault("lang"), "/");
        var code = form!.GetValueOrDefault("code").ToString().Trim();
        var name = form!.GetValueOrDefault("name").ToString().Trim();
        var t = form!.GetValueOrDefault("t").ToString();
        var parse = CodeParser.Parse(code);
        var tokenValid = parse.Code is not null && t.Length > 0 && tokens.Check(parse.Canonical!, t) == TokenState.Valid;
        if (code.Length is 0 or > CodeParser.MaxInputLength || (!tokenValid && name.Length is 0 or > HolderNormalization.MaxNameLength))
        {
            return Page<HomePage>(context, new
            {
                Ui = ui,
                Code = code,
                CodeError = code.Length is 0 or > CodeParser.MaxInputLength ? ui.T("请输入证书编号。", "Enter the certificate code.") : null,
                NameError = ui.T("报告需要证书编号和持证人姓名。", "A report needs the certificate code and the holder's name."),
            }, StatusCodes.Status400BadRequest);
        }
        if (!receipts.CanSign)
        {
            return Page<MessagePage>(context, new
            {
                Ui = ui,
                Heading = ui.T("暂不能出具报告", "No report for now"),
                Message = ui.T("此服务未配置签名密钥（Signing:Keys），不能出具带签名回执的报告。", "This service has no signing key configured (Signing:Keys), so it cannot issue a report with a signed receipt."),
            }, StatusCodes.Status503ServiceUnavailable);
        }
        if (pdf && !PdfFonts.Available)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not configured.", "report.fonts_missing",
                "服务器缺少 PDF 所需字体（Debian 软件包 fonts-droid-fallback 和 fonts-dejavu-core）。",
                "The server lacks the fonts the PDF needs (Debian packages fonts-droid-fallback and fonts-dejavu-core).", null);
        }
        var decision = parse.Success
            ? await budget.TryTakeAsync(context, VerificationChannels.WebForm, parse.Canonical!, tokenValid ? HolderProof.Token : HolderProof.Details, 1, ct)
            : null;
        if (decision is { Allowed: false })
        {
            return Refused(context, ui, decision);
        }
        var answer = tokenValid
            ? await verification.VerifyAsync(parse.Canonical!, null, null, Disclosure.Authorized, ct)
            : await verification.VerifyAsync(code, name, null, Disclosure.Anonymous, ct);
        await ReportAsync(context, budget, decision, answer, ct);
        var canonical = parse.Canonical ?? code;
        var checkedAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var standing = answer.Certificate is { } c ? CertificateStanding.Of(c, decoder.Today) : null;
        var receipt = receipts.Issue(new ReportReceiptContent("report", checkedAt, answer.Freshness.RegistrySnapshot, answer.Freshness.RegistryUpdatedAt,
            [Item(1, canonical, !tokenValid, answer, standing, withReasons: false)]));
        // The configured public address (or the demo's own), never the Host header a caller sends.
        var baseUrl = links.BaseUrl() ?? context.Request.PathBase.Value ?? "";
        var view = new ReportView(ui, answer, canonical, !tokenValid, checkedAt, standing, receipt, QueryHelpers.AddQueryString(baseUrl + "/receipts", "r", receipt));
        SetPageHeaders(context);
        if (pdf)
        {
            return TypedResults.File(ReportPdf.Render(view), "application/pdf", $"skillverify-report-{(parse.Code is not null ? canonical : "certificate")}.pdf");
        }
        return Page<ReportPage>(context, new { Ui = ui, View = view, Name = tokenValid ? null : name, Token = tokenValid ? t : null });
    }

    private static ReportItem Item(int row, string? code, bool holderCompared, VerificationResponse answer, CertificateStanding? standing, bool withReasons)
    {
        var zh = new Ui(false, "", "", new Dictionary<string, string?>());
        var en = new Ui(true, "", "", new Dictionary<string, string?>());
        var level = answer.Certificate?.Level;
        return new ReportItem(row, code, holderCompared, answer.Outcome, level?.Code, withReasons ? level?.Name : null, standing?.Value,
            withReasons ? zh.Reason(answer) : null, withReasons ? en.Reason(answer) : null, null);
    }

    private static async Task<IResult> PasteReceiptAsync(HttpContext context, ReportReceipts receipts, CancellationToken ct)
    {
        var (form, refused) = await ReadFormAsync(context, MaxReceiptFormBytes, ct);
        if (refused is not null)
        {
            return refused;
        }
        var ui = Ui.ForPost(context, form!.GetValueOrDefault("lang"), "/receipts");
        var pasted = form!.GetValueOrDefault("receipt").ToString();
        return Page<ReceiptPage>(context, new { Ui = ui, Check = receipts.Check(pasted), Pasted = pasted });
    }

    private static async Task<Results<Ok<ReceiptCheckResponse>, ProblemHttpResult>> CheckReceiptApiAsync(HttpContext context, ReportReceipts receipts, CancellationToken ct)
    {
        var (request, problem) = await VerificationApi.ReadJsonAsync(context.Request, PagesJson.Default.ReceiptCheckRequest, ct, MaxReceiptFormBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (string.IsNullOrWhiteSpace(request!.Receipt))
        {
            return Problems.BadRequest("receipt.required", "请求中缺少签名回执（receipt）。", "The request has no signed receipt (receipt).");
        }
        if (request.Receipt.Length > ReportReceipts.MaxLength)
        {
            return Problems.BadRequest("receipt.too_long", $"签名回执最多{ReportReceipts.MaxLength}个字符。", $"The signed receipt is limited to {ReportReceipts.MaxLength} characters.");
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(receipts.Check(request.Receipt));
    }

    // ---------------- spreadsheet ----------------

    private static async Task<IResult> SpreadsheetAsync(HttpContext context, VerificationService verification, ReportReceipts receipts, HolderBindingBudget budget,
        CodeDecoder decoder, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "request.content_type",
                "上传须为表单文件（Content-Type: multipart/form-data）。", "The upload must be a form with a file (Content-Type: multipart/form-data).", null);
        }
        if (request.ContentLength > Spreadsheet.MaxBytes + 8 * 1024)
        {
            return TooLarge(context, Ui.ForPost(context, null, "/spreadsheet"));
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
            {
                MultipartBodyLengthLimit = Spreadsheet.MaxBytes + 8 * 1024,
                ValueCountLimit = 8,
                KeyLengthLimit = 16,
                ValueLengthLimit = 16,
            }, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return TooLarge(context, Ui.ForPost(context, null, "/spreadsheet"));
        }
        var ui = Ui.ForPost(context, form["lang"], "/spreadsheet");
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return Page<SpreadsheetPage>(context, new { Ui = ui, Error = ui.T("请选择要上传的表格文件。", "Choose a spreadsheet to upload.") }, StatusCodes.Status400BadRequest);
        }
        if (file.Length > Spreadsheet.MaxBytes)
        {
            return TooLarge(context, ui);
        }
        List<UploadedRow> uploaded;
        try
        {
            using var memory = new MemoryStream();
            await file.CopyToAsync(memory, ct);
            uploaded = Spreadsheet.Read(memory.ToArray());
        }
        catch (Spreadsheet.FormatException ex)
        {
            return Page<SpreadsheetPage>(context, new { Ui = ui, Error = ui.T(ex.Zh, ex.En) }, StatusCodes.Status400BadRequest);
        }

        var log = loggers.CreateLogger("SkillVerify.Api.Pages.Spreadsheet");
        var rows = new List<CheckedRow>(uploaded.Count);
        var items = new List<ReportItem>(uploaded.Count);
        FreshnessDto? freshness = null;
        foreach (var row in uploaded)
        {
            // Each row alone: a row that cannot be checked is said so, and the others go on.
            var (result, item, rowFreshness) = await CheckRowAsync(context, row, verification, budget, decoder, log, ct);
            rows.Add(result);
            items.Add(item);
            freshness = rowFreshness ?? freshness;
        }
        var snapshot = freshness;
        string? receipt = null;
        if (receipts.CanSign && snapshot is not null)
        {
            receipt = receipts.Issue(new ReportReceiptContent("spreadsheet", DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds()),
                snapshot.RegistrySnapshot, snapshot.RegistryUpdatedAt, items));
        }
        return Page<SpreadsheetPage>(context, new { Ui = ui, Rows = rows, Receipt = receipt });
    }

    private static async Task<(CheckedRow Row, ReportItem Item, FreshnessDto? Freshness)> CheckRowAsync(HttpContext context, UploadedRow row, VerificationService verification, HolderBindingBudget budget,
        CodeDecoder decoder, ILogger log, CancellationToken ct)
    {
        (CheckedRow, ReportItem, FreshnessDto?) Refused(string code, string zh, string en) =>
            (new CheckedRow(row.RowNumber, row.Code, null, zh, en, code), new ReportItem(row.RowNumber, row.Code, false, "NOT_CHECKED", null, null, null, zh, en, code), null);

        if (row.Code is null)
        {
            return Refused("row.code_missing", "缺少证书编号。", "The certificate code is missing.");
        }
        if (row.Code.Length > CodeParser.MaxInputLength)
        {
            return Refused("row.code_too_long", $"证书编号最多{CodeParser.MaxInputLength}个字符。", $"The code is at most {CodeParser.MaxInputLength} characters.");
        }
        if (row.Name is null)
        {
            return Refused("row.name_missing", "缺少持证人姓名。", "The holder's name is missing.");
        }
        if (row.Name.Length > HolderNormalization.MaxNameLength)
        {
            return Refused("row.name_too_long", $"姓名最多{HolderNormalization.MaxNameLength}个字符。", $"The name is at most {HolderNormalization.MaxNameLength} characters.");
        }
        try
        {
            // Each row spends one holder check from the caller's budget, as a name typed into the form would.
            var canonical = CodeParser.Parse(row.Code).Canonical;
            var decision = canonical is null ? null : await budget.TryTakeAsync(context, VerificationChannels.Spreadsheet, canonical, HolderProof.Details, 1, ct);
            if (decision is { Allowed: false })
            {
                var (refusal, refusalZh, refusalEn) = decision.Explanation;
                return Refused(refusal, "此行未核验：" + refusalZh, "This row was not checked: " + refusalEn);
            }
            var answer = await verification.VerifyAsync(row.Code, row.Name, null, Disclosure.Anonymous, ct);
            await ReportAsync(context, budget, decision, answer, ct);
            var standing = answer.Certificate is { } c ? CertificateStanding.Of(c, decoder.Today) : null;
            var zh = new Ui(false, "", "", new Dictionary<string, string?>());
            var en = new Ui(true, "", "", new Dictionary<string, string?>());
            var view = new VerificationResponseView(answer.Outcome, answer.Certificate?.HolderNameMasked, answer.Certificate?.Level.Code, zh.Reason(answer), en.Reason(answer), standing);
            var parsed = canonical ?? row.Code;
            return (new CheckedRow(row.RowNumber, parsed, view, null, null, null), Item(row.RowNumber, parsed, true, answer, standing, withReasons: true), answer.Freshness);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RowNotChecked(log, ex, row.RowNumber);
            return Refused("row.not_checked", "此行暂时无法核验，请稍后再试。", "This row could not be checked just now; try again later.");
        }
    }

    private static async Task<IResult> ResultsFileAsync(HttpContext context, ReportReceipts receipts, bool xlsx, CancellationToken ct)
    {
        var (form, refused) = await ReadFormAsync(context, MaxReceiptFormBytes, ct);
        if (refused is not null)
        {
            return refused;
        }
        var ui = Ui.ForPost(context, form!.GetValueOrDefault("lang"), "/spreadsheet");
        var receipt = form!.GetValueOrDefault("receipt").ToString();
        var check = receipts.Check(receipt);
        if (check is not { State: "genuine", Report: { Kind: "spreadsheet" } report })
        {
            return Page<MessagePage>(context, new
            {
                Ui = ui,
                Heading = ui.T("无法生成文件", "No file"),
                Message = ui.T("结果文件只能由本服务签名的批量核验回执生成；此回执不是真实、未经修改的回执。", "A results file is made only from a spreadsheet check's receipt signed by this service; this one is not genuine and unchanged."),
                BackHref = ui.Href("/spreadsheet"),
            }, StatusCodes.Status400BadRequest);
        }
        SetPageHeaders(context);
        var stamp = report.CheckedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        return xlsx
            ? TypedResults.File(Spreadsheet.Xlsx(ui, report.Items, receipt.Trim()), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"skillverify-results-{stamp}.xlsx")
            : TypedResults.File(Spreadsheet.Csv(ui, report.Items, receipt.Trim()), "text/csv; charset=utf-8", $"skillverify-results-{stamp}.csv");
    }

    // ---------------- plumbing ----------------

    /// <summary>A check the holder-check budget refused: a 429 page that says why, when to retry and what still works.</summary>
    private static RazorComponentResult<MessagePage> Refused(HttpContext context, Ui ui, BudgetDecision decision)
    {
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (_, zh, en) = decision.Explanation;
        return Page<MessagePage>(context, new { Ui = ui, Heading = ui.T("请稍后再试", "Please wait"), Message = ui.T(zh, en) }, StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Tells the budget whether the holder details matched (an answer that shows a certificate), once the answer is known.</summary>
    /// <summary>
    /// Tells the budget whether the holder details matched (an answer that shows a certificate), once the answer is known,
    /// and leaves the one audit record of this verification (channel, caller, outcome, masked code).
    /// </summary>
    private static async Task ReportAsync(HttpContext context, HolderBindingBudget budget, BudgetDecision? decision, VerificationResponse answer, CancellationToken ct)
    {
        if (decision is not null)
        {
            await budget.ReportAsync(decision, bound: answer.Certificate is not null, ct);
            context.RequestServices.GetRequiredService<VerificationMetrics>().Record(decision.Channel, decision.Caller, answer.Outcome, decision.Code);
        }
    }

    private static RazorComponentResult<SpreadsheetPage> TooLarge(HttpContext context, Ui ui) =>
        Page<SpreadsheetPage>(context, new { Ui = ui, Error = ui.T($"文件过大：最多 {Spreadsheet.MaxBytes / 1024} KB。", $"The file is too large: at most {Spreadsheet.MaxBytes / 1024} KB.") },
            StatusCodes.Status413PayloadTooLarge);

    private static RazorComponentResult<TComponent> Page<TComponent>(HttpContext context, object parameters, int status = StatusCodes.Status200OK)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        SetPageHeaders(context);
        return new RazorComponentResult<TComponent>(parameters) { StatusCode = status, ContentType = HtmlType, PreventStreamingRendering = true };
    }

    private static void SetPageHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        // A page may carry a masked name, a form's name, or a token in its URL: no cache keeps it, no referrer carries it away.
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>A small url-encoded form, read within limits: 415 for another content type, 413 when too large.</summary>
    private static async Task<(Dictionary<string, StringValues>? Form, IResult? Refused)> ReadFormAsync(HttpContext context, int maxBytes, CancellationToken ct)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", "request.content_type",
                "请求体须为表单（Content-Type: application/x-www-form-urlencoded）。", "The request body must be a form (Content-Type: application/x-www-form-urlencoded).", null));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }
        try
        {
            using var limited = new LimitedStream(request.Body, maxBytes);
            using var reader = new FormReader(limited) { ValueCountLimit = 8, KeyLengthLimit = 16, ValueLengthLimit = maxBytes };
            return (await reader.ReadFormAsync(ct), null);
        }
        catch (Exception ex) when (ex is LimitedStream.LimitExceededException or InvalidDataException)
        {
            return (null, TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool IsOccupationCode(string s) =>
        s.Length == 10 && s[1] == '-' && s[4] == '-' && s[7] == '-' && s.Where((c, i) => i is not (1 or 4 or 7)).All(char.IsAsciiDigit);

    private static byte[] LoadCss()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SkillVerify.Api.Pages.site.css")
            ?? throw new InvalidOperationException("The stylesheet is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "A spreadsheet row could not be checked (row {Row}).")]
    private static partial void RowNotChecked(ILogger logger, Exception exception, int row);
}
